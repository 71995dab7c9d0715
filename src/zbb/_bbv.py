"""The BBV view: the budget booked on taakvelden and Iv3 economic categories, as DataFrames.

A model whose activities carry a ``taakveld`` and whose resources carry an ``economic_category``
(docs/bbv.md) has a BBV view of every year of its estimate: each activity's own cost on its
taakveld (support activities on 0.4 Overhead), each resource's cost on its economic category,
the taakveld x economic category table, and the reconciliation with the goal view (each goal's
full cost, support charged by the reciprocal method, split over the taakvelden it lands on).
Every table cross-foots with the budget to the cent. The same numbers as ``zbb bbv MODEL``.

This module imports only ``_core``, ``_exact`` and the workbook helpers: the model appears in
annotations only (``tests/python/test_import_graph.py``).
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _core
from ._errors import ModelError

if TYPE_CHECKING:
    from ._model import Model

__all__ = ["BBV"]

#: The tables of the view: attribute -> (JSON member, row column, column column)
_TABLES = {
    "taakveld_category": ("taakveld_category", "taakveld", "category"),
    "reconciliation": ("goal_taakveld", "goal", "taakveld"),
}


class BBV:
    """The BBV view of a model's budget over every year of its estimate (``Model.bbv()``).

    Money is exact: every amount is a ``decimal.Decimal`` (with ``amount_minor``, the integer
    minor units, and ``amount_float`` for plotting). Frames are long (tidy), with a ``year``
    column when the model has years; :meth:`pivot` gives the wide tables with their totals.
    """

    def __init__(self, model: Model, rounding: str) -> None:
        self._model = model
        self._rounding = rounding
        self._doc: dict[str, Any] = json.loads(self.report_json(indent=-1))

    # ------------------------------------------------------------------ scalars
    @property
    def model(self) -> Model:
        """The model this view was computed on."""
        return self._model

    @property
    def rounding(self) -> str:
        """The rounding mode of every year's total."""
        return self._rounding

    @property
    def currency(self) -> str:
        """ISO 4217 code of the amounts."""
        return str(self._doc["currency"])

    @property
    def years(self) -> list[int]:
        """The years of the estimate (empty for a model without years)."""
        return [int(y["year"]) for y in self._doc["years"] if "year" in y]

    @property
    def totals(self) -> dict[int | None, Decimal]:
        """The total per year (key ``None`` for a model without years)."""
        return {y.get("year"): Decimal(y["total"]) for y in self._doc["years"]}

    @property
    def taakvelden(self) -> dict[str, str]:
        """The taakvelden the budget books on: code -> Dutch name, in the regulation's order."""
        return {c["code"]: c["name"] for c in self._doc["taakvelden"]}

    @property
    def economic_categories(self) -> dict[str, str]:
        """The Iv3 economic categories the budget books on: code -> Dutch name."""
        return {c["code"]: c["name"] for c in self._doc["economic_categories"]}

    # ------------------------------------------------------------------ frames
    def _long(self, rows: list[dict[str, Any]], keys: list[str]) -> pd.DataFrame:
        """Rows of ``year``, the ``keys`` columns and ``amount`` as a frame (the same columns and
        dtypes when there are no rows)."""
        digits = self._model.minor_digits
        columns = ["year", *keys, "amount"]
        frame = pd.DataFrame(rows, columns=columns)
        for k in keys:
            frame[k] = frame[k].astype(object)
        if not self.years:
            frame = frame.drop(columns=["year"])
        else:
            frame["year"] = frame["year"].astype(np.int64)
        amounts = [Decimal(a) for a in frame["amount"]]
        frame["amount"] = pd.Series(amounts, index=frame.index, dtype=object)
        scale = Decimal(10) ** digits
        minor = [int(a * scale) for a in amounts]
        frame["amount_minor"] = np.asarray(minor, dtype=np.int64)
        frame["amount_float"] = np.asarray(minor, dtype=np.float64) / 10.0**digits
        return frame

    def _per_year(self, member: str, key: str, names: dict[str, str] | None = None) -> pd.DataFrame:
        rows = []
        for y in self._doc["years"]:
            for code, amount in y[member].items():
                row: dict[str, Any] = {"year": y.get("year"), key: code}
                if names is not None:
                    row["name"] = names.get(code, "")
                row["amount"] = amount
                rows.append(row)
        return self._long(rows, [key, "name"] if names is not None else [key])

    @cached_property
    def by_taakveld(self) -> pd.DataFrame:
        """Own cost per taakveld (support on 0.4): columns [``year``], ``taakveld``, ``name``,
        ``amount`` (Decimal), ``amount_minor``, ``amount_float``; per year the rows sum to the total."""
        return self._per_year("by_taakveld", "taakveld", self.taakvelden)

    @cached_property
    def by_economic_category(self) -> pd.DataFrame:
        """Cost per Iv3 economic category: columns [``year``], ``category``, ``name``, ``amount``, ..."""
        return self._per_year("by_economic_category", "category", self.economic_categories)

    def _cells(self, member: str, row: str, column: str) -> pd.DataFrame:
        rows = [
            {"year": y.get("year"), row: c[row], column: c[column], "amount": c["amount"]}
            for y in self._doc["years"]
            for c in y[member]
        ]
        return self._long(rows, [row, column])

    @cached_property
    def taakveld_category(self) -> pd.DataFrame:
        """The taakveld x economic category table, non-zero cells: columns [``year``], ``taakveld``,
        ``category``, ``amount``, ...; per year its rows sum to :attr:`by_taakveld` and its columns to
        :attr:`by_economic_category`."""
        return self._cells("taakveld_category", "taakveld", "category")

    @cached_property
    def reconciliation(self) -> pd.DataFrame:
        """The goal view against the BBV view: each goal's full cost split over the taakvelden it
        lands on (non-zero cells): columns [``year``], ``goal``, ``programme`` (with programmes),
        ``taakveld``, ``amount``, ...; per year summed per goal it is the budget's ``by_goal``, per
        taakveld :attr:`by_taakveld`."""
        frame = self._cells("goal_taakveld", "goal", "taakveld")
        if self._model.has_programmes:
            goals = self._model.table("goals").set_index("id")["programme"]
            frame.insert(frame.columns.get_loc("goal") + 1, "programme", frame["goal"].map(goals))
        return frame

    @cached_property
    def programmes(self) -> pd.DataFrame:
        """Per programme (and year): ``programme``, ``name``, ``programme_costs`` (on taakvelden
        other than 0.4), ``overhead`` (on 0.4, shown apart in the BBV view) and ``full_cost`` (the
        goal view), exact Decimals. Empty for a model without programmes."""
        names = {p["id"]: p["name"] for p in self._doc.get("programmes", [])}
        rows = [
            {
                "year": y.get("year"),
                "programme": p["programme"],
                "name": names[p["programme"]],
                "programme_costs": Decimal(p["programme_costs"]),
                "overhead": Decimal(p["overhead"]),
                "full_cost": Decimal(p["full_cost"]),
            }
            for y in self._doc["years"]
            for p in y.get("programmes", [])
        ]
        columns = ["year", "programme", "name", "programme_costs", "overhead", "full_cost"]
        frame = pd.DataFrame(rows, columns=columns)
        if not self.years:
            frame = frame.drop(columns=["year"])
        else:
            frame["year"] = frame["year"].astype(np.int64)
        for c in ("programme_costs", "overhead", "full_cost"):
            frame[c] = frame[c].astype(object)
        return frame

    def pivot(self, table: str = "taakveld_category", *, year: int | None = None) -> pd.DataFrame:
        """A wide table with a ``total`` column and a last row ``Total`` (exact Decimals; zero where
        nothing is booked). The ``Total`` row is appended, so it is the last row even when a goal's
        id is ``"Total"``: take it with ``.iloc[-1]``.

        Parameters
        ----------
        table : {"taakveld_category", "reconciliation", "by_taakveld", "by_economic_category"}
            The two-way tables (taakveld x economic category, goal x taakveld) one year at a time;
            ``by_taakveld`` and ``by_economic_category`` with one column per year (``amount``
            without years).
        year : int, optional
            The year of a two-way table (default the budget year; only for a model with years).
        """
        zero = Decimal(1).scaleb(-self._model.minor_digits) * 0
        if year is not None and not self.years:
            raise ModelError("years, field 'year': the model has no multi-year estimate", entity="years", field="year")
        if year is not None and year not in self.years:
            raise ModelError(
                f"years, field 'year': {year} is not a year of the estimate {self.years[0]}-{self.years[-1]}",
                entity="years",
                field="year",
            )
        if table in ("by_taakveld", "by_economic_category"):
            frame = getattr(self, table)
            key = "taakveld" if table == "by_taakveld" else "category"
            order = self.taakvelden if table == "by_taakveld" else self.economic_categories
            columns: list[int | None] = list(self.years) or [None]
            data: dict[Any, list[Decimal]] = {}
            for y in columns:
                part = frame if y is None else frame[frame["year"] == y]
                amounts = dict(zip(part[key], part["amount"]))
                data["amount" if y is None else y] = [amounts.get(k, zero) for k in order]
            wide = pd.DataFrame(data, index=pd.Index(list(order), name=key, dtype=object), dtype=object)
            if len(columns) > 1:
                wide["total"] = [sum(r, zero) for r in wide.itertuples(index=False)]
            return _with_total_row(wide, zero)
        if table not in _TABLES:
            raise ModelError(
                f"option, field 'table': unknown table '{table}'; use taakveld_category, reconciliation, "
                "by_taakveld or by_economic_category",
                entity="option",
                field="table",
            )
        _, row, column = _TABLES[table]
        frame = getattr(self, table)
        chosen = self.years[0] if self.years and year is None else year
        booked = self.by_taakveld
        if chosen is not None:
            frame = frame[frame["year"] == chosen]
            booked = booked[booked["year"] == chosen]
        if row == "goal":
            rows = list(self._model.table("goals")["id"])
            cols = list(booked["taakveld"])
        else:
            rows = list(booked["taakveld"])
            used = set(frame[column])
            cols = [c for c in self.economic_categories if c in used]
        cells = {(r, c): a for r, c, a in zip(frame[row], frame[column], frame["amount"])}
        wide = pd.DataFrame(
            {c: [cells.get((r, c), zero) for r in rows] for c in cols},
            index=pd.Index(rows, name=row, dtype=object),
            dtype=object,
        )
        wide["total"] = [sum(r, zero) for r in wide.itertuples(index=False)]
        return _with_total_row(wide, zero)

    # ------------------------------------------------------------------ reports
    def report_json(self, *, indent: int | None = None) -> str:
        """The BBV report (``zbb-bbv/1``) exactly as ``zbb bbv MODEL --json`` writes it."""
        return str(
            _core.bbv_report(
                self._model._core, rounding=self._rounding, format="json", indent=2 if indent is None else indent
            )
        )

    def report_csv(self) -> str:
        """The BBV report as ``zbb bbv MODEL --csv`` writes it."""
        return str(_core.bbv_report(self._model._core, rounding=self._rounding, format="csv"))

    def report_text(self) -> str:
        """The BBV report as ``zbb bbv MODEL`` writes it."""
        return str(_core.bbv_report(self._model._core, rounding=self._rounding, format="text"))

    def report_markdown(self) -> str:
        """The programme report with the three W-questions, as ``zbb bbv MODEL --markdown`` writes it."""
        return str(_core.bbv_report(self._model._core, rounding=self._rounding, format="markdown"))

    def to_excel(self, path: str | os.PathLike[str]) -> None:
        """Write the programme workbook (docs/bbv.md): sheets ``programmes``, ``taakvelden``,
        ``economic_categories``, ``taakveld_x_category`` and ``reconciliation`` (the budget year),
        in the accounting format, totals as ``SUM`` formulas, frozen headers, landscape pages."""
        from ._bbv_workbook import write_bbv_excel

        write_bbv_excel(self, path)

    def __repr__(self) -> str:
        span = f", {self.years[0]}-{self.years[-1]}" if self.years else ""
        return f"<zbb.BBV {self.currency} ({self._model.name!r}{span}, {len(self.taakvelden)} taakvelden)>"


def _with_total_row(wide: pd.DataFrame, zero: Decimal) -> pd.DataFrame:
    """``wide`` with a last row ``Total``: the sums of its columns (appended, never merged into a row
    whose key is ``"Total"``)."""
    total = pd.DataFrame(
        [[sum(wide[c], zero) for c in wide.columns]],
        columns=wide.columns,
        index=pd.Index(["Total"], name=wide.index.name, dtype=object),
        dtype=object,
    )
    return pd.concat([wide, total])
