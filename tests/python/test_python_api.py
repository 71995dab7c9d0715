"""The Python API: breakdown frames, zero-copy views, scenarios, comparisons, matrices, notebook
reprs, plots, and the package surface (__all__, stubs)."""

from __future__ import annotations

import ast
import gc
import threading
from decimal import Decimal
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

import zbb
from zbb import _core

matplotlib.use("Agg")


def test_breakdown_frames(example_model: zbb.Model) -> None:
    budget = example_model.budget()
    assert isinstance(budget.total, Decimal) and budget.total == Decimal("2257509.25")
    assert budget.total_minor == 225750925
    for attr, by in (
        ("by_goal", "goal"),
        ("by_activity", "activity"),
        ("by_resource", "resource"),
        ("by_partner", "partner"),
        ("by_category", "category"),
    ):
        frame = getattr(budget, attr)
        assert frame.index.name == by
        assert frame["amount_minor"].dtype == np.int64
        assert frame["amount_float"].dtype == np.float64
        assert all(isinstance(v, Decimal) for v in frame["amount"])
        assert sum(frame["amount"], Decimal(0)) == budget.total
        assert frame["amount_minor"].sum() == budget.total_minor
    acts = budget.by_activity
    assert {"name", "partner", "volume", "direct_volume", "unit_cost", "full_unit_cost"} <= set(acts.columns)
    assert acts.loc["A-case", "volume"] == 440.0
    res = budget.by_resource
    assert res.loc["R-cm", "price"] == Decimal("78.40") and res.loc["R-cm", "category"] == "personnel"
    goals = budget.goals
    assert list(goals.columns) == ["name", "unit", "baseline", "target", "projected", "reached", "gap"]
    assert goals.loc["G-crisis", "target"] < goals.loc["G-crisis", "baseline"]
    assert bool(goals.loc["G-crisis", "reached"]) is True
    assert set(budget.warnings) == set(budget.warnings)  # a list of str
    assert list(budget.by_category.index) == example_model.categories


def test_vectors_are_read_only_views_that_keep_the_budget_alive(example_model: zbb.Model) -> None:
    budget = example_model.budget()
    volumes = budget.volumes
    assert not volumes.flags.writeable
    with pytest.raises(ValueError):
        volumes[0] = 1.0
    assert volumes.base is not None
    first = budget.volumes
    assert np.shares_memory(first, volumes)  # zero-copy: the same buffer every time
    expected = volumes.copy()
    del budget
    gc.collect()
    assert np.array_equal(volumes, expected)  # the view keeps the budget alive
    for name in ("direct_volumes", "resource_needs", "unit_costs", "full_unit_costs", "projected"):
        arr = getattr(example_model.budget(), name)
        assert arr.dtype == np.float64 and not arr.flags.writeable


def test_matrices(example_model: zbb.Model) -> None:
    support = example_model.matrix("support")
    n = len(example_model.activity_ids)
    assert support.shape == (n, n)
    ids = example_model.activity_ids
    assert support[ids.index("A-mgmt"), ids.index("A-case")] == 1.5
    plan = example_model.matrix("plan")
    assert plan.shape == (n, len(example_model.goal_ids))
    assert plan.sum() == pytest.approx(sum(example_model.table("plan")["volume"]))
    with pytest.raises(zbb.ModelError):
        example_model.matrix("nope")


def test_raise_one_target_and_its_plan_volume(example_model: zbb.Model) -> None:
    base = example_model.budget()
    # A-case: 500 for G-home + 60 for G-crisis, within its last level (600)
    scenario_model = example_model.with_target("G-home", 680).with_plan_volume("G-home", "A-case", 500)
    assert example_model.table("goals").set_index("id").loc["G-home", "target"] == 660  # unchanged
    scenario = scenario_model.budget()
    assert scenario.goals.loc["G-home", "target"] == 680
    assert scenario.total > base.total
    diff = zbb.compare(base, scenario)
    assert list(diff.columns) == ["base", "scenario", "change", "change_pct", "base_float", "scenario_float"]
    assert diff.loc["G-home", "change"] > 0
    assert diff["change"].sum() == scenario.total - base.total
    total = base.compare(scenario, by="total")
    assert total.loc["total", "change"] == scenario.total - base.total


