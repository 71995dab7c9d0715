"""The bulk DataFrame path on a larger model (the benchmark's generator, scaled down): the same
model and budget as through the JSON reader, and whole columns in the dtypes pandas produces."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

import zbb
from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from python_budget_benchmark import make_tables, without_zbb  # noqa: E402


def test_bulk_path_equals_json_path() -> None:
    tables = make_tables(n_act=3_000, n_goals=60, n_res=80, n_part=7, n_sup=12, seed=3, n_links=50_000)
    assert sum(len(tables[t]) for t in ("effects", "consumption", "support", "funding", "plan")) > 45_000
    model = zbb.from_dataframes(tables, name="bulk")
    via_json = zbb.Model.from_json_text(model.to_json())
    assert via_json == model
    budget = model.budget()
    assert via_json.budget().report_json() == budget.report_json()
    # the plain pandas/scipy computation of the benchmark agrees to the cent
    total, by_goal = without_zbb(tables)
    assert total == budget.total
    assert max(abs(by_goal[g] - a) for g, a in budget.by_goal["amount"].items()) <= 0.01


def test_pandas_dtypes_are_accepted(example_model: zbb.Model) -> None:
    tables = example_model.to_dataframes()
    plan = tables["plan"]
    variants = [
        plan.astype({"goal": "category", "activity": "category"}),
        plan.astype({"goal": "string", "activity": "string", "volume": "Float64"}),
        plan.assign(volume=plan["volume"].astype("int64")),
        plan.iloc[::-1].reset_index(drop=True).iloc[::-1],  # a non-contiguous, reordered frame
    ]
    expected = example_model.budget().total
    for variant in variants:
        assert zbb.from_dataframes({**tables, "plan": variant}, frame=example_model.frame).budget().total == expected
    strided = {
        c: np.asarray(plan[c].to_numpy(dtype=object if c != "volume" else np.float64))[::-1][::-1] for c in plan.columns
    }
    assert example_model.budget(plan=pd.DataFrame(strided)).total == expected
