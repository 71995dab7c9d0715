"""Levels and decision packages as long tables, to and from the nested parts of the JSON format.

In zbb-model/1 an activity's ``levels`` are nested in the activity and a package's
``volumes`` in the package. As DataFrames they are three long tables:

* ``levels``: ``activity``, ``up_to``, ``effect`` (one row per level, in order
  within an activity; ``effect`` exact decimal text, as Decimal);
* ``packages``: ``unit``, ``level``, ``name``, ``priority`` (one row per package);
* ``package_volumes``: ``unit``, ``level``, ``activity``, ``volume`` (one row per
  volume; ``unit`` and ``level`` name the package).

They are small, so they go through the JSON document (the same reader and the same
messages as ``zbb.read_json``): a level row is named as in JSON,
``activity.levels[k] 'A-case'`` with k its position among the activity's levels, a
package as ``packages[i]`` or ``packages 'DU-case/1'``, a package volume as
``packages.volumes[k] 'DU-case/1'``. Rows that JSON cannot express (a level of an
unknown activity, a volume of a package the packages table does not have) are
named by their table and position: ``levels[3]``, ``package_volumes[0]``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from ._errors import ModelError
from ._exact import decimal_text
from ._tables import NESTED_TABLES, TABLES

__all__ = ["merge_nested", "nested_columns", "nested_frame", "nested_row_namer", "nested_table_frame"]

#: table -> column -> dtype of the DataFrames (text and exact columns are object columns)
_KIND_DTYPES: dict[str, Any] = {"text": object, "exact": object, "number": np.float64, "integer": np.int64}
_DTYPES: dict[str, dict[str, Any]] = {
    t: {c: _KIND_DTYPES[kind] for c, kind in TABLES[t].kinds.items()} for t in NESTED_TABLES}


# ---------------------------------------------------------------------- model -> tables
def nested_columns(doc: Mapping[str, Any], table: str, *, exact: str = "decimal") -> dict[str, list[Any]]:
    """The columns of one nested table from a model's JSON document (``Model.to_dict()``).

    ``exact="decimal"`` gives effects as Decimal, ``"text"`` as their exact text.
    Unset optional cells: ``name`` "", ``priority`` NaN.
    """
    out: dict[str, list[Any]] = {c: [] for c in _DTYPES[table]}
    if table == "levels":
        for activity in doc.get("activities") or []:
            for level in activity.get("levels") or []:
                out["activity"].append(activity["id"])
                out["up_to"].append(level["up_to"])
                out["effect"].append(Decimal(level["effect"]) if exact == "decimal" else level["effect"])
    elif table == "packages":
        for package in doc.get("packages") or []:
            out["unit"].append(package["unit"])
            out["level"].append(package["level"])
            out["name"].append(package.get("name", ""))
            out["priority"].append(package.get("priority", math.nan))
    else:
        for package in doc.get("packages") or []:
            for volume in package.get("volumes") or []:
                out["unit"].append(package["unit"])
                out["level"].append(package["level"])
                out["activity"].append(volume["activity"])
                out["volume"].append(volume["volume"])
    return out


def nested_frame(doc: Mapping[str, Any], table: str) -> pd.DataFrame:
    """One nested table as a DataFrame (effects as Decimal, numbers float64, levels int64)."""
    columns = nested_columns(doc, table)
    return pd.DataFrame({c: pd.Series(columns[c], dtype=dtype) for c, dtype in _DTYPES[table].items()},
                        columns=list(_DTYPES[table]))


# ---------------------------------------------------------------------- tables -> model
def nested_table_frame(data: Any, table: str) -> pd.DataFrame:
    """A nested table given as a DataFrame, a dict of columns or row dicts, as a DataFrame (columns checked)."""
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
    for column in frame.columns:
        if not isinstance(column, str) or column not in _DTYPES[table]:
            raise ModelError(f"{table}, field '{column}': unknown column; expected {', '.join(_DTYPES[table])}",
                             entity=table, field=str(column))
    return frame


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (
        isinstance(value, (float, np.floating)) and math.isnan(value))


def _cell(value: Any) -> Any:
    """A cell as a plain Python value for the JSON document (numpy scalars unwrapped)."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as dicts without their missing cells (a missing cell is an absent key, as JSON null)."""
    columns = [str(c) for c in frame.columns]
    values = [frame[c].to_numpy(dtype=object) for c in columns]
    return [{c: _cell(v[i]) for c, v in zip(columns, values) if not _missing(v[i])} for i in range(len(frame))]


