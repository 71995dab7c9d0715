"""The model's tables as pandas DataFrames (long format), to and from the core's columns.

The tables, their columns, the kind of each column (text, number, integer,
exact), whether it is required and its default come from one description in
the C++ library (``zbb/tables.hpp``, exposed as ``zbb._core.model_tables()``);
this module, the workbook reader and writer and ``zbb.TABLE_COLUMNS`` are
derived from it.

One DataFrame per table, with the columns named as the keys of the
zbb-model/1 JSON format. The parts the JSON format nests are long tables whose
first columns name the row they belong to: ``levels`` (``activity``, then
``up_to``, ``effect``; an activity's levels in order) and ``package_volumes``
(``unit``, ``level``, then ``activity``, ``volume``). Building a model sends
whole columns to the C++ core at once (numpy object arrays for text, float64
arrays for numbers and whole numbers, exact decimal text for prices, shares and
level effects); errors name rows as the JSON reader does: ``goals[3]`` until a
row's id is read, then ``goal 'G1'``, ``effects 'G1 -> A1'``,
``packages 'DU-case/1'``, ``activity.levels[1] 'A-case'`` (its place among the
activity's levels), ``packages.volumes[0] 'DU-case/1'``; rows that JSON cannot
express (a level of an unknown activity, a volume of a package the packages
table does not have) are named by their table and position: ``levels[3]``,
``package_volumes[0]``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from decimal import Decimal
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from ._errors import ModelError
from ._exact import decimal_texts

__all__ = [
    "BREAKDOWNS",
    "FRAME_TABLE",
    "HEADER",
    "PARTNER_CAPS",
    "TABLES",
    "YEARS_TABLES",
    "Table",
    "columns_to_frame",
    "frame_to_columns",
    "row_namer",
]


class Table:
    """Column layout of one table, from the core's description.

    ``kinds`` maps column -> "text" | "number" | "integer" | "exact"; ``keys`` are the
    columns that name a row (``["id"]``, the two ids of a link table, ``["unit",
    "level"]``); ``parent_columns`` the leading columns of a nested table that name the
    row it belongs to.
    """

    def __init__(self, spec: Mapping[str, Any]):
        self.name: str = spec["name"]
        self.entity: str = spec["entity"]  # how the core names a row's entity in errors
        self.parent: str = spec["parent"]
        self.parent_columns: int = spec["parent_columns"]
        self.kinds: dict[str, str] = {c["name"]: c["kind"] for c in spec["columns"]}
        self.required: set[str] = {c["name"] for c in spec["columns"] if c["required"]}
        self.defaults: dict[str, str] = {c["name"]: c["default"] for c in spec["columns"] if c["default"]}
        self.keys: list[str] = [c["name"] for c in spec["columns"][self.parent_columns :] if c["key"]]

    @property
    def columns(self) -> list[str]:
        return list(self.kinds)

    @property
    def link(self) -> tuple[str, str] | None:
        """The two id columns of a link table (named "<first> -> <second>" in errors)."""
        texts = [k for k in self.keys if self.kinds[k] == "text"]
        return (texts[0], texts[1]) if len(self.keys) == 2 and len(texts) == 2 else None

    def exact_columns(self) -> list[str]:
        return [c for c, kind in self.kinds.items() if kind == "exact"]


_DESCRIPTION: dict[str, Table] = {t["name"]: Table(t) for t in _core.model_tables()}
#: the header fields of a model (format, name, description, currency, minor_units)
HEADER: Table = _DESCRIPTION["model"]
#: the financial frame's own fields (budget) and its caps per partner
FRAME_TABLE: Table = _DESCRIPTION["frame"]
PARTNER_CAPS: Table = _DESCRIPTION["partner_caps"]
#: the financial frame's caps per area (sub-areas included; docs/areas.md)
AREA_CAPS: Table = _DESCRIPTION["area_caps"]
#: the frame's cap tables by name
FRAME_CAPS: dict[str, Table] = {"partner_caps": PARTNER_CAPS, "area_caps": AREA_CAPS}
#: the multi-year estimate's tables (docs/years.md): index factors, indexation per category, volumes per year
YEARS_TABLES: dict[str, Table] = {name: t for name, t in _DESCRIPTION.items() if t.parent == "years"}
#: the tables of a model as DataFrames, in file order (the nested ones last)
TABLES: dict[str, Table] = {
    name: t
    for name, t in _DESCRIPTION.items()
    if name not in ("model", "frame", "years") and t.parent not in ("frame", "years")
}

#: The breakdowns of a budget (the tables a budget adds): attribute of zbb.Budget -> the core's key and index
#: name. Here, beside the model's tables, so that the budget and its workbook writer share them.
BREAKDOWNS: dict[str, str] = {
    "by_goal": "goal",
    "by_activity": "activity",
    "by_resource": "resource",
    "by_partner": "partner",
    "by_category": "category",
    "by_area": "area",  # only when the model has areas (Model.has_areas)
}

#: numpy dtype kinds that convert to float64 exactly enough for the model's numbers
_NUMERIC_KINDS = "fiu"


def _as_frame(data: Any, table: str) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        frame = data
    elif isinstance(data, Mapping):
        frame = pd.DataFrame(dict(data))
    else:
        try:
            frame = pd.DataFrame(list(data))
        except (TypeError, ValueError) as e:
            raise ModelError(
                f"model, field '{table}': must be a DataFrame, a dict of columns or a list of row dicts ({e})",
                entity="model",
                field=table,
            ) from None
    spec = _spec(table)
    if "id" in spec.kinds and frame.index.name == "id":
        if "id" not in frame.columns:
            frame = frame.reset_index()
        else:  # the ids twice: they must agree, or one of them would be silently ignored
            index = [str(v) for v in frame.index]
            column = [str(v) for v in frame["id"]]
            for k, (i, c) in enumerate(zip(index, column)):
                if i != c:
                    raise ModelError(
                        f"{table}[{k}], field 'id': the index named 'id' says '{i}' but the "
                        f"id column says '{c}'; give the ids once",
                        entity=f"{table}[{k}]",
                        field="id",
                    )
    return frame


def _spec(table: str) -> Table:
    if table in FRAME_CAPS:
        return FRAME_CAPS[table]
    return YEARS_TABLES[table] if table in YEARS_TABLES else TABLES[table]


def _level_key(value: Any) -> Any:
    """A package level as the core keys it (1, 1.0 and Decimal("1") are one level)."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
        if float(value).is_integer():
            return int(value)
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return value