def test_change_a_price(example_model: zbb.Model) -> None:
    base = example_model.budget()
    dearer = example_model.with_price("R-cm", "82.00").budget()
    need = base.by_resource.loc["R-cm", "need"]
    change = dearer.total - base.total
    assert abs(change - Decimal(repr(float(need))) * Decimal("3.60")) <= Decimal("0.01")
    assert dearer.by_resource.loc["R-cm", "price"] == Decimal("82.00")
    assert example_model.with_price("R-cm", Decimal("78.40")) == example_model


def test_budget_for_an_alternative_plan(example_model: zbb.Model) -> None:
    plan = example_model.table("plan")
    assert example_model.budget(plan=plan).report_json() == example_model.budget().report_json()
    # Costs are linear in the volumes (within the levels of A-case and A-respite: 550 <= 600, 1125 <= 1460).
    larger = plan.assign(volume=plan["volume"] * 1.25)
    scaled = example_model.budget(plan=larger)
    assert abs(scaled.total - Decimal("1.25") * example_model.budget().total) <= Decimal("0.01")
    # Beyond an activity's last level the effect is undefined: refused, naming the activity and field.
    with pytest.raises(zbb.ModelError, match=r"activity 'A-case', field 'levels': total volume 880 exceeds") as info:
        example_model.budget(plan=plan.assign(volume=plan["volume"] * 2))
    assert (info.value.entity, info.value.id, info.value.field) == ("activity", "A-case", "levels")
    rows = [{"goal": "G-home", "activity": "A-case", "volume": 10}]
    small = example_model.budget(plan=rows)
    assert small.by_goal.loc["G-carer", "amount"] == 0
    assert example_model.with_plan(rows).budget().total == small.total
    assert small.plan_matrix().sum() == 10


def test_rounding_modes_bracket_the_value(example_model: zbb.Model) -> None:
    totals = {mode: example_model.budget(rounding=mode).total for mode in zbb.ROUNDING_MODES}
    assert totals["floor"] <= totals["half-even"] <= totals["ceiling"]
    assert totals["ceiling"] - totals["floor"] <= Decimal("0.01")


def test_other_currencies(example_model: zbb.Model) -> None:
    tables = example_model.to_dataframes()
    yen = zbb.from_dataframes(tables, currency="JPY")
    assert yen.minor_digits == 0 and yen.budget().total == yen.budget().total.to_integral_value()
    custom = zbb.from_dataframes(tables, currency="XTS", minor_units=4)
    assert custom.minor_digits == 4 and custom.budget().total.as_tuple().exponent == -4


def test_reprs(example_model: zbb.Model) -> None:
    html = example_model._repr_html_()
    assert "zbb.Model" in html and "consumption" in html
    budget = example_model.budget()
    html = budget._repr_html_()
    assert "2,257,509.25" in html and "G-home" in html and "<table" in html
    assert "2257509.25" in repr(budget)
    assert "4 goals" in repr(example_model)


@pytest.mark.parametrize("plot", ["plot_cost_by_goal", "plot_flow", "plot_goals"])
def test_plots(example_model: zbb.Model, plot: str) -> None:
    ax = getattr(example_model.budget(), plot)()
    assert ax.figure is not None
    ax.figure.canvas.draw()


def test_flows_add_up(example_model: zbb.Model) -> None:
    from zbb._plot import flows

    budget = example_model.budget()
    totals, cat_act, act_goal = flows(budget)
    by_goal = budget.by_goal["amount_float"]
    for g in example_model.goal_ids:
        assert sum(v for (_, gg), v in act_goal.items() if gg == g) == pytest.approx(by_goal[g], abs=0.011)
    by_act = budget.by_activity["amount_float"]
    for a in example_model.activity_ids:
        assert sum(v for (_, aa), v in cat_act.items() if aa == a) == pytest.approx(by_act[a], abs=0.011)
    assert sum(totals.values()) == pytest.approx(float(budget.total), abs=1e-6)


