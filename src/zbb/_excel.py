"""Excel workbooks (openpyxl): models in and out, budgets out.

A model workbook has a sheet ``model`` (two columns ``key``, ``value``: format,
name, description, currency, minor_units) and one sheet per table (``goals``,
``activities``, ``resources``, ``partners``, ``areas``, ``effects``, ``consumption``,
``support``, ``funding``, ``plan``, and the nested parts in long format:
``levels``, ``packages``, ``package_volumes``) whose first row holds the column
names of the DataFrames; a model with a financial frame adds a sheet ``frame``
(``key``, ``value``: budget), a sheet ``partner_caps`` (``partner``, ``cap``) and
a sheet ``area_caps`` (``area``, ``cap``) when it has caps of that kind; a model with a
multi-year estimate adds a sheet ``years`` (``key``, ``value``: budget_year, last_year,
municipality) and the sheets ``index_series`` (``series``, ``year``, ``factor`` as text),
``indexation`` (``category``, ``series``), ``year_volumes`` (``goal``, ``activity``, ``year``,
``volume``), ``income`` (``id``, ``year``, ``kind``, ``amount`` as text, ``nature``) and
``incidental`` (``activity``) when they have rows.
Prices, shares, level effects and frame amounts are *text cells* ("78.40"), so
that no digit passes through a binary float; a numeric price, share or effect
cell is refused with :class:`zbb.ModelError` unless ``allow_float_prices=True``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import pandas as pd

from ._errors import ModelError
from ._tables import HEADER, TABLES, YEARS_TABLES, row_namer

if TYPE_CHECKING:
    from ._model import Model

# The model is an argument (duck-typed; imported for annotations only): zbb._model imports this
# module, never the other way round. zbb.read_excel (in zbb._model) builds the model from what
# read_workbook reads. The budget workbook is zbb._budget_workbook.
__all__ = ["read_workbook", "write_model_excel"]

PathLike = str | os.PathLike[str]
_HEADER_KEYS = tuple(HEADER.columns)
#: per table, its exact columns (prices, shares, level effects): text cells in a workbook
_EXACT = {name: t.exact_columns() for name, t in {**TABLES, **YEARS_TABLES}.items() if t.exact_columns()}
#: the multi-year estimate's sheets and their keys in Model.years
_YEARS_SHEETS = {
    "index_series": "index_series",
    "indexation": "indexation",
    "year_volumes": "volumes",
    "income": "income",
    "incidental": "incidental",
}
_TEXT_FORMAT = "@"


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError as e:  # pragma: no cover - openpyxl is a dependency
        raise ImportError("zbb's Excel support needs openpyxl: pip install openpyxl") from e
    return openpyxl


def read_workbook(
    path: PathLike, *, allow_float_prices: bool = False
) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """The tables of a model workbook and the keywords of ``Model.from_dataframes`` (name, description,
    currency, minor_units, frame, allow_float_prices); :func:`zbb.read_excel` builds the model of them.

    Raises :class:`zbb.ModelError` for an unknown sheet, a sheet without a header row, a numeric price,
    share or effect cell (unless ``allow_float_prices``), a missing ``model`` sheet or format.
    """
    openpyxl = _openpyxl()
    try:
        wb = openpyxl.load_workbook(os.fspath(path), read_only=True, data_only=True)
    except FileNotFoundError:
        raise ModelError(f"file '{os.fspath(path)}': cannot open file", entity="file", id=os.fspath(path)) from None
    except Exception as e:  # openpyxl's own: .ods, .xls, a damaged or non-workbook file
        raise ModelError(
            f"file '{os.fspath(path)}': not an .xlsx workbook that zbb can read "
            f"({type(e).__name__}: {e}); save it as .xlsx (Excel 2007 and later)",
            entity="file",
            id=os.fspath(path),
        ) from None
    try:
        sheets = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    finally:
        wb.close()
    header: dict[str, Any] = {}
    tables: dict[str, pd.DataFrame] = {}
    frame: dict[str, Any] | None = None
    years: dict[str, Any] | None = None
    for title, rows in sheets.items():
        _refuse_full_cells(title, rows)
        if title == "model":
            header = _read_header(rows)
        elif title == "years":
            years = {**(years or {}), **_read_years_sheet(rows)}
        elif title in _YEARS_SHEETS:
            years = {
                **(years or {}),
                _YEARS_SHEETS[title]: _read_table(title, rows, allow_float_prices=allow_float_prices),
            }
        elif title in ("frame", "partner_caps", "area_caps"):
            frame = _read_frame_sheet(title, rows, frame or {}, allow_float_prices=allow_float_prices)
        elif title in TABLES:
            tables[title] = _read_table(title, rows, allow_float_prices=allow_float_prices)
        else:
            raise ModelError(
                f"file, field '{title}': unknown sheet; expected model, {', '.join(TABLES)}, frame, partner_caps, "
                "area_caps, years, index_series, indexation, year_volumes, income, incidental",
                entity="file",
                id=os.fspath(path),
                field=title,
            )
    if "model" not in sheets:
        raise ModelError(
            f"file '{os.fspath(path)}', field 'model': the workbook has no model sheet "
            f"(key/value rows: format, name, currency, ...)",
            entity="file",
            id=os.fspath(path),
            field="model",
        )
    if "format" not in header:  # an emptied model sheet, as a JSON file without "format"
        raise ModelError("model, field 'format': required field is missing", entity="model", field="format")
    fmt = header.pop("format")
    if fmt != "zbb-model/1":
        raise ModelError(
            f'model, field \'format\': unsupported format "{fmt}"; expected "zbb-model/1"',
            entity="model",
            field="format",
        )
    minor = header.get("minor_units")
    if minor is not None and (isinstance(minor, bool) or not isinstance(minor, int)):
        if isinstance(minor, float) and minor.is_integer():
            minor = int(minor)
        else:
            raise ModelError(
                "model, field 'minor_units': must be a whole number from 0 to 6", entity="model", field="minor_units"
            )
    return tables, {
        "name": _text(header.get("name")),
        "description": _text(header.get("description")),
        "currency": _text(header.get("currency")) or "EUR",
        "minor_units": minor,
        "frame": frame,
        "years": years,
        "allow_float_prices": allow_float_prices,
    }


def _read_years_sheet(rows: list[list[Any]]) -> dict[str, Any]:
    """The sheet ``years``: key/value rows budget_year and last_year."""
    out: dict[str, Any] = {}
    for row in rows[1:]:
        if row and row[0] is not None:
            if row[0] not in ("budget_year", "last_year", "municipality"):
                raise ModelError(f"years, field '{row[0]}': unknown key", entity="years", field=str(row[0]))
            if row[0] in out:
                raise ModelError(
                    f"years, field '{row[0]}': duplicate key (the years sheet gives it once)",
                    entity="years",
                    field=str(row[0]),
                )
            value = row[1] if len(row) > 1 else None
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            out[str(row[0])] = value
    return out


def _read_frame_sheet(
    title: str, rows: list[list[Any]], frame: dict[str, Any], *, allow_float_prices: bool
) -> dict[str, Any]:
    """The financial frame: sheet ``frame`` (key, value: budget), sheets ``partner_caps`` (partner, cap) and
    ``area_caps`` (area, cap)."""

    def exact(value: Any, entity: str, ident: str, field: str) -> Any:
        if value is None or isinstance(value, str) or allow_float_prices:
            return value
        raise ModelError(
            f"{entity}{f' {chr(39)}{ident}{chr(39)}' if ident else ''}, field '{field}': numeric "
            f"cell {value!r}; in a workbook amounts must be text cells such as '800000.00', or pass "
            f"allow_float_prices=True",
            entity=entity,
            id=ident,
            field=field,
        )

    if title == "frame":
        for row in rows[1:]:
            if row and row[0] is not None:
                if row[0] != "budget":
                    raise ModelError(f"frame, field '{row[0]}': unknown key", entity="frame", field=str(row[0]))
                if "budget" in frame:
                    raise ModelError(
                        "frame, field 'budget': duplicate key (the frame sheet gives it once)",
                        entity="frame",
                        field="budget",
                    )
                value = row[1] if len(row) > 1 else None
                if value is not None:
                    frame["budget"] = exact(value, "frame", "", "budget")
    else:
        key = "partner" if title == "partner_caps" else "area"
        caps = []
        for row in rows[1:]:
            if row and any(v is not None for v in row):
                owner, cap = (list(row) + [None, None])[:2]
                caps.append(
                    {
                        key: owner,
                        "cap": exact(cap, f"frame.{title}", owner if isinstance(owner, str) else "", "cap"),
                    }
                )
        frame[title] = caps
    return frame


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _read_header(rows: list[list[Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for row in rows[1:]:
        if not row or row[0] is None:
            continue
        key = str(row[0])
        if key not in _HEADER_KEYS:
            raise ModelError(f"model, field '{key}': unknown key", entity="model", field=key)
        if key in out:  # as the JSON reader refuses a key given twice
            raise ModelError(
                f"model, field '{key}': duplicate key (the model sheet gives each key once)", entity="model", field=key
            )
        out[key] = row[1] if len(row) > 1 else None
    return out


def _read_table(title: str, rows: list[list[Any]], *, allow_float_prices: bool) -> pd.DataFrame:
    spec = YEARS_TABLES[title] if title in YEARS_TABLES else TABLES[title]
    if not rows:
        return pd.DataFrame(columns=spec.columns)
    names = [c for c in rows[0]]
    while names and names[-1] is None:
        names.pop()
    if any(not isinstance(n, str) for n in names):
        raise ModelError(f"{title}: the first row must hold the column names ({', '.join(spec.columns)})", entity=title)
    seen: set[str] = set()
    for n in names:
        if n in seen:
            raise ModelError(
                f"{title}, field '{n}': duplicate column (a sheet has each column once)", entity=title, field=n
            )
        seen.add(n)
    for i, r in enumerate(rows[1:]):  # a value under a blank header would be lost
        extra = [k for k, v in enumerate(r) if k >= len(names) and v is not None]
        if extra:
            raise ModelError(
                f"{title}[{i}]: a value in column {extra[0] + 1}, which has no header", entity=f"{title}[{i}]"
            )
    body = [r[: len(names)] + [None] * (len(names) - len(r)) for r in rows[1:]]
    body = [r for r in body if any(v is not None for v in r)]
    frame = pd.DataFrame(body, columns=names, dtype=object)
    for exact in _EXACT.get(title, []):
        if exact not in frame.columns or allow_float_prices:
            continue
        name = row_namer(frame, title)
        for i, v in enumerate(frame[exact]):
            if v is not None and not isinstance(v, str):
                where = name(i)
                raise ModelError(
                    f"{where[0]}{f' {chr(39)}{where[1]}{chr(39)}' if where[1] else ''}, field '{exact}': "
                    f"numeric cell {v!r}; in a workbook prices, shares and effects must be text cells such as "
                    f"'78.40' (format the column as Text), or pass allow_float_prices=True",
                    entity=where[0],
                    id=where[1],
                    field=exact,
                )
    return frame


def write_model_excel(model: Model, path: PathLike) -> None:
    """Write ``model`` as a model workbook (see the module docs); read it back with :func:`read_excel`."""
    openpyxl = _openpyxl()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "model"
    ws.append(["key", "value"])
    ws.append(["format", "zbb-model/1"])
    ws.append(_checked_row("model", ["key", "value"], ["name", model.name]))
    ws.append(_checked_row("model", ["key", "value"], ["description", model.description]))
    ws.append(["currency", model.currency])
    ws.append(["minor_units", model.minor_units])
    for title in TABLES:
        _table_sheet(wb, model, title, skip_empty=False)
    frame = model.frame
    if frame is not None:
        ws = wb.create_sheet("frame")
        ws.append(["key", "value"])
        if frame.get("budget") is not None:
            ws.append(["budget", frame["budget"]])
            ws["B2"].number_format = _TEXT_FORMAT
        for table, key in (("partner_caps", "partner"), ("area_caps", "area")):
            if frame.get(table):
                _autosize(ws)
                ws = wb.create_sheet(table)
                ws.append([key, "cap"])
                for row in frame[table]:
                    ws.append(_checked_row(table, [key, "cap"], [row[key], row["cap"]]))
                    ws.cell(row=ws.max_row, column=2).number_format = _TEXT_FORMAT
        _autosize(ws)
    years = model.years
    if years is not None:
        ws = wb.create_sheet("years")
        ws.append(["key", "value"])
        ws.append(["budget_year", years["budget_year"]])
        ws.append(["last_year", years["last_year"]])
        if years.get("municipality"):
            ws.append(["municipality", years["municipality"]])
        _autosize(ws)
        for title in YEARS_TABLES:
            _table_sheet(wb, model, title, skip_empty=True)
    wb.save(os.fspath(path))


def _table_sheet(wb: Any, model: Model, title: str, *, skip_empty: bool) -> None:
    """One table of the model as a sheet: its column names, then its rows; exact columns (prices,
    shares, factors, amounts) as text cells. With ``skip_empty``, no sheet for a table without rows."""
    spec = YEARS_TABLES[title] if title in YEARS_TABLES else TABLES[title]
    columns: Any = model._core.table(title)
    n = len(columns[spec.columns[0]])
    if skip_empty and n == 0:
        return
    ws = wb.create_sheet(title)
    ws.append(spec.columns)
    data = [columns[c] for c in spec.columns]
    for i in range(n):
        ws.append(_checked_row(title, spec.columns, [_cell(col[i]) for col in data]))
    for exact in _EXACT.get(title, []):
        col = spec.columns.index(exact) + 1
        for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            cell.number_format = _TEXT_FORMAT
    _autosize(ws)


_BIDI = {0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}


def _printable(text: str) -> str:
    """``text`` safe to print on one line, as zbb's C++ messages and text reports show it: control
    characters escaped (``\\n``, ``\\x00``), bidirectional controls marked (``\\u202e``)."""
    out = []
    for ch in text:
        c = ord(ch)
        if ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif c < 0x20 or c == 0x7F:
            out.append(f"\\x{c:02x}")
        elif c in _BIDI:
            out.append(f"\\u{c:04x}")
        else:
            out.append(ch)
    return "".join(out)


def _checked_row(sheet: str, columns: Any, values: list[Any]) -> list[Any]:
    """``values`` unchanged, or a ModelError naming the cell when a text holds a character that an
    .xlsx cell cannot store (C0 controls other than tab, newline and carriage return): openpyxl
    would raise its own IllegalCharacterError half way through the file."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    for column, v in zip(columns, values):
        if not isinstance(v, str):
            continue
        problem = None
        if len(v) >= _CELL_LIMIT:  # the reader cannot tell a full cell from a cut one
            problem = (
                f"text of {len(v):,} characters does not fit an .xlsx cell (fewer than "
                f"{_CELL_LIMIT:,} in zbb's workbooks; longer text is cut)"
            )
        elif ILLEGAL_CHARACTERS_RE.search(v):
            problem = f"text '{_printable(v)}' holds a control character that an .xlsx cell cannot store"
        if problem:
            if list(columns) == ["key", "value"]:  # a key/value sheet: the key is the field
                row, column = "", str(values[0])
            else:
                row = values[0] if values and isinstance(values[0], str) else ""
            shown = _printable(row if len(row) <= 40 else row[:40] + "...")
            raise ModelError(
                f"{sheet}{f' {chr(39)}{shown}{chr(39)}' if row else ''}, field '{column}': {problem}; "
                f"keep this model as JSON (to_json) or change the text",
                entity=sheet,
                id=row,
                field=str(column),
            )
    return values


_CELL_LIMIT = 32767  # characters in one .xlsx cell (Excel's limit; openpyxl cuts longer text)


def _refuse_full_cells(title: str, rows: list[list[Any]]) -> None:
    """A text cell at the .xlsx limit was probably cut (openpyxl and Excel cut longer text)."""
    header = rows[0] if rows else []
    for i, r in enumerate(rows):
        for k, v in enumerate(r):
            if isinstance(v, str) and len(v) >= _CELL_LIMIT:
                name = header[k] if i > 0 and k < len(header) and isinstance(header[k], str) else f"column {k + 1}"
                raise ModelError(
                    f"{title}, field '{name}': the text in sheet row {i + 1} has {len(v):,} characters, "
                    f"the most an .xlsx cell holds, so it may have been cut; keep such a model as JSON",
                    entity=title,
                    field=str(name),
                )


def _cell(value: Any) -> Any:
    if isinstance(value, float) and value != value:  # NaN: unset optional number
        return None
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    if value == "":
        return None
    return value


def _autosize(ws: Any) -> None:
    for col in ws.columns:
        width = max((len(str(c.value)) for c in col if c.value is not None), default=8)
        ws.column_dimensions[col[0].column_letter].width = min(max(width + 2, 8), 60)