def _text_id(row: dict[str, Any], table: str, i: int, field: str) -> str:
    value = row.get(field)
    if value is None:
        raise ModelError(f"{table}[{i}], field '{field}': required field is missing", entity=f"{table}[{i}]",
                         field=field)
    if not isinstance(value, str):
        raise ModelError(f"{table}[{i}], field '{field}': must be a string", entity=f"{table}[{i}]", field=field)
    return value


def _level_key(value: Any) -> Any:
    """A package level as a key matching the JSON reader (1, 1.0 and Decimal("1") are one level)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return value


def _package_name(unit: Any, level: Any) -> str:
    return f"{unit}/{_level_key(level)}"


def nested_row_namer(frame: pd.DataFrame, table: str) -> Callable[[int], tuple[str, str]]:
    """How row i of a nested table is named in errors: (entity, id) as the JSON reader names it."""
    def name(i: int) -> tuple[str, str]:
        row = {str(c): frame[c].iloc[i] for c in frame.columns}
        if table == "levels":
            activity = row.get("activity")
            if not isinstance(activity, str):
                return f"levels[{i}]", ""
            k = sum(1 for v in frame["activity"].iloc[:i] if v == activity)
            return f"activity.levels[{k}]", activity
        unit, level = row.get("unit"), row.get("level")
        if not isinstance(unit, str) or _missing(level):
            return f"{table}[{i}]", ""
        return ("packages" if table == "packages" else "package_volumes"), _package_name(unit, level)
    return name


def merge_nested(doc: dict[str, Any], tables: Mapping[str, Any], *,
                 allow_float_prices: bool) -> tuple[dict[str, Any], ModelError | None]:
    """``doc`` (a model's JSON document) with the levels and packages of the nested ``tables``.

    Levels replace the activities' levels; packages (with their volumes) replace the
    document's packages. Empty or absent tables give none. The second item is the
    error of the first package volume whose package is not in the packages table (its
    row is left out): the caller raises it unless the document itself is refused
    first, so that a malformed package level is reported as the JSON reader reports it.
    """
    frames = {t: nested_table_frame(tables[t], t) for t in NESTED_TABLES if tables.get(t) is not None}
    out = dict(doc)
    activities = [dict(a) for a in out.get("activities") or []]
    for a in activities:
        a.pop("levels", None)
    if "levels" in frames:
        by_activity: dict[str, list[dict[str, Any]]] = {}
        known = {a.get("id") for a in activities}
        for i, row in enumerate(_rows(frames["levels"])):
            activity = _text_id(row, "levels", i, "activity")
            if activity not in known:
                raise ModelError(f"levels[{i}], field 'activity': unknown activity '{activity}'",
                                 entity=f"levels[{i}]", field="activity")
            levels = by_activity.setdefault(activity, [])
            level = {k: v for k, v in row.items() if k != "activity"}
            if "effect" in level and not isinstance(level["effect"], str):
                level["effect"] = decimal_text(level["effect"], entity=f"activity.levels[{len(levels)}]",
                                               id=activity, field="effect", allow_float=allow_float_prices)
            levels.append(level)
        for a in activities:
            if a.get("id") in by_activity:
                a["levels"] = by_activity[a["id"]]
    out["activities"] = activities
    out.pop("packages", None)
    packages: list[dict[str, Any]] = []
    orphan: ModelError | None = None
    if "packages" in frames:
        packages = [{**row, "volumes": []} for row in _rows(frames["packages"])]
    if "package_volumes" in frames:
        by_key: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
        for p in packages:
            by_key.setdefault((p.get("unit"), _level_key(p.get("level"))), []).append(p)
        units = {p.get("unit") for p in packages}
        for i, row in enumerate(_rows(frames["package_volumes"])):
            unit = _text_id(row, "package_volumes", i, "unit")
            if "level" not in row:
                raise ModelError(f"package_volumes[{i}], field 'level': required field is missing",
                                 entity=f"package_volumes[{i}]", field="level")
            targets = by_key.get((unit, _level_key(row["level"])))
            if not targets:
                field = "level" if unit in units else "unit"
                orphan = orphan or ModelError(f"package_volumes[{i}], field '{field}': no package "
                                              f"'{_package_name(unit, row['level'])}' in the packages table",
                                              entity=f"package_volumes[{i}]", field=field)
                continue
            volume = {k: v for k, v in row.items() if k not in ("unit", "level")}
            for p in targets:
                p["volumes"].append(volume)
    if packages:
        out["packages"] = packages
    return out, orphan
