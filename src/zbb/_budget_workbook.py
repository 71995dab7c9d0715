"""The budget workbook a finance officer hands on (``Budget.to_excel``, docs/python-api.md).

Sheets: ``summary``, one per breakdown (``by_goal``, ``by_activity``, ``by_resource``,
``by_partner``, ``by_category``) and ``goals``. Laid out for reading and printing:

- amounts, prices and unit costs in the accounting format with the currency's symbol and
  decimals (``€ 1,234,567.89``; thousands separators), exact decimal cells for money;
- volumes, needs and indicators with two decimals, stored with 15 significant digits (so a
  computed ``4.600000000000023`` is the number 4.6, not float noise), ``reached`` as yes / no;
- every breakdown's ``Total`` row a ``SUM`` formula over the rows above it (it recomputes to the
  budget's total, which the summary holds as a value);
- header rows bold in the workbook's font and frozen, an auto-filter, column widths that fit the
  text (long names wrap), landscape pages fit to one page wide with the header row repeated.
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ._excel import _cell, _checked_row, _openpyxl
from ._tables import BREAKDOWNS

if TYPE_CHECKING:
    from ._budget import Budget

__all__ = ["write_budget_excel", "money_format", "CURRENCY_SYMBOLS"]

#: currency code -> the symbol in the accounting format (others show their ISO code)
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF", "JPY": "¥"}
#: columns shown as money (per breakdown and goals sheet)
_MONEY_COLUMNS = {"amount", "price", "unit_cost", "full_unit_cost"}
#: columns shown as plain numbers with two decimals
_NUMBER_COLUMNS = {"direct_volume", "volume", "need", "baseline", "target", "projected", "gap"}
_NUMBER_FORMAT = "#,##0.00"
_NAME_WIDTH = 50  # characters; longer names wrap
_FONT = "Calibri"  # openpyxl's default body font; headers and totals use it too (not a fallback)


def money_format(currency: str, minor_digits: int) -> str:
    """The accounting number format of ``currency`` with ``minor_digits`` decimals, e.g.
    ``_-[$€] * #,##0.00_-;-[$€] * #,##0.00_-;_-[$€] * "-"??_-;_-@_-`` for EUR."""
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    number = "#,##0" + ("." + "0" * minor_digits if minor_digits > 0 else "")
    dash = '"-"' + ("??" if minor_digits > 0 else "")
    return f"_-[${symbol}] * {number}_-;-[${symbol}] * {number}_-;_-[${symbol}] * {dash}_-;_-@_-"


def _number(value: Any) -> Any:
    """A float with 15 significant digits (noise of the last bits dropped); others as _cell."""
    v = _cell(value)
    if isinstance(v, bool) or not isinstance(v, float):
        return v
    return float(f"{v:.15g}")


def _shown_width(value: Any, fmt: str | None) -> int:
    """About how many characters ``value`` takes on screen in format ``fmt``."""
    if value is None:
        return 0
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        digits = len(f"{abs(value):,.2f}")
        return digits + (4 if fmt and "[$" in fmt else 1)
    return max((len(line) for line in str(value).split("\n")), default=0)


