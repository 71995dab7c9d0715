"""Areas from Python (docs/areas.md): Budget.by_area and goal_table("area") against the CLI, the
areas through every door (JSON, DataFrames, pickling, workbooks), refusals naming id and field,
and a model without areas unchanged."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

import zbb
from conftest import REPO

AREAS = REPO / "examples" / "dementia-friendly-areas.json"
PLAIN = REPO / "examples" / "dementia-friendly.json"
CLI = Path(os.environ.get("ZBB_CLI", REPO / "build" / "zbb"))


def cli_json(*args: str) -> dict:
    out = subprocess.run([str(CLI), *args], capture_output=True, text=True, check=True, timeout=60)
    return json.loads(out.stdout)


def test_by_area_matches_the_cli_and_cross_foots() -> None:
    b = zbb.read_json(AREAS).budget()
    report = cli_json("budget", str(AREAS), "--json")
    assert {k: str(v) for k, v in b.by_area["amount"].items()} == report["by_area"]
    assert sum(b.by_area["amount"]) == b.total
    assert list(b.by_area.index) == [*b.model.area_ids]
    assert b.model.area_ids[-1] == "(no area)"
    with_sub = {k: str(v) for k, v in b.by_area["amount_with_sub_areas"].items()}
    assert with_sub == report["by_area_including_sub_areas"]
    town = b.by_area.loc["D-zutphen"]
    inside = b.by_area.loc[["N-waterkwartier", "N-zuidwijken"], "amount"].sum()
    assert town["amount_with_sub_areas"] == town["amount"] + inside
    assert b.by_area.loc["N-zuidwijken", "parent"] == "D-zutphen"


def test_goal_area_table_cross_foots_and_matches_the_cli() -> None:
    b = zbb.read_json(AREAS).budget()
    t = b.goal_table("area")
    assert list(t.columns) == list(b.by_area.index)
    for goal, row in t.iterrows():
        assert sum(row) == b.by_goal.loc[goal, "amount"]
    for area in t.columns:
        assert sum(t[area]) == b.by_area.loc[area, "amount"]
    cells = cli_json("budget", str(AREAS), "--by", "area", "--json")["cells"]
    long = b.goal_table("area", wide=False)
    assert {(r.goal, r.area): str(r.amount) for r in long.itertuples()} == {
        (g, a): v for g, row in cells.items() for a, v in row.items()
    }


def test_areas_change_nothing_else() -> None:
    plain = zbb.read_json(PLAIN).budget()
    areas = zbb.read_json(AREAS).budget()
    assert plain.total == areas.total
    for by in ("by_goal", "by_activity", "by_resource", "by_partner", "by_category"):
        assert list(getattr(plain, by)["amount"]) == list(getattr(areas, by)["amount"])
    assert not plain.model.has_areas and plain.model.area_ids == []
    assert len(plain.by_area) == 0
    assert '"by_area"' not in plain.report_json()
    with pytest.raises(zbb.ModelError, match="has no areas"):
        plain.goal_table("area")


def test_areas_through_every_door(tmp_path: Path) -> None:
    m = zbb.read_json(AREAS)
    expected = m.budget().by_area["amount"]
    again = [
        zbb.Model.from_dataframes(m.to_dataframes(), name=m.name, currency=m.currency),
        pickle.loads(pickle.dumps(m)),
        zbb.Model.from_json_text(m.to_json()),
        zbb.Model.from_dict(m.to_dict()),
    ]
    m.to_excel(tmp_path / "model.xlsx")
    again.append(zbb.read_excel(tmp_path / "model.xlsx"))
    for other in again:
        assert other.table("areas").equals(m.table("areas"))
        assert list(other.budget().by_area["amount"]) == list(expected)
    areas = m.table("areas")
    assert list(areas.columns) == ["id", "name", "parent"]
    assert m.table("activities").set_index("id").loc["A-walkin-warnsveld", "area"] == "D-warnsveld"


def test_budget_workbook_has_an_area_sheet_only_with_areas(tmp_path: Path) -> None:
    zbb.read_json(AREAS).budget().to_excel(tmp_path / "areas.xlsx")
    zbb.read_json(PLAIN).budget().to_excel(tmp_path / "plain.xlsx")
    with_areas = openpyxl.load_workbook(tmp_path / "areas.xlsx")
    assert "by_area" in with_areas.sheetnames
    assert "by_area" not in openpyxl.load_workbook(tmp_path / "plain.xlsx").sheetnames
    ws = with_areas["by_area"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["area", "name", "parent", "amount_with_sub_areas"]
    last = ws.max_row
    assert ws.cell(last, 1).value == "Total"
    assert str(ws.cell(last, header.index("amount") + 1).value).startswith("=SUM(")


def test_plot_cost_by_area() -> None:
    import matplotlib

    matplotlib.use("Agg")
    ax = zbb.read_json(AREAS).budget().plot_cost_by_area()
    assert "Cost by area" in ax.get_title()
    with pytest.raises(zbb.ModelError, match="has no areas"):
        zbb.read_json(PLAIN).budget().plot_cost_by_area()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t["goals"].__setitem__("area", ["X", "", "", ""]), "goal 'G-home', field 'area': unknown area 'X'"),
        (
            lambda t: t["areas"].__setitem__("parent", ["N-zuidwijken", "D-zutphen", "D-zutphen", ""]),
            "area 'D-zutphen', field 'parent': areas nest in a circle",
        ),
        (
            lambda t: t["areas"].__setitem__("id", ["(no area)", "N-waterkwartier", "N-zuidwijken", "D-warnsveld"]),
            "area '(no area)', field 'id': is reserved",
        ),
    ],
)
def test_bad_areas_from_dataframes_are_refused(change, message: str) -> None:  # type: ignore[no-untyped-def]
    m = zbb.read_json(AREAS)
    tables = m.to_dataframes()
    change(tables)
    with pytest.raises(zbb.ModelError, match=message.replace("(", r"\(").replace(")", r"\)")) as e:
        zbb.Model.from_dataframes(tables, name=m.name)
    assert e.value.field in ("area", "parent", "id")


def test_area_amounts_are_exact_decimals() -> None:
    b = zbb.read_json(AREAS).budget()
    assert all(isinstance(v, Decimal) for v in b.by_area["amount"])
    assert all(isinstance(v, Decimal) for v in b.by_area["amount_with_sub_areas"])


def test_plan_rows_of_an_optimised_plan_keep_the_pair_areas() -> None:
    from zbb._simulate import _plan_rows

    m = zbb.read_json(AREAS)
    tables = m.to_dataframes()
    plan = tables["plan"]
    plan["area"] = ["N-zuidwijken" if a == "A-course" else "" for a in plan["activity"]]
    m = zbb.Model.from_dataframes(tables, name=m.name)
    rows = _plan_rows(m.least_cost())
    course = rows[rows["activity"] == "A-course"]
    assert len(course) > 0
    assert set(course["area"]) == {"N-zuidwijken"}
    assert set(rows.loc[rows["activity"] != "A-course", "area"]) <= {""}


def _policy_doc() -> dict:
    """The areas example where the walk-in points pay (docs/areas.md, caps per area): G-friendly
    weighs 5 and only 300 staff can be trained."""
    doc = json.loads(AREAS.read_text())
    next(g for g in doc["goals"] if g["id"] == "G-friendly")["weight"] = 5
    next(a for a in doc["activities"] if a["id"] == "A-train")["max"] = 300
    return doc


def _capped(cap: str = "40000.00") -> zbb.Model:
    doc = _policy_doc()
    doc["frame"]["area_caps"] = [{"area": "D-warnsveld", "cap": cap}]
    return zbb.Model.from_dict(doc)


def _area_cost(result: zbb.OptimizationResult, area: str) -> Decimal:
    """The full cost of the activities whose own area is ``area`` (none of the example's areas
    nest below D-warnsveld, and its goals have no area, so by_area says the same)."""
    amount: Decimal = result.budget.by_area.loc[area, "amount"]
    return amount


def test_area_caps_hold_in_max_effect_and_match_the_cli(tmp_path: Path) -> None:
    free = zbb.Model.from_dict(_policy_doc()).max_effect()
    capped = _capped()
    assert capped.frame is not None
    assert capped.frame["area_caps"] == [{"area": "D-warnsveld", "cap": "40000.00"}]
    r = capped.max_effect()
    assert r.status == "optimal"
    assert _area_cost(free, "D-warnsveld") > Decimal("40000.00")
    assert _area_cost(r, "D-warnsveld") <= Decimal("40000.00")
    assert r.weighted_attainment <= free.weighted_attainment + 1e-9
    binding = r.binding
    row = binding[(binding["entity"] == "frame.area_caps") & (binding["id"] == "D-warnsveld")]
    assert len(row) == 1
    # The same through the CLI from the written model.
    path = tmp_path / "capped.json"
    capped.to_json(path)
    report = cli_json("optimize", str(path), "--objective", "max-effect", "--json")
    assert report["by_area"]["D-warnsveld"] == str(_area_cost(r, "D-warnsveld"))
    assert any(b["entity"] == "frame.area_caps" for b in report["binding"])
    # An option replaces the model's area caps; an empty mapping lifts them.
    lifted = capped.max_effect(area_caps={})
    assert _area_cost(lifted, "D-warnsveld") == _area_cost(free, "D-warnsveld")
    tighter = capped.max_effect(area_caps={"D-warnsveld": Decimal("20000.00")})
    assert _area_cost(tighter, "D-warnsveld") <= Decimal("20000.00")


def test_area_caps_through_every_door(tmp_path: Path) -> None:
    m = _capped("41234.56")
    expected = [{"area": "D-warnsveld", "cap": "41234.56"}]
    m.to_excel(tmp_path / "model.xlsx")
    assert "area_caps" in openpyxl.load_workbook(tmp_path / "model.xlsx").sheetnames
    for other in [
        pickle.loads(pickle.dumps(m)),
        zbb.Model.from_json_text(m.to_json()),
        zbb.Model.from_dict(m.to_dict()),
        zbb.read_excel(tmp_path / "model.xlsx"),
        zbb.Model.from_dataframes(m.to_dataframes(), name=m.name, frame=m.frame),
    ]:
        assert other.frame is not None
        assert other.frame["area_caps"] == expected
    assert "area_caps" not in (zbb.read_json(AREAS).frame or {})


@pytest.mark.parametrize(
    ("caps", "message"),
    [
        ([{"area": "N-nowhere", "cap": "1"}], "frame.area_caps 'N-nowhere', field 'area': unknown area 'N-nowhere'"),
        (
            [{"area": "D-warnsveld", "cap": "1"}, {"area": "D-warnsveld", "cap": "2"}],
            "frame.area_caps 'D-warnsveld', field 'area': duplicate area cap",
        ),
        ([{"area": "D-warnsveld", "cap": 12.5}], "frame.area_caps 'D-warnsveld', field 'cap'"),
        ([{"area": "D-warnsveld"}], "cap"),
        ("D-warnsveld", "frame, field 'area_caps': must be a list"),
    ],
)
def test_bad_area_caps_are_refused(caps, message: str) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(AREAS.read_text())
    doc["frame"]["area_caps"] = caps
    with pytest.raises(zbb.ModelError, match=message.replace("(", r"\(").replace(")", r"\)")):
        zbb.Model.from_dataframes(
            zbb.Model.from_dict({**doc, "frame": None}).to_dataframes(), name="x", frame=doc["frame"]
        )


def test_area_caps_need_areas_and_max_effect() -> None:
    doc = json.loads(PLAIN.read_text())
    doc["frame"]["area_caps"] = [{"area": "D-warnsveld", "cap": "1"}]
    with pytest.raises(zbb.ModelError, match="an area cap needs a model with areas"):
        zbb.Model.from_dict(doc)
    m = zbb.read_json(AREAS)
    with pytest.raises(zbb.ModelError, match="least-cost takes no budget"):
        zbb._optimize.optimize(m, "least-cost", area_caps={"D-warnsveld": "1"})
    with pytest.raises(zbb.ModelError, match="option 'X', field 'area_caps': unknown area 'X'"):
        m.max_effect(area_caps={"X": "1"})
    with pytest.raises(zbb.ModelError, match="field 'area_caps'"):
        m.max_effect(area_caps={"D-warnsveld": 1.5})


def test_the_caps_per_area_example_of_the_docs() -> None:
    """The figures docs/areas.md quotes for the Zutphen cap and the Warnsveld minimum volumes."""
    policy = zbb.Model.from_dict(_policy_doc())
    free = policy.max_effect()
    by_area = free.budget.by_area["amount"]
    assert [str(by_area[a]) for a in ("N-waterkwartier", "N-zuidwijken", "D-warnsveld")] == [
        "93974.14",
        "70480.60",
        "69130.61",
    ]
    capped = policy.max_effect(area_caps={"D-zutphen": "100000.00"})
    town = capped.budget.by_area
    # One cent of margin per area of Zutphen's subtree (itself and its two neighbourhoods).
    assert Decimal("99999.97") <= town.loc["D-zutphen", "amount_with_sub_areas"] <= Decimal("100000.00")
    assert str(town.loc["N-waterkwartier", "amount"]) == "93974.14"
    assert f"{free.weighted_attainment:.4f}" == "6.2917"
    assert f"{capped.weighted_attainment:.4f}" == "6.1841"
    row = capped.binding[capped.binding["entity"] == "frame.area_caps"].iloc[0]
    assert row["id"] == "D-zutphen"
    assert f"{row['shadow_price']:.2e}" == "1.67e-06"
    warnsveld = policy.max_effect(area_caps={"D-warnsveld": "20000.00"}).budget.by_area
    assert str(warnsveld.loc["D-warnsveld", "amount"]) == "19999.99"
    kept = zbb.read_json(AREAS)
    for walk_in, most in (("A-walkin-waterkwartier", 200), ("A-walkin-zuidwijken", 150), ("A-walkin-warnsveld", 150)):
        kept = kept.with_bounds(walk_in, 100, most)
    none = kept.max_effect(area_caps={"D-warnsveld": "20000.00"})
    assert none.status == "infeasible"
    assert (
        "the cap of area 'D-warnsveld' (20000.00) is too low even for the minimum volumes: they need 46087.1 "
        "(26087.1 more)" in none.message
    )