def _missing(value: Any) -> bool:
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, (float, np.floating)) and math.isnan(value))
    )


def row_namer(frame: pd.DataFrame, table: str) -> Callable[[int], tuple[str, str]]:
    """How row i is named in errors, as the core names it: (entity, id)."""
    spec = _spec(table)
    cols: dict[str, np.ndarray] = {}  # made on the first error only

    def cell(c: str, i: int) -> Any:
        if not cols:
            cols.update({k: frame[k].to_numpy(dtype=object) for k in frame.columns if isinstance(k, str)})
            cols.setdefault("", np.empty(0, dtype=object))
        return cols[c][i] if c in cols else None

    def name(i: int) -> tuple[str, str]:
        if table == "levels":
            activity = cell("activity", i)
            if not isinstance(activity, str):
                return f"levels[{i}]", ""
            k = sum(1 for v in frame["activity"].to_numpy(dtype=object)[:i] if v == activity)
            return f"activity.levels[{k}]", activity
        if table == "package_volumes":
            unit, level = cell("unit", i), cell("level", i)
            if not isinstance(unit, str) or _missing(level):
                return f"package_volumes[{i}]", ""
            key = _level_key(level)
            units, levels = frame["unit"].to_numpy(dtype=object), frame["level"].to_numpy(dtype=object)
            k = sum(1 for j in range(i) if units[j] == unit and _level_key(levels[j]) == key)
            return f"packages.volumes[{k}]", f"{unit}/{key}"
        position = f"{spec.entity}[{i}]" if table in FRAME_CAPS or table in YEARS_TABLES else f"{table}[{i}]"
        keys = [cell(k, i) for k in spec.keys]
        if not keys or any(_missing(k) for k in keys) or not isinstance(keys[0], str):
            return position, ""
        if len(keys) == 1:
            return spec.entity, keys[0]
        if spec.link is not None:
            return spec.entity, f"{keys[0]} -> {keys[1]}"
        if len(keys) == 3:  # a plan entry in a year: "G -> A in 2029"
            return spec.entity, f"{keys[0]} -> {keys[1]} in {_level_key(keys[2])}"
        return spec.entity, f"{keys[0]}/{_level_key(keys[1])}"

    return name