def _lay_out(ws: Any, *, header_rows: int = 1, wrap: tuple[str, ...] = ("name",)) -> None:
    """Widths, wrapping, frozen header, filter and page setup of one sheet."""
    openpyxl = _openpyxl()
    header = [c.value for c in ws[1]] if header_rows else []
    for col in ws.iter_cols(min_row=1, max_row=ws.max_row):
        letter = col[0].column_letter
        name = header[col[0].column - 1] if header else None
        width = max((_shown_width(c.value, c.number_format) for c in col), default=8)
        if name in wrap and width > _NAME_WIDTH:
            width = _NAME_WIDTH
            for c in col[1:]:
                c.alignment = openpyxl.styles.Alignment(wrap_text=True, vertical="top")
                lines = -(-_shown_width(c.value, None) // (_NAME_WIDTH + 8))  # proportional font
                if lines > 1:  # readers do not size rows to wrapped text on opening
                    ws.row_dimensions[c.row].height = max(ws.row_dimensions[c.row].height or 0, 15 * lines)
        elif name in _MONEY_COLUMNS | _NUMBER_COLUMNS:
            col[0].alignment = openpyxl.styles.Alignment(horizontal="right")
        ws.column_dimensions[letter].width = min(max(width + 3, 9), 80)
    if header_rows:
        ws.freeze_panes = ws.cell(row=header_rows + 1, column=1)
        ws.print_title_rows = f"1:{header_rows}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "&A, page &P of &N"


def write_budget_excel(budget: Budget, path: str | os.PathLike[str]) -> None:
    """Write ``budget`` to a workbook laid out for a finance officer (module docstring)."""
    openpyxl = _openpyxl()
    money = money_format(budget.currency, budget.minor_digits)
    bold = openpyxl.styles.Font(name=_FONT, bold=True)
    body = openpyxl.styles.Font(name=_FONT)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "summary"
    for row in (
        ["model", budget.model.name],
        ["currency", budget.currency],
        ["rounding", budget.rounding],
        ["total", budget.total],
    ):
        ws.append(_checked_row("summary", ["key", "value"], row))
    ws["B4"].number_format = money
    ws["B4"].font = bold
    for i, w in enumerate(budget.warnings):
        ws.append(_checked_row("summary", ["key", "value"], ["warning" if i == 0 else "", w]))
    for (key,) in ws.iter_rows(min_col=1, max_col=1):
        key.font = bold
    _lay_out(ws, header_rows=0, wrap=())
    for sheet, by in BREAKDOWNS.items():
        if by == "area" and not budget.model.has_areas:
            continue
        frame = budget.breakdown(by).drop(columns=["amount_minor", "amount_float"])
        ws = wb.create_sheet(sheet)
        columns = [by, *frame.columns]
        ws.append(columns)
        for key, row in zip(frame.index, frame.itertuples(index=False)):
            ws.append(_checked_row(sheet, columns, [key, *(_budget_cell(v) for v in row)]))
        last = ws.max_row
        amount_col = columns.index("amount") + 1
        letter = openpyxl.utils.get_column_letter(amount_col)
        total: list[Any] = [None] * len(columns)
        total[0] = "Total"
        total[amount_col - 1] = f"=SUM({letter}2:{letter}{last})" if last >= 2 else 0
        ws.append(total)
        _style_table(ws, columns, money, bold, body)
        _lay_out(ws)
        ws.auto_filter.ref = f"A1:{openpyxl.utils.get_column_letter(len(columns))}{last}"
    ws = wb.create_sheet("goals")
    goals = budget.goals
    columns = ["goal", *goals.columns]
    ws.append(columns)
    for key, row in zip(goals.index, goals.itertuples(index=False)):
        values = [key, *(_budget_cell(v) for v in row)]
        if "reached" in columns:
            i = columns.index("reached")
            values[i] = "yes" if values[i] else "no"
        ws.append(_checked_row("goals", columns, values))
    _style_table(ws, columns, money, bold, body, total_row=False)
    _lay_out(ws)
    ws.auto_filter.ref = f"A1:{openpyxl.utils.get_column_letter(len(columns))}{ws.max_row}"
    wb.save(os.fspath(path))


def _style_table(ws: Any, columns: list[str], money: str, bold: Any, body: Any, *, total_row: bool = True) -> None:
    """Fonts and number formats of a sheet with a header row (and a Total row last)."""
    top_aligned = _openpyxl().styles.Alignment(vertical="top")
    last = ws.max_row
    for r, row in enumerate(ws.iter_rows(min_row=1, max_row=last), start=1):
        is_head = r == 1 or (total_row and r == last)
        for name, cell in zip(columns, row):
            cell.font = bold if is_head else body
            if r == 1:
                continue
            cell.alignment = top_aligned
            if name in _MONEY_COLUMNS:
                cell.number_format = money
            elif name in _NUMBER_COLUMNS:
                cell.number_format = _NUMBER_FORMAT


def _budget_cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value
    return _number(value)
