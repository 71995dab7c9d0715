"""What every Python fuzz harness checks (tests/fuzz/python): a model zbb accepted answers every
question with a result that cross-foots to the cent, a trusted status or a zbb error; never another
exception, a NaN or an infinity in a report, or a model that does not survive pickling."""

from __future__ import annotations

import json
import math
import pickle
from typing import Any

import zbb

STATUSES = {"optimal", "infeasible", "error", "time_limit", "iteration_limit", "unbounded"}


def _no_constants(text: str) -> Any:
    def refuse(name: str) -> Any:
        raise AssertionError(f"{name} in a JSON report")

    return json.loads(text, parse_constant=refuse)


def check_budget(b: zbb.Budget) -> None:
    for by in ("goal", "activity", "resource", "partner", "category"):
        frame = b.breakdown(by)
        assert sum(frame["amount"]) == b.total, by
    _no_constants(b.report_json())
    text = b.report_text()
    assert "nan" not in text.lower().split() and "inf" not in text.lower().split()


def check_model(model: zbb.Model) -> None:
    """Runs every question on an accepted model; zbb errors are answers, anything else a finding."""
    again = pickle.loads(pickle.dumps(model))
    assert again == model
    try:
        check_budget(model.budget())
    except zbb.ZbbError:
        pass
    try:
        r = model.least_cost(time_limit=2)
        assert r.status in STATUSES, r.status
        if r.status == "infeasible":  # only with an explanation that names what conflicts
            assert r.explanation, "infeasible without an explanation"
        if r.status == "optimal":
            assert r.budget is not None
            check_budget(r.budget)
            assert math.isfinite(r.objective_value or 0.0)
    except zbb.ZbbError:
        pass
    if model.frame and model.frame.get("budget") is not None:
        try:
            r = model.max_effect(time_limit=2)
            assert r.status in STATUSES, r.status
            if r.status == "infeasible":
                assert r.explanation, "infeasible without an explanation"
            if r.status == "optimal" and r.budget is not None:
                check_budget(r.budget)
        except zbb.ZbbError:
            pass
        if len(model.table("packages")):
            try:
                p = model.packages(time_limit=2)
                assert p.status in {"optimal", "time_limit", "error"}, p.status
                assert p.funded_cost <= p.budget, (p.funded_cost, p.budget)
            except zbb.ZbbError:
                pass