def _error(where: tuple[str, str], field: str, what: str) -> ModelError:
    entity, ident = where
    return ModelError(
        f"{entity}{f' {chr(39)}{ident}{chr(39)}' if ident else ''}, field '{field}': {what}",
        entity=entity,
        id=ident,
        field=field,
    )


def _number_column(series: pd.Series, column: str, name: Callable[[int], tuple[str, str]]) -> np.ndarray:
    dtype = series.dtype
    if getattr(dtype, "kind", "O") in _NUMERIC_KINDS:
        numbers: np.ndarray = series.to_numpy(dtype=np.float64, na_value=np.nan)
        return numbers
    values = series.to_numpy(dtype=object)
    out = np.empty(len(values), dtype=np.float64)
    for i, v in enumerate(values):
        if _missing(v):
            out[i] = math.nan
        elif isinstance(v, (bool, np.bool_)) or not isinstance(v, (Real, Decimal)):
            raise _error(name(i), column, f"must be a number (got {type(v).__name__} {v!r})")
        else:
            try:
                out[i] = float(v)
            except OverflowError:
                out[i] = math.inf  # the core reports it as not finite
    return out


def frame_to_columns(data: Any, table: str, *, allow_float_prices: bool = False) -> dict[str, np.ndarray]:
    """The core's columns of one table given as a DataFrame (or dict of columns, or row dicts)."""
    spec = _spec(table)
    frame = _as_frame(data, table)
    name = row_namer(frame, table)
    duplicated = frame.columns[frame.columns.duplicated()]
    if len(duplicated):
        raise ModelError(
            f"{table}, field '{duplicated[0]}': duplicate column (a table has each column once)",
            entity=table,
            field=str(duplicated[0]),
        )
    out: dict[str, np.ndarray] = {}
    for column in frame.columns:
        if not isinstance(column, str) or column not in spec.kinds:
            raise ModelError(
                f"{table}, field '{column}': unknown column; expected {', '.join(spec.columns)}",
                entity=table,
                field=str(column),
            )
        series = frame[column]
        kind = spec.kinds[column]
        if kind in ("number", "integer"):
            out[column] = _number_column(series, column, name)
        elif kind == "exact":
            values = series.to_numpy(dtype=object)
            if series.dtype != object:  # nullable extension dtypes: their NA is a missing cell
                values = np.array([None if v is pd.NA else v for v in values], dtype=object)
            out[column] = decimal_texts(values, where=name, field=column, allow_float=allow_float_prices)
        else:
            out[column] = series.to_numpy(dtype=object, na_value=None)
    return out


_DTYPES = {"text": object, "exact": object, "number": np.float64, "integer": np.int64}


def columns_to_frame(columns: Mapping[str, np.ndarray], table: str) -> pd.DataFrame:
    """A DataFrame of one table from the core's columns; prices, shares and level effects become Decimal."""
    spec = _spec(table)
    data: dict[str, Any] = {}
    for column in spec.columns:
        values = columns[column]
        kind = spec.kinds[column]
        if kind == "exact":
            data[column] = pd.Series([None if v is None else Decimal(v) for v in values], dtype=object)
        else:
            data[column] = pd.Series(values, dtype=_DTYPES[kind])
    return pd.DataFrame(data, columns=spec.columns)
