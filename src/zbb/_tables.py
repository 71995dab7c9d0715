"""The model's tables as pandas DataFrames (long format), to and from the core's columns.

One DataFrame per entity table (goals, activities, resources, partners) and per
link table (effects, consumption, support, funding, plan), with the columns
named as the keys of the zbb-model/1 JSON format. Building a model sends whole
columns to the C++ core at once (numpy object arrays for text, float64 arrays
for numbers, exact decimal text for prices and shares).

The parts the JSON format nests (activity levels, decision packages and their
volumes) are three more long tables, ``levels``, ``packages`` and
``package_volumes``; they go through the JSON document (see ``_nested``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from decimal import Decimal
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from ._errors import ModelError
from ._exact import decimal_texts

__all__ = ["TABLES", "ENTITY_TABLES", "LINK_TABLES", "NESTED_TABLES", "Table", "columns_to_frame", "frame_to_columns"]


class Table:
    """Column layout of one table: ``kinds`` maps column -> "text" | "number" | "integer" | "exact"."""

    def __init__(self, name: str, entity: str, kinds: dict[str, str], link: tuple[str, str] | None):
        self.name = name
        self.entity = entity  # how the core names a row's entity in errors
        self.kinds = kinds
        self.link = link  # the two id columns of a link table

    @property
    def columns(self) -> list[str]:
        return list(self.kinds)


T, N, Z, X = "text", "number", "integer", "exact"
TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("goals", "goal", {"id": T, "name": T, "unit": T, "baseline": N, "target": N, "weight": N}, None),
        Table("activities", "activity", {"id": T, "name": T, "unit": T, "partner": T, "min": N, "max": N}, None),
        Table("resources", "resource",
              {"id": T, "name": T, "unit": T, "price": X, "category": T, "available": N}, None),
        Table("partners", "partner", {"id": T, "name": T}, None),
        Table("effects", "effects", {"goal": T, "activity": T, "per_unit": N}, ("goal", "activity")),
        Table("consumption", "consumption", {"activity": T, "resource": T, "per_unit": N},
              ("activity", "resource")),
        Table("support", "support", {"supplier": T, "consumer": T, "per_unit": N}, ("supplier", "consumer")),
        Table("funding", "funding", {"activity": T, "partner": T, "share": X}, ("activity", "partner")),
        Table("plan", "plan", {"goal": T, "activity": T, "volume": N}, ("goal", "activity")),
        # nested in the JSON format: activities[].levels, packages[], packages[].volumes
        Table("levels", "levels", {"activity": T, "up_to": N, "effect": X}, None),
        Table("packages", "packages", {"unit": T, "level": Z, "name": T, "priority": N}, None),
        Table("package_volumes", "package_volumes", {"unit": T, "level": Z, "activity": T, "volume": N}, None),
    )
}
ENTITY_TABLES = ("goals", "activities", "resources", "partners")
LINK_TABLES = ("effects", "consumption", "support", "funding", "plan")
#: tables the JSON format nests; they are built through the JSON document, not the core's columns
NESTED_TABLES = ("levels", "packages", "package_volumes")

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
            raise ModelError(f"model, field '{table}': must be a DataFrame, a dict of columns or a "
                             f"list of row dicts ({e})", entity="model", field=table) from None
    if "id" in TABLES[table].kinds and "id" not in frame.columns and frame.index.name == "id":
        frame = frame.reset_index()
    return frame


def _row_namer(frame: pd.DataFrame, table: Table) -> Callable[[int], tuple[str, str]]:
    """How the core names row i in errors: (entity, id) with the entity id or "<first> -> <second>"."""
    def name(i: int) -> tuple[str, str]:
        if table.link is None:
            value = frame["id"].iloc[i] if "id" in frame.columns else None
            return (table.entity, value) if isinstance(value, str) else (f"{table.name}[{i}]", "")
        a, b = (frame[c].iloc[i] if c in frame.columns else "" for c in table.link)
        return table.entity, f"{a} -> {b}"
    return name


def _error(where: tuple[str, str], field: str, what: str) -> ModelError:
    entity, ident = where
    return ModelError(f"{entity}{f' {chr(39)}{ident}{chr(39)}' if ident else ''}, field '{field}': {what}",
                      entity=entity, id=ident, field=field)


def _number_column(series: pd.Series, column: str, name: Callable[[int], tuple[str, str]]) -> np.ndarray:
    dtype = series.dtype
    if dtype.kind in _NUMERIC_KINDS:
        numbers: np.ndarray = series.to_numpy(dtype=np.float64, na_value=np.nan)
        return numbers
    values = series.to_numpy(dtype=object)
    out = np.empty(len(values), dtype=np.float64)
    for i, v in enumerate(values):
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
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
    spec = TABLES[table]
    frame = _as_frame(data, table)
    name = _row_namer(frame, spec)
    out: dict[str, np.ndarray] = {}
    for column in frame.columns:
        if not isinstance(column, str) or column not in spec.kinds:
            raise ModelError(
                f"{table}, field '{column}': unknown column; expected {', '.join(spec.columns)}",
                entity=table, field=str(column))
        series = frame[column]
        kind = spec.kinds[column]
        if kind == "number":
            out[column] = _number_column(series, column, name)
        elif kind == "exact":
            out[column] = decimal_texts(series.to_numpy(dtype=object), where=name, field=column,
                                        allow_float=allow_float_prices)
        else:
            out[column] = series.to_numpy(dtype=object)
    return out


def columns_to_frame(columns: Mapping[str, np.ndarray], table: str) -> pd.DataFrame:
    """A DataFrame of one table from the core's columns; prices and shares become Decimal."""
    spec = TABLES[table]
    data: dict[str, Any] = {}
    for column in spec.columns:
        values = columns[column]
        if spec.kinds[column] == "exact":
            data[column] = pd.Series([Decimal(v) for v in values], dtype=object)
        elif spec.kinds[column] == "text":
            data[column] = pd.Series(values, dtype=object)
        else:
            data[column] = pd.Series(values, dtype=np.float64)
    return pd.DataFrame(data, columns=spec.columns)
