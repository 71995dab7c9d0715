"""The BBV view from Python (docs/bbv.md): Model.bbv against the CLI byte for byte, every table
cross-footing with the budget of every year on the example and on generated models, the fields
through every door (JSON, DataFrames, workbooks, pickling), refusals naming id and field, the
programme workbook recomputed in LibreOffice, and docs/bbv-example.md equal to the command."""

from __future__ import annotations

import copy
import json
import os
import pickle
import random
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import zbb
from conftest import EXAMPLE, REPO
from model_gen import generate_model

MULTI = REPO / "examples" / "dementia-friendly-multiyear.json"
CLI = Path(os.environ.get("ZBB_CLI", REPO / "build" / "zbb"))


def cli(*args: str) -> str:
    out = subprocess.run([str(CLI), *args], capture_output=True, text=True, check=True, timeout=60)
    return out.stdout


def check_cross_foots(model: zbb.Model, view: zbb.BBV) -> None:
    """Every table of every year adds up to the year's budget, both ways."""
    years: list[int | None] = list(view.years) or [None]
    for year in years:
        budget = model.budget() if year is None else model.for_year(year).budget()

        def of(frame: Any, y: int | None = year) -> Any:
            return frame if y is None else frame[frame["year"] == y]

        taakveld = of(view.by_taakveld)
        assert sum(taakveld["amount"], Decimal(0)) == budget.total
        assert view.totals[year] == budget.total
        category = of(view.by_economic_category)
        assert sum(category["amount"], Decimal(0)) == budget.total
        cells = of(view.taakveld_category)
        for code, amount in zip(taakveld["taakveld"], taakveld["amount"]):
            assert sum(cells[cells["taakveld"] == code]["amount"], Decimal(0)) == amount
        for code, amount in zip(category["category"], category["amount"]):
            assert sum(cells[cells["category"] == code]["amount"], Decimal(0)) == amount
        reconciliation = of(view.reconciliation)
        by_goal = budget.by_goal["amount"]
        for goal, amount in by_goal.items():
            assert sum(reconciliation[reconciliation["goal"] == goal]["amount"], Decimal(0)) == amount
        for code, amount in zip(taakveld["taakveld"], taakveld["amount"]):
            assert sum(reconciliation[reconciliation["taakveld"] == code]["amount"], Decimal(0)) == amount
        # by_taakveld is by_activity summed per taakveld
        activities = model.table("activities").set_index("id")["taakveld"]
        own = budget.by_activity["amount"]
        for code, amount in zip(taakveld["taakveld"], taakveld["amount"]):
            on = [a for a in own.index if (activities.get(a) or "0.4") == code]
            assert sum((own[a] for a in on), Decimal(0)) == amount
        if model.has_programmes:
            programmes = of(view.programmes)
            assert sum(programmes["full_cost"], Decimal(0)) == budget.total
            for row in programmes.itertuples(index=False):
                assert row.programme_costs + row.overhead == row.full_cost
                goals = reconciliation[reconciliation["programme"] == row.programme]
                assert sum(goals["amount"], Decimal(0)) == row.full_cost


def test_bbv_matches_the_cli() -> None:
    model = zbb.read_json(MULTI)
    view = model.bbv()
    assert view.report_text() == cli("bbv", str(MULTI))
    assert view.report_json() == cli("bbv", str(MULTI), "--json")
    assert view.report_csv() == cli("bbv", str(MULTI), "--csv")
    assert view.report_markdown() == cli("bbv", str(MULTI), "--markdown")
    assert model.bbv(rounding="half-up").rounding == "half-up"
    assert "zbb.BBV" in repr(view)


def test_the_documented_report_is_the_command_output() -> None:
    assert (REPO / "docs" / "bbv-example.md").read_text(encoding="utf-8") == cli("bbv", str(MULTI), "--markdown")


def test_example_cross_foots_every_year() -> None:
    model = zbb.read_json(MULTI)
    assert model.has_bbv and model.has_programmes
    view = model.bbv()
    assert view.years == [2027, 2028, 2029, 2030]
    assert list(view.taakvelden) == ["0.4", "6.1", "6.2", "6.71"]
    assert view.taakvelden["0.4"] == "Overhead"
    check_cross_foots(model, view)
    # every cell the floor or ceiling of its value: no year counts a cell off its bounds
    assert all("off_bound" not in y for y in json.loads(view.report_json())["years"])
    # the multi-year total of the BBV view is the estimate's
    assert sum(view.by_taakveld["amount"], Decimal(0)) == model.multi_year_budget().total
    # the support activities' own cost is 0.4
    year = view.by_taakveld[view.by_taakveld["year"] == 2027].set_index("taakveld")["amount"]
    own = model.budget().by_activity["amount"]
    assert year["0.4"] == own["A-mgmt"] + own["A-ict"] + own["A-housing"]