def test_models_are_immutable_and_comparable(example_model: zbb.Model) -> None:
    with pytest.raises(AttributeError):
        example_model.name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        hash(example_model)
    with pytest.raises(TypeError):
        zbb.Model("not a core model")  # type: ignore[arg-type]
    assert example_model != example_model.with_target("G-home", 1)


def test_budgets_in_threads(example_model: zbb.Model) -> None:
    # the C++ work runs without the GIL; budgets from several threads agree
    results: list[Decimal] = []
    threads = [threading.Thread(target=lambda: results.append(example_model.budget().total)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [example_model.budget().total] * 4


def test_public_api() -> None:
    for name in zbb.__all__:
        assert hasattr(zbb, name), name
    assert zbb.__version__ == _core.version
    assert issubclass(zbb.ModelError, ValueError) and issubclass(zbb.SupportLoopError, zbb.ModelError)
    assert issubclass(zbb.InfeasibleError, ValueError) and issubclass(zbb.MoneyOverflowError, OverflowError)
    assert zbb.TABLE_COLUMNS["funding"] == ["activity", "partner", "share"]


def test_core_stub_matches_module() -> None:
    stub = Path(zbb.__file__).with_name("_core.pyi")
    assert Path(zbb.__file__).with_name("py.typed").exists()
    tree = ast.parse(stub.read_text(encoding="utf-8"))
    names = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    names |= {t.id for n in tree.body if isinstance(n, ast.AnnAssign) for t in [n.target] if isinstance(t, ast.Name)}
    public = {n for n in dir(_core) if not n.startswith("__")}
    names -= {"_Columns", "_Csc"}
    assert names == public
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        members = {m.name for m in cls.body if isinstance(m, ast.FunctionDef)}
        actual = {m for m in dir(getattr(_core, cls.name)) if not m.startswith("_")}
        assert members == actual, cls.name


def test_frames_from_lists_of_rows() -> None:
    model = zbb.from_dataframes(
        goals=[{"id": "G", "baseline": 0, "target": 10}],
        activities=[{"id": "A", "partner": "P"}],
        resources=[{"id": "R", "price": "12.50"}],
        partners=pd.DataFrame({"id": ["P"]}),
        consumption={"activity": ["A"], "resource": ["R"], "per_unit": [2]},
        effects=[{"goal": "G", "activity": "A", "per_unit": 0.5}],
        plan=[{"goal": "G", "activity": "A", "volume": 20}],
        name="tiny",
    )
    budget = model.budget()
    assert budget.total == Decimal("500.00")
    assert budget.goals.loc["G", "projected"] == 10 and bool(budget.goals.loc["G", "reached"])


def test_import_error_says_compile_only_when_the_extension_is_missing(tmp_path: Path) -> None:
    """A package without zbb._core says "forget to compile"; a _core that exists but cannot load
    passes the loader's own error (it used to be reported as not compiled, too)."""
    import shutil
    import subprocess
    import sys

    source = Path(zbb.__file__).parent
    for case, core in (("missing", None), ("broken", b"not a shared object")):
        root = tmp_path / case
        shutil.copytree(source, root / "zbb", ignore=shutil.ignore_patterns("_core*.so", "__pycache__"))
        if core is not None:
            suffix = next(p.name for p in source.glob("_core*.so"))
            (root / "zbb" / suffix).write_bytes(core)
        r = subprocess.run(
            [sys.executable, "-c", "import zbb"],
            cwd=root,
            capture_output=True,
            text=True,
            env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        )
        assert r.returncode != 0
        if case == "missing":
            assert "Did you forget to compile?" in r.stderr
        else:
            assert "forget to compile" not in r.stderr
            assert "ImportError" in r.stderr
