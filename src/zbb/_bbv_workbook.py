"""The programme workbook of the BBV view (``BBV.to_excel``, docs/bbv.md).

Sheets: ``programmes`` (per programme and year its lasten, the overhead shown apart and the full
cost of the goal view), ``taakvelden`` and ``economic_categories`` (one column per year),
``taakveld_x_category`` and ``reconciliation`` (programme, or goal, x taakveld) of the budget
year. Laid out as the budget workbook (zbb/_budget_workbook.py): accounting format with the
currency, every ``Total`` row and ``total`` column a ``SUM`` formula that recomputes to the
exported amounts, bold frozen headers, widths that fit, landscape pages one page wide.
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from ._budget_workbook import _FONT, _lay_out, money_format
from ._excel import _checked_row, _openpyxl

if TYPE_CHECKING:
    from ._bbv import BBV

__all__ = ["write_bbv_excel"]


def _wide_sheet(wb: Any, title: str, wide: pd.DataFrame, labels: dict[str, str], money: str) -> None:
    """A wide table (its last row ``Total``, maybe a last column ``total``) with its totals as formulas."""
    openpyxl = _openpyxl()
    letter = openpyxl.utils.get_column_letter
    bold = openpyxl.styles.Font(name=_FONT, bold=True)
    plain = openpyxl.styles.Font(name=_FONT)
    ws = wb.create_sheet(title)
    has_total_column = wide.columns[-1] == "total"
    values = [c for c in wide.columns if c != "total"]
    first = 3 if labels else 2  # the first amount column
    header = [str(wide.index.name), *(["name"] if labels else []), *(str(c) for c in values)]
    if has_total_column:
        header.append("total")
    ws.append(header)
    body = wide.iloc[:-1]  # the last row is the Total (BBV.pivot)
    for r, (key, cells) in enumerate(zip(body.index, body.itertuples(index=False)), start=2):
        row: list[Any] = [key, *([labels.get(str(key), "")] if labels else [])]
        amounts = list(cells)[: len(values)]
        row += [Decimal(a) for a in amounts]
        if has_total_column:
            row.append(f"=SUM({letter(first)}{r}:{letter(first + len(values) - 1)}{r})" if values else 0)
        ws.append(_checked_row(title, header, row))
    last = ws.max_row
    total: list[Any] = ["Total", *([""] if labels else [])]
    for c in range(first, first + len(values) + (1 if has_total_column else 0)):
        total.append(f"=SUM({letter(c)}2:{letter(c)}{last})" if last >= 2 else 0)
    ws.append(total)
    for r, cells in enumerate(ws.iter_rows(min_row=1, max_row=ws.max_row), start=1):
        for c, cell in enumerate(cells, start=1):
            cell.font = bold if r in (1, ws.max_row) or c == 1 else plain
            if r > 1 and c >= first:
                cell.number_format = money
    _lay_out(ws)
    # The amount columns as wide as their largest amount (the totals are formulas, whose text says
    # nothing of their width), headers over them right-aligned.
    right = openpyxl.styles.Alignment(horizontal="right")
    for offset, c in enumerate([*values, *(["total"] if has_total_column else [])]):
        widest = max((len(f"{abs(Decimal(v)):,.2f}") for v in wide[c]), default=4)
        ws.column_dimensions[letter(first + offset)].width = widest + 7  # symbol, sign, bold
        ws.cell(1, first + offset).alignment = right
    ws.auto_filter.ref = f"A1:{letter(len(header))}{last}"


def write_bbv_excel(view: BBV, path: str | os.PathLike[str]) -> None:
    """Write ``view`` to the programme workbook (module docstring)."""
    openpyxl = _openpyxl()
    money = money_format(view.currency, view.model.minor_digits)
    bold = openpyxl.styles.Font(name=_FONT, bold=True)
    body = openpyxl.styles.Font(name=_FONT)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "programmes"
    frame = view.programmes
    columns = list(frame.columns)
    ws.append(columns)
    for row in frame.itertuples(index=False):
        ws.append(_checked_row("programmes", columns, list(row)))
    for r, cells in enumerate(ws.iter_rows(min_row=1, max_row=ws.max_row), start=1):
        for name, cell in zip(columns, cells):
            cell.font = bold if r == 1 else body
            if r > 1 and name in ("programme_costs", "overhead", "full_cost"):
                cell.number_format = money
    _lay_out(ws, wrap=("name",))
    _wide_sheet(wb, "taakvelden", view.pivot("by_taakveld"), view.taakvelden, money)
    _wide_sheet(wb, "economic_categories", view.pivot("by_economic_category"), view.economic_categories, money)
    _wide_sheet(wb, "taakveld_x_category", view.pivot("taakveld_category"), view.taakvelden, money)
    reconciliation = view.pivot("reconciliation")
    if view.model.has_programmes:
        goals = view.model.table("goals")
        programme_of = dict(zip(goals["id"], goals["programme"]))
        order = list(view.model.table("programmes")["id"])
        body = reconciliation.iloc[:-1]
        sums = {p: [Decimal(0)] * len(body.columns) for p in order}
        for key, cells in zip(body.index, body.itertuples(index=False)):
            sums[programme_of[key]] = [s + Decimal(a) for s, a in zip(sums[programme_of[key]], cells)]
        grouped = pd.DataFrame(
            [*sums.values(), list(reconciliation.iloc[-1])],
            index=pd.Index([*order, "Total"], name="programme", dtype=object),
            columns=reconciliation.columns,
            dtype=object,
        )
        reconciliation = grouped
    _wide_sheet(wb, "reconciliation", reconciliation, {}, money)
    wb.save(os.fspath(path))