def test_pivot_tables_add_up() -> None:
    view = zbb.read_json(MULTI).bbv()
    wide = view.pivot("taakveld_category")
    assert wide.loc["Total", "total"] == view.totals[2027]
    for key in wide.index:
        assert sum(wide.loc[key].drop("total"), Decimal(0)) == wide.loc[key, "total"]
    late = view.pivot("reconciliation", year=2030)
    assert late.loc["Total", "total"] == view.totals[2030]
    years = view.pivot("by_taakveld")
    assert list(years.columns) == [2027, 2028, 2029, 2030, "total"]
    assert years.loc["Total", "total"] == sum(view.totals.values(), Decimal(0))
    with pytest.raises(zbb.ModelError) as e:
        view.pivot("taakveld_category", year=2031)
    assert e.value.entity == "years" and e.value.field == "year"
    with pytest.raises(zbb.ModelError) as e:
        view.pivot("nothing")
    assert e.value.field == "table"


def with_codes(doc: dict[str, Any], rng: random.Random, programmes: bool) -> dict[str, Any]:
    """Random taakvelden and categories (suppliers without one half of the time)."""
    doc = copy.deepcopy(doc)
    suppliers = {s["supplier"] for s in doc.get("support", []) if s["per_unit"] != 0}
    codes = ["0.1", "0.3", "1.2", "5.7", "6.1", "6.2", "6.71", "7.1", "8.3"]
    for a in doc["activities"]:
        if a["id"] not in suppliers or rng.random() < 0.5:
            a["taakveld"] = rng.choice(codes)
    for r in doc["resources"]:
        r["economic_category"] = rng.choice(["1.1", "3.5.1", "3.8", "4.2", "4.3.8"])
    if programmes:
        doc["programmes"] = [{"id": "P1", "name": "one"}, {"id": "P2", "name": "two"}]
        for i, g in enumerate(doc["goals"]):
            g["programme"] = "P1" if i % 2 else "P2"
    return doc


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_generated_models_cross_foot(seed: int) -> None:
    rng = random.Random(seed)
    doc = with_codes(generate_model(rng, 4, 25, 6, 3, 4), rng, programmes=seed % 2 == 0)
    model = zbb.Model.from_dict(doc)
    check_cross_foots(model, model.bbv())


def test_the_fields_go_through_every_door(tmp_path: Path) -> None:
    model = zbb.read_json(MULTI)
    expected = model.bbv().report_json()
    frames = model.to_dataframes()
    assert list(frames["programmes"]["id"]) == ["P-zorg", "P-samenleving"]
    assert "taakveld" in frames["activities"] and "economic_category" in frames["resources"]
    assert "programme" in frames["goals"]
    again = zbb.from_dataframes(frames, name=model.name, years=model.years)
    assert again.bbv().report_json() == expected
    model.to_excel(tmp_path / "m.xlsx")
    assert zbb.read_excel(tmp_path / "m.xlsx").bbv().report_json() == expected
    assert pickle.loads(pickle.dumps(model)).bbv().report_json() == expected
    doc = json.loads(model.to_json())
    assert doc["programmes"][0]["id"] == "P-zorg"


def test_refusals_name_id_and_field() -> None:
    doc = json.loads(MULTI.read_text(encoding="utf-8"))

    def refused(change: Any, entity: str, field: str, words: str) -> None:
        d = copy.deepcopy(doc)
        change(d)
        with pytest.raises(zbb.ModelError) as e:
            zbb.Model.from_dict(d)
        assert e.value.entity == entity and e.value.field == field
        assert words in str(e.value)

    refused(lambda d: d["activities"][0].update(taakveld="9.9"), "activity", "taakveld", "unknown taakveld '9.9'")
    refused(lambda d: d["activities"][1].pop("taakveld"), "activity", "taakveld", "missing")
    refused(lambda d: d["resources"][0].update(economic_category="1.9"), "resource", "economic_category", "unknown")
    refused(lambda d: d["resources"][0].pop("economic_category"), "resource", "economic_category", "missing")
    refused(lambda d: d["goals"][0].update(programme="P-x"), "goal", "programme", "unknown programme 'P-x'")
    refused(lambda d: d["goals"][0].pop("programme"), "goal", "programme", "missing")
    refused(lambda d: d["programmes"].append({"id": "P-zorg"}), "programme", "id", "duplicate")
    with pytest.raises(zbb.ModelError) as e:
        zbb.read_json(EXAMPLE).bbv()
    assert e.value.entity == "model" and e.value.field == "taakveld"
    assert not zbb.read_json(EXAMPLE).has_bbv


def _soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    assert exe, "LibreOffice Calc is needed (scripts/install.sh installs libreoffice-calc)"
    return exe


