"""The results (Budget, OptimizationResult, PackagesResult) share one base, know their model, and the
compiled core hands them named columns, never positional tuples (issue 11: "Python without circles")."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

import zbb
from zbb._result import Result, SolverResult

PACKAGES_JSON = Path(__file__).resolve().parents[2] / "tests" / "cli" / "models" / "packages.json"


def test_every_result_knows_the_model_it_was_computed_on(example_model: zbb.Model) -> None:
    budget = example_model.budget()
    assert budget.model is example_model
    least = example_model.least_cost()
    assert least.model is example_model and least.budget is not None and least.budget.model is example_model
    best = example_model.max_effect(budget="1000000.00")
    assert best.model is example_model and best.budget is not None and best.budget.model is example_model
    packages = zbb.read_json(PACKAGES_JSON)
    assert packages.packages("500000.00").model is packages
    scenario = example_model.with_price("R-cm", "82.00")
    assert scenario.budget().model is scenario and scenario.budget().total > budget.total


def test_one_base_holds_the_shared_behaviour() -> None:
    assert issubclass(zbb.Budget, Result) and not issubclass(zbb.Budget, SolverResult)
    assert issubclass(zbb.OptimizationResult, SolverResult) and issubclass(zbb.PackagesResult, SolverResult)
    for cls in (zbb.Budget, zbb.OptimizationResult, zbb.PackagesResult):
        for name in ("model", "report_json", "report_text", "status", "message", "optimal", "raise_for_status"):
            assert name not in vars(cls), f"{cls.__name__}.{name} should come from the base"


def test_results_are_made_by_the_model_only(example_model: zbb.Model) -> None:
    budget = example_model.budget()
    with pytest.raises(TypeError, match=r"Model\.budget\(\)"):
        zbb.Budget(object(), example_model)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="model must be the zbb.Model"):
        zbb.Budget(budget._core, object())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"Model\.least_cost\(\)"):
        zbb.OptimizationResult(budget._core, example_model)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"Model\.packages\(\)"):
        zbb.PackagesResult(budget._core, example_model)  # type: ignore[arg-type]
    again = zbb.Budget(budget._core, example_model)
    assert again.total == budget.total and again.model is example_model


def test_report_json_indent_defaults_to_the_clis(example_model: zbb.Model) -> None:
    results = [example_model.budget(), example_model.least_cost(), zbb.read_json(PACKAGES_JSON).packages("500000.00")]
    for r in results:
        text = r.report_json()
        assert text == r.report_json(indent=None) == r.report_json(indent=2)
        one_line = r.report_json(indent=-1)
        assert "\n" not in one_line.rstrip("\n") and json.loads(one_line) == json.loads(text)


def test_status_errors_come_from_the_base(example_model: zbb.Model) -> None:
    result = example_model.with_target("G-home", 1e9).least_cost()
    assert result.status == "infeasible" and not result.optimal
    with pytest.raises(zbb.InfeasibleError, match=r"^least-cost infeasible: .*G-home") as info:
        result.raise_for_status()
    assert (info.value.entity, info.value.id, info.value.field, info.value.status) == (
        "goal",
        "G-home",
        "target",
        "infeasible",
    )
    ok = zbb.read_json(PACKAGES_JSON).packages("500000.00")
    assert ok.raise_for_status() is ok


def test_binding_limits_cross_as_named_columns(example_model: zbb.Model) -> None:
    least = example_model.least_cost()
    columns = least._core.binding()
    assert isinstance(columns, dict)
    assert list(columns) == ["entity", "id", "field", "bound", "used", "shadow_price", "excess"]
    n = len(columns["id"])
    assert n == len(least.binding) > 0
    assert all(len(v) == n for v in columns.values())
    assert columns["bound"].dtype == np.float64 and least.binding["bound"].dtype == np.float64
    assert list(least.binding["id"]) == list(columns["id"])
    assert list(least.binding["shadow_price"]) == list(columns["shadow_price"])


def test_explanations_cross_as_named_columns(example_model: zbb.Model) -> None:
    result = example_model.with_target("G-home", 1e9).least_cost()
    ex = result._core.explanation()
    assert ex is not None
    assert list(ex["goals"]) == ["goal", "baseline", "target", "best", "shortfall", "held_back_by"]
    assert ex["goals"]["goal"] == ["G-home"]
    assert list(ex["limits"]) == ["entity", "id", "field", "bound", "used", "shadow_price", "excess"]
    unreachable = result.unreachable
    assert list(unreachable.index) == ["G-home"] and unreachable.loc["G-home", "target"] == 1e9
    assert unreachable.loc["G-home", "best"] == ex["goals"]["best"][0] < 1e9
    # Without an explanation: the same columns, no rows.
    assert example_model.least_cost().unreachable.empty
    assert list(example_model.least_cost().unreachable.columns) == list(unreachable.columns)


def test_packages_cross_as_named_columns() -> None:
    r = zbb.read_json(PACKAGES_JSON).packages("500000.00")
    p = r._core.packages()
    assert list(p) == [
        "id",
        "unit",
        "level",
        "name",
        "priority",
        "cost_minor",
        "cumulative_minor",
        "weighted_effect",
        "effect_per_currency_unit",
        "funded",
        "in_optimal",
        "model_index",
        "cost_value",
    ]
    assert p["id"] == list(r.ranked.index) == ["DU-carer/1", "DU-carer/2", "DU-home/1", "DU-home/2"]
    # Money stays exact: Python ints in minor units that sum to the total, as the Decimals do.
    assert all(type(m) is int for m in p["cost_minor"] + p["cumulative_minor"])
    assert sum(p["cost_minor"]) == r._core.total_minor and sum(r.ranked["cost"]) == r.total
    assert p["cumulative_minor"][-1] == r._core.total_minor
    assert r.ranked["cost"].iloc[0] == Decimal(p["cost_minor"][0]) / 100
    assert np.isnan(p["priority"]).all() and r.ranked["priority"].isna().all()
    assert p["level"].dtype == np.int64 and p["funded"].dtype == bool
    assert sorted(p["model_index"].tolist()) == [0, 1, 2, 3]
    assert list(r.ranked["in_optimal"]) == list(p["in_optimal"])
    assert np.all(np.abs(p["cost_value"] - np.asarray(p["cost_minor"], dtype=float)) <= 1)
