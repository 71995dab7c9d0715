"""The multi-year estimate (meerjarenraming): one exact budget per year and their sums, as DataFrames.

A model with ``years`` (docs/years.md) has a budget year T and the years after it up to
``last_year``. Each year's model has the resources' prices indexed by their category's index
series (exact decimal products) and that year's plan volumes; :class:`MultiYearBudget` holds
each year's :class:`zbb.Budget` (each cross-foots on its own, as any budget) and sums them
exactly. The same numbers as ``zbb budget MODEL --by year``.

This module imports only ``_core``, ``_budget``, ``_errors`` and ``_exact``: the model appears in
annotations only (``tests/python/test_import_graph.py``).
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _core
from ._budget import Budget
from ._errors import ModelError
from ._exact import minor_to_decimal
from ._tables import BREAKDOWNS

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ._model import Model

__all__ = ["MultiYearBudget"]

#: The breakdowns a multi-year budget has (area only for a model with areas).
_KINDS = tuple(BREAKDOWNS.values())


class MultiYearBudget:
    """The budgets of every year of a model's multi-year estimate (``Model.multi_year_budget()``).

    Money is exact: :attr:`total` and every amount are ``decimal.Decimal``; each year's budget
    (:meth:`budget`) cross-foots on its own, and the multi-year amounts are the exact sums of the
    years' amounts, so every row and every column of :meth:`breakdown` adds up to the cent.
    """

    def __init__(self, model: Model, budgets: dict[int, Budget], rounding: str) -> None:
        self._model = model
        self._budgets = budgets
        self._rounding = rounding

    # ------------------------------------------------------------------ scalars
    @property
    def model(self) -> Model:
        """The model with years this estimate was computed on."""
        return self._model

    @property
    def years(self) -> list[int]:
        """The years of the estimate, the budget year first."""
        return list(self._budgets)

    @property
    def rounding(self) -> str:
        """The rounding mode of every year's total."""
        return self._rounding

    @property
    def currency(self) -> str:
        """ISO 4217 code of the amounts."""
        return self._model.currency

    def budget(self, year: int) -> Budget:
        """The budget of one year (a :class:`zbb.Budget` on that year's model, :meth:`zbb.Model.for_year`)."""
        if year not in self._budgets:
            raise ModelError(
                f"years, field 'year': {year} is not a year of the estimate {self.years[0]}-{self.years[-1]}",
                entity="years",
                field="year",
            )
        return self._budgets[year]

    @property
    def total_minor(self) -> int:
        """The multi-year total in minor units (the exact sum of the years' totals)."""
        return sum(b.total_minor for b in self._budgets.values())

    @property
    def total(self) -> Decimal:
        """The multi-year total (exact)."""
        return minor_to_decimal(self.total_minor, self._model.minor_digits)

    @property
    def warnings(self) -> list[str]:
        """Every year's warnings, each prefixed with its year (``"2029: ..."``)."""
        return [f"{y}: {w}" for y, b in self._budgets.items() for w in b.warnings]

    # ------------------------------------------------------------------ tables
    @cached_property
    def by_year(self) -> pd.DataFrame:
        """The total per year: index ``year``; columns ``amount`` (Decimal), ``amount_minor``, ``amount_float``."""
        minor = [b.total_minor for b in self._budgets.values()]
        return _amount_frame(pd.Index(self.years, name="year", dtype=np.int64), minor, self._model.minor_digits)

    def breakdown(self, by: str = "goal", *, wide: bool = True) -> pd.DataFrame:
        """One breakdown over the years.

        Parameters
        ----------
        by : {"goal", "activity", "resource", "partner", "category", "area"}
            ``"area"`` for a model with areas only.
        wide : bool, default True
            True: index the breakdown's keys, one column per year and ``"total"`` (Decimal),
            and a last row ``"Total"`` (the years' totals): every row and column adds up.
            False: the tidy long form, columns ``<by>``, ``year``, ``amount`` (Decimal),
            ``amount_minor`` and ``amount_float``, one row per key and year.
        """
        if by not in _KINDS:
            raise ModelError(
                f"option, field 'by': unknown breakdown '{by}'; use {', '.join(_KINDS)}", entity="option", field="by"
            )
        if by == "area" and not self._model.has_areas:
            raise ModelError("option, field 'by': the model has no areas (docs/areas.md)", entity="option", field="by")
        digits = self._model.minor_digits
        per_year = {y: b.breakdown(by)["amount_minor"] for y, b in self._budgets.items()}
        keys = next(iter(per_year.values())).index
        if not wide:
            rows_key, rows_year, minor = [], [], []
            for k_pos, key in enumerate(keys):
                for y, amounts in per_year.items():
                    rows_key.append(key)
                    rows_year.append(y)
                    minor.append(int(amounts.iloc[k_pos]))
            frame = _amount_frame(pd.RangeIndex(len(minor)), minor, digits)
            frame.insert(0, "year", np.asarray(rows_year, dtype=np.int64))
            frame.insert(0, by, pd.array(rows_key, dtype=object))
            return frame
        data: dict[Any, list[Decimal]] = {}
        for y, amounts in per_year.items():
            column = [minor_to_decimal(int(m), digits) for m in amounts]
            column.append(minor_to_decimal(self._budgets[y].total_minor, digits))
            data[y] = column
        sums = [sum(int(per_year[y].iloc[k]) for y in per_year) for k in range(len(keys))]
        sums.append(self.total_minor)
        data["total"] = [minor_to_decimal(m, digits) for m in sums]
        index = pd.Index([*keys, "Total"], name=by, dtype=object)
        return pd.DataFrame({c: pd.Series(v, index=index, dtype=object) for c, v in data.items()}, index=index)

    @cached_property
    def by_goal(self) -> pd.DataFrame:
        """Full cost per goal and year (support charged by the reciprocal method), wide."""
        return self.breakdown("goal")

    @cached_property
    def by_activity(self) -> pd.DataFrame:
        """Own cost per activity and year, wide."""
        return self.breakdown("activity")

    @cached_property
    def by_resource(self) -> pd.DataFrame:
        """Cost per resource and year, wide."""
        return self.breakdown("resource")

    @cached_property
    def by_partner(self) -> pd.DataFrame:
        """Cost per partner and year, wide."""
        return self.breakdown("partner")

    @cached_property
    def by_category(self) -> pd.DataFrame:
        """Cost per cost category and year, wide."""
        return self.breakdown("category")

    @cached_property
    def by_area(self) -> pd.DataFrame:
        """Full cost per area and year, wide (a model with areas only)."""
        return self.breakdown("area")

    @cached_property
    def prices(self) -> pd.DataFrame:
        """The unit price (Decimal) of every resource in every year: index ``resource``, one column per year."""
        columns = {}
        for y, b in self._budgets.items():
            resources = b.model.table("resources")
            columns[y] = pd.Series(list(resources["price"]), index=pd.Index(resources["id"], name="resource"))
        return pd.DataFrame(columns)

    @cached_property
    def _balance_doc(self) -> dict[str, Any] | None:
        doc: dict[str, Any] | None = json.loads(self.report_json(indent=-1)).get("balance")
        return doc

    @property
    def has_balance(self) -> bool:
        """True when the model names the municipality (``years.municipality``): the sluitend check runs."""
        return self._balance_doc is not None

    @cached_property
    def balance(self) -> pd.DataFrame:
        """The sluitend check per year (docs/years.md#the-sluitend-check): index the lines
        (``costs/structural``, ``costs/incidental``, ``costs/total``, ``contributions/...``,
        ``municipality/...``, ``income.general_grant/...``, ``income.levies/...``,
        ``income.other/...``, ``income/...``, ``balance/...``, ``shortfall/...``), one column per
        year, exact Decimals. Empty without ``years.municipality``."""
        doc = self._balance_doc
        if doc is None:
            return pd.DataFrame(index=pd.Index([], name="line", dtype=object))
        years = doc["years"]
        keys = [k for k in next(iter(years.values())) if k not in ("structurally_balanced", "off_bound")]
        data = {int(y): [Decimal(years[y][k]) for k in keys] for y in years}
        return pd.DataFrame(data, index=pd.Index(keys, name="line", dtype=object), dtype=object)

    @property
    def structurally_balanced(self) -> dict[int, bool]:
        """Per year: is the structural income at least the municipality's structural share
        (structureel sluitend)? Empty without ``years.municipality``."""
        doc = self._balance_doc
        if doc is None:
            return {}
        return {int(y): bool(v["structurally_balanced"]) for y, v in doc["years"].items()}

    # ------------------------------------------------------------------ reports
    def report_json(self, *, indent: int | None = None) -> str:
        """The multi-year report (``zbb-years/1``) exactly as ``zbb budget MODEL --by year --json`` writes it."""
        return str(
            _core.multi_year_report(
                self._model._core, rounding=self._rounding, format="json", indent=2 if indent is None else indent
            )
        )

    def report_csv(self) -> str:
        """The multi-year report as ``zbb budget MODEL --by year --csv`` writes it."""
        return str(_core.multi_year_report(self._model._core, rounding=self._rounding, format="csv"))

    def report_text(self) -> str:
        """The multi-year report as ``zbb budget MODEL --by year`` writes it."""
        return str(_core.multi_year_report(self._model._core, rounding=self._rounding, format="text"))

    # ------------------------------------------------------------------ plots
    def plot(self, by: str = "goal", *, ax: Axes | None = None) -> Axes:
        """Bars per year stacked by ``by`` (goal, activity, resource, partner, category or area).
        Returns the matplotlib Axes."""
        from ._plot import plot_years

        return plot_years(self, by=by, ax=ax)

    def __repr__(self) -> str:
        return (
            f"<zbb.MultiYearBudget {self.currency} {self.total} ({self._model.name!r}, "
            f"{self.years[0]}-{self.years[-1]}, rounding {self._rounding})>"
        )


def _amount_frame(index: pd.Index, minor: list[int], digits: int) -> pd.DataFrame:
    frame = pd.DataFrame(index=index)
    frame["amount"] = pd.Series([minor_to_decimal(m, digits) for m in minor], index=index, dtype=object)
    frame["amount_minor"] = np.asarray(minor, dtype=np.int64)
    frame["amount_float"] = np.asarray(minor, dtype=np.float64) / 10.0**digits
    return frame
