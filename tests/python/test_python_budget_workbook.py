"""The budget workbook (Budget.to_excel, zbb._budget_workbook): the layout a finance officer
expects, checked in the file (openpyxl) and opened headless in LibreOffice Calc, which recomputes
every Total formula and prints the sheets (the totals must equal the exported budget to the cent,
each sheet of the example must print on one page)."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl

import zbb
from model_gen import generate_model
from zbb._budget_workbook import money_format

SHEETS = ["summary", "by_goal", "by_activity", "by_resource", "by_partner", "by_category", "goals"]
BREAKDOWN_SHEETS = {"by_goal": "goal", "by_activity": "activity", "by_resource": "resource",
                    "by_partner": "partner", "by_category": "category"}  # fmt: skip


def test_money_format() -> None:
    assert money_format("EUR", 2) == '_-[$€] * #,##0.00_-;-[$€] * #,##0.00_-;_-[$€] * "-"??_-;_-@_-'
    assert money_format("JPY", 0) == '_-[$¥] * #,##0_-;-[$¥] * #,##0_-;_-[$¥] * "-"_-;_-@_-'
    assert money_format("SEK", 3).startswith("_-[$SEK] * #,##0.000_-;")


def test_budget_workbook_layout(example_model: zbb.Model, tmp_path: Path) -> None:
    budget = example_model.budget()
    path = tmp_path / "budget.xlsx"
    budget.to_excel(path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == SHEETS
    money = money_format(budget.currency, budget.minor_digits)
    assert wb["summary"]["B4"].value == budget.total
    assert wb["summary"]["B4"].number_format == money
    for sheet, by in BREAKDOWN_SHEETS.items():
        ws = wb[sheet]
        head = [c.value for c in ws[1]]
        col = head.index("amount")
        rows = list(ws.iter_rows(min_row=2))
        body, total = rows[:-1], rows[-1]
        assert total[0].value == "Total"
        letter = openpyxl.utils.get_column_letter(col + 1)
        assert total[col].value == f"=SUM({letter}2:{letter}{len(body) + 1})"
        amounts = [r[col].value for r in body]
        assert all(isinstance(a, (int, float)) for a in amounts)
        assert [Decimal(repr(a)) for a in amounts] == list(budget.breakdown(by)["amount"])
        assert sum((Decimal(repr(a)) for a in amounts), Decimal(0)) == budget.total
        assert all(r[col].number_format == money for r in rows)
        for name in ("price", "unit_cost", "full_unit_cost"):
            if name in head:
                assert all(r[head.index(name)].number_format == money for r in body)
        for name in ("direct_volume", "volume", "need"):
            if name in head:
                assert all(r[head.index(name)].number_format == "#,##0.00" for r in body)
        assert ws.freeze_panes == "A2"
        assert ws.print_title_rows in ("1:1", "$1:$1")
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert all(c.font.b and c.font.name for c in ws[1])  # bold in a named font, no fallback
        assert total[0].font.b and total[col].font.b
        widths = {k: d.width for k, d in ws.column_dimensions.items()}
        names = [len(str(v)) for (v,) in ws.iter_rows(min_col=1, max_col=1, values_only=True) if v]
        assert widths["A"] >= max(names)  # ids are never cut
        if "name" in head:
            name_col = openpyxl.utils.get_column_letter(head.index("name") + 1)
            long = [r[head.index("name")] for r in body if len(str(r[head.index("name")].value)) > widths[name_col]]
            assert all(c.alignment.wrap_text for c in long)  # long names wrap, never cut
    goals = wb["goals"]
    head = [c.value for c in goals[1]]
    reached = [r[head.index("reached")] for r in goals.iter_rows(min_row=2, values_only=True)]
    assert set(reached) <= {"yes", "no"}
    assert reached == ["yes" if v else "no" for v in budget.goals["reached"]]
    # Volumes, needs and gaps without float noise: 15 significant digits at most.
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                if isinstance(v, float):
                    assert float(f"{v:.15g}") == v
    gap = [r[head.index("gap")] for r in goals.iter_rows(min_row=2, values_only=True)]
    raw = list(budget.goals["gap"])
    assert any(float(f"{g:.15g}") != g for g in raw)  # the example's 4.600000000000023
    assert gap == [float(f"{g:.15g}") for g in raw]


def _soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    assert exe, "LibreOffice Calc is needed (scripts/install.sh installs libreoffice-calc)"
    return exe


def _libreoffice(args: list[str], tmp_path: Path) -> None:
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [_soffice(), f"-env:UserInstallation={profile}", "--headless", *args],
        check=True,
        capture_output=True,
        timeout=300,
    )


def _models() -> list[zbb.Model]:
    from conftest import EXAMPLE

    out = [zbb.read_json(EXAMPLE)]
    for seed in (3, 11):
        rng = random.Random(seed)
        out.append(zbb.Model.from_dict(generate_model(rng, 4, 30, 6, 3, 4)))
    return out


def test_budget_workbook_in_libreoffice(tmp_path: Path) -> None:
    """LibreOffice recomputes every Total formula to the exported total, to the cent, and prints
    the example's seven sheets on seven landscape pages."""
    budgets = [m.budget() for m in _models()]
    written = []
    for i, b in enumerate(budgets):
        p = tmp_path / f"budget{i}.xlsx"
        b.to_excel(p)
        written.append(str(p))
    out = tmp_path / "recomputed"
    _libreoffice(["--convert-to", "xlsx", "--outdir", str(out), *written], tmp_path)
    for i, b in enumerate(budgets):
        wb = openpyxl.load_workbook(out / f"budget{i}.xlsx", data_only=True)
        quantum = Decimal(1).scaleb(-b.minor_digits)
        assert Decimal(repr(wb["summary"]["B4"].value)).quantize(quantum) == b.total
        for sheet in BREAKDOWN_SHEETS:
            ws = wb[sheet]
            head = [c.value for c in ws[1]]
            total = list(ws.iter_rows(min_row=ws.max_row, values_only=True))[0]
            assert total[0] == "Total"
            recomputed = total[head.index("amount")]
            assert isinstance(recomputed, (int, float)), (i, sheet, recomputed)
            assert Decimal(repr(recomputed)).quantize(quantum) == b.total, (i, sheet)
    pdf = tmp_path / "printed"
    _libreoffice(["--convert-to", "pdf", "--outdir", str(pdf), written[0]], tmp_path)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", (pdf / "budget0.pdf").read_bytes()))
    assert pages == len(SHEETS)