def test_programme_workbook_recomputes_in_libreoffice(tmp_path: Path) -> None:
    """Every SUM formula of the programme workbook recomputes to the exported amounts."""
    view = zbb.read_json(MULTI).bbv()
    path = tmp_path / "bbv.xlsx"
    view.to_excel(path)
    written = openpyxl.load_workbook(path)
    assert written.sheetnames == [
        "programmes",
        "taakvelden",
        "economic_categories",
        "taakveld_x_category",
        "reconciliation",
    ]
    ws = written["taakvelden"]
    assert ws.freeze_panes == "A2" and ws.page_setup.orientation == "landscape"
    assert str(ws.cell(ws.max_row, 3).value).startswith("=SUM(")
    assert "[$€]" in ws.cell(2, 3).number_format
    profile = (tmp_path / "lo-profile").as_uri()
    out = tmp_path / "recomputed"
    subprocess.run(
        [
            _soffice(),
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    recomputed = openpyxl.load_workbook(out / "bbv.xlsx", data_only=True)
    cent = Decimal("0.01")

    def value(v: Any) -> Decimal:
        assert isinstance(v, (int, float)), v
        return Decimal(repr(v)).quantize(cent)

    sheets = {
        "taakvelden": view.pivot("by_taakveld"),
        "economic_categories": view.pivot("by_economic_category"),
        "taakveld_x_category": view.pivot("taakveld_category"),
    }
    for sheet, wide in sheets.items():
        rows = list(recomputed[sheet].iter_rows(min_row=2, values_only=True))
        total = rows[-1]
        assert total[0] == "Total"
        assert [value(v) for v in total[2:]] == [v.quantize(cent) for v in wide.loc["Total"]], sheet
        for row in rows[:-1]:
            if "total" in wide.columns:
                assert value(row[-1]) == wide.loc[row[0], "total"], (sheet, row[0])
    rows = list(recomputed["reconciliation"].iter_rows(min_row=2, values_only=True))
    assert rows[-1][0] == "Total" and value(rows[-1][-1]) == view.totals[2027]
    programmes = view.programmes[view.programmes["year"] == 2027].set_index("programme")["full_cost"]
    for row in rows[:-1]:
        assert value(row[-1]) == programmes[row[0]], row[0]


def test_a_goal_called_total_and_an_empty_plan(tmp_path: Path) -> None:
    """The Total row is appended (a goal may be called "Total"); a plan of nothing gives frames with
    their columns, pivots of zeros and a workbook without circular formulas."""
    rng = random.Random(7)
    doc = with_codes(generate_model(rng, 3, 10, 4, 2, 2), rng, programmes=True)
    old = doc["goals"][0]["id"]
    doc = json.loads(zbb.Model.from_dict(doc).to_json().replace(f'"{old}"', '"Total"'))
    model = zbb.Model.from_dict(doc)
    view = model.bbv()
    wide = view.pivot("reconciliation")
    assert list(wide.index[:-1]) == list(model.goal_ids) and wide.index[-1] == "Total"
    assert wide.iloc[-1]["total"] == model.budget().total
    assert wide.iloc[0]["total"] == model.budget().by_goal.loc["Total", "amount"]
    check_cross_foots(model, view)
    view.to_excel(tmp_path / "total.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "total.xlsx")["reconciliation"]
    assert ws.cell(ws.max_row, 1).value == "Total" and ws.max_row == 1 + len(doc["programmes"]) + 1

    empty = json.loads(MULTI.read_text(encoding="utf-8"))
    empty["plan"] = []
    empty["years"]["volumes"] = []
    empty.pop("packages", None)
    model = zbb.Model.from_dict(empty)
    view = model.bbv()
    assert list(view.taakveld_category.columns) == [
        "year",
        "taakveld",
        "category",
        "amount",
        "amount_minor",
        "amount_float",
    ]
    assert view.reconciliation.empty and "programme" in view.reconciliation
    assert view.pivot("reconciliation").iloc[-1]["total"] == 0
    assert view.pivot("by_taakveld").loc["Total", "total"] == 0
    view.to_excel(tmp_path / "empty.xlsx")
    for ws in openpyxl.load_workbook(tmp_path / "empty.xlsx"):
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("=SUM("):
                    start, end = cell.value[5:-1].split(":")
                    assert cell.coordinate not in (start, end), (ws.title, cell.coordinate, cell.value)


def test_pivot_of_a_year_needs_years() -> None:
    rng = random.Random(3)
    model = zbb.Model.from_dict(with_codes(generate_model(rng, 3, 10, 4, 2, 2), rng, programmes=False))
    view = model.bbv()
    assert view.years == [] and "year" not in view.by_taakveld
    assert list(view.pivot("by_taakveld").columns) == ["amount"]
    with pytest.raises(zbb.ModelError) as e:
        view.pivot("taakveld_category", year=2027)
    assert e.value.field == "year"
