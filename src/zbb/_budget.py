"""The Budget class: a computed bottom-up budget with exact breakdowns as DataFrames."""

from __future__ import annotations

import os
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _core
from ._errors import ModelError
from ._exact import minor_to_decimal
from ._prior import PriorBudget, PriorComparison, read_prior
from ._result import Result
from ._tables import BREAKDOWNS

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from scipy import sparse


__all__ = ["BREAKDOWNS", "Budget", "compare"]


class Budget(Result[_core.Budget]):
    """A bottom-up budget computed by the C++ core (same numbers as ``zbb budget``).

    Money is exact: :attr:`total` is a ``decimal.Decimal`` and every breakdown
    has an ``amount`` column of Decimals and an ``amount_minor`` column of
    integers in minor units (cents for EUR). Each breakdown sums exactly to the
    total (cross-footing). The ``amount_float`` columns are for plotting only.
    Vectors (volumes, resource needs, unit costs, projected indicators) are
    read-only numpy arrays that share memory with the budget.

    Get one from :meth:`zbb.Model.budget`; :attr:`model` is the model it was computed on.
    """

    _core_class = _core.Budget
    _made_by = "Model.budget() to compute a budget"
    _command = "zbb budget"

    # ------------------------------------------------------------------ scalars
    @property
    def currency(self) -> str:
        """ISO 4217 code."""
        return self._core.currency

    @property
    def minor_digits(self) -> int:
        """Decimals of the currency's minor unit (2 for EUR)."""
        return self._core.minor_digits

    @property
    def rounding(self) -> str:
        """The rounding mode the total was rounded with."""
        return self._core.rounding

    @property
    def total(self) -> Decimal:
        """The total, exact (``Decimal("1016860.34")``)."""
        return Decimal(self._core.total_text)

    @property
    def total_minor(self) -> int:
        """The total in integer minor units (cents for EUR)."""
        return self._core.total_minor

    @property
    def warnings(self) -> list[str]:
        """Plain-language notes: volumes outside [min, max], resource needs above availability."""
        return self._core.warnings

    # ------------------------------------------------------------------ vectors (read-only views)
    @property
    def volumes(self) -> np.ndarray:
        """Total volume per activity, x from (I - S) x = d (in model order of activities)."""
        return self._core.volumes()

    @property
    def direct_volumes(self) -> np.ndarray:
        """Direct (planned) volume per activity, d."""
        return self._core.direct_volumes()

    @property
    def resource_needs(self) -> np.ndarray:
        """Units needed per resource, C x."""
        return self._core.resource_needs()

    @property
    def unit_costs(self) -> np.ndarray:
        """Direct unit cost per activity, c = C^T p (currency units, computed in floating point)."""
        return self._core.unit_costs()

    @property
    def full_unit_costs(self) -> np.ndarray:
        """Full unit cost per activity including support, u from (I - S)^T u = c."""
        return self._core.full_unit_costs()

    @property
    def projected(self) -> np.ndarray:
        """Projected indicator per goal: baseline + E x."""
        return self._core.projected()

    def plan_matrix(self) -> sparse.csc_array:
        """The plan D (activity x goal) this budget was computed for, as a read-only scipy sparse array."""
        from scipy import sparse

        data, indices, indptr, shape = self._core.plan_matrix()
        return sparse.csc_array((data, indices, indptr), shape=shape, copy=False)

    # ------------------------------------------------------------------ breakdowns
    def breakdown(self, by: str) -> pd.DataFrame:
        """One breakdown as a DataFrame indexed by id.

        Parameters
        ----------
        by : {"goal", "activity", "resource", "partner", "category"}

        Returns
        -------
        DataFrame
            Columns ``amount`` (Decimal, exact), ``amount_minor`` (int64 minor
            units), ``amount_float`` (float, for plots) and, per breakdown,
            descriptive columns (``name``; for activities ``partner``,
            ``volume``, ``direct_volume``, ``unit_cost``, ``full_unit_cost``;
            for resources ``category``, ``price`` (Decimal), ``need``).
        """
        keys = self._core.keys(by)
        minor = self._core.amounts_minor(by)
        digits = self.minor_digits
        index = pd.Index(pd.array(keys, dtype=object), name=by, dtype=object)
        frame = pd.DataFrame(index=index)
        frame = frame.assign(**_descriptive(self, by))
        frame["amount"] = pd.Series([minor_to_decimal(int(m), digits) for m in minor], index=index, dtype=object)
        frame["amount_minor"] = (
            np.asarray(minor, dtype=np.int64)
            if isinstance(minor, np.ndarray)
            else pd.Series(minor, index=index, dtype=object)
        )
        frame["amount_float"] = np.asarray(minor, dtype=np.float64) / 10.0**digits
        return frame

    @cached_property
    def by_goal(self) -> pd.DataFrame:
        """Full cost per goal (support costs charged by the reciprocal method)."""
        return self.breakdown("goal")

    @cached_property
    def by_activity(self) -> pd.DataFrame:
        """Own cost per activity (unit cost x total volume), with volumes and unit costs."""
        return self.breakdown("activity")

    @cached_property
    def by_resource(self) -> pd.DataFrame:
        """Cost per resource (price x need)."""
        return self.breakdown("resource")

    @cached_property
    def by_partner(self) -> pd.DataFrame:
        """Cost per partner (funding shares applied to each activity's own cost)."""
        return self.breakdown("partner")

    @cached_property
    def by_category(self) -> pd.DataFrame:
        """Cost per cost category of the resources."""
        return self.breakdown("category")

    @cached_property
    def by_area(self) -> pd.DataFrame:
        """Full cost per area (each plan entry in the area of its goal and activity, support
        charged by the reciprocal method), with the area's name and parent, and
        ``amount_with_sub_areas`` (the area and every area nested in it). Sums to the total like
        :attr:`by_goal`; the index ends with ``"(no area)"`` when some activity and some goal both
        lack an area. No rows when the model has no areas (docs/areas.md)."""
        return self.breakdown("area")

    @cached_property
    def goals(self) -> pd.DataFrame:
        """Per goal: name, unit, baseline, target, projected indicator, whether it is reached and the gap.

        ``reached`` and ``gap`` (the indicator units still missing, 0 when reached)
        follow zbb's one rule (``zbb/goals.hpp``, the CLI's): in the goal's
        direction (a target below the baseline is reached from above), within
        ``1e-7 x max(1, |target|)`` of the target.
        """
        goals = self.model.table("goals").set_index("id")
        goals.index.name = "goal"
        projected = np.asarray(self.projected, dtype=np.float64)
        at = _core.goal_progress(goals["baseline"].to_numpy(), goals["target"].to_numpy(), projected)
        return pd.DataFrame(
            {
                "name": goals["name"],
                "unit": goals["unit"],
                "baseline": goals["baseline"],
                "target": goals["target"],
                "projected": projected,
                "reached": at["reached"],
                "gap": at["shortfall"],
            },
            index=goals.index,
        )

    # ------------------------------------------------------------------ output (reports: zbb._result.Result)
    def to_excel(self, path: str | os.PathLike[str]) -> None:
        """Write the budget to a workbook laid out for a finance officer: a summary, one sheet
        per breakdown and the goals.

        Amounts are exact decimal cells in the accounting format with the currency's symbol and
        decimals (``€ 1,234,567.89``); volumes, needs and indicators with two decimals; each
        breakdown ends with a ``Total`` row, a ``SUM`` formula that recomputes to the budget's
        total; header rows frozen, widths that fit, landscape pages one page wide
        (docs/python-api.md, "Workbooks").
        """
        from ._budget_workbook import write_budget_excel

        write_budget_excel(self, path)

    # ------------------------------------------------------------------ goal tables, prior budget
    @cached_property
    def _goal_tables(self) -> dict[str, Any]:
        return _core.goal_tables(self._core)

    def goal_table(self, by: str = "activity", *, wide: bool = True) -> pd.DataFrame:
        """The full cost each goal causes in each activity, resource, category or partner.

        Every row sums exactly to the goal's amount in :attr:`by_goal` and every column to the
        line's amount in the breakdown ``by`` (both ways to the cent); see ``docs/prior-year.md``.

        Parameters
        ----------
        by : {"activity", "resource", "category", "partner", "area"}
            ``"area"`` only for a model with areas.
        wide : bool, default True
            True: a goal x ``by`` DataFrame of exact Decimal amounts (zero where the goal causes
            nothing). False: one row per non-zero cell, columns ``goal``, ``by``, ``amount``
            (Decimal), ``amount_minor`` (int) and ``value`` (the computed value in minor units it
            was rounded from).
        """
        if by not in ("activity", "resource", "category", "partner", "area"):
            raise ModelError(
                f"unknown goal table '{by}'; use activity, resource, category, partner or area",
                entity="option",
                field="by",
            )
        if by == "area" and not self.model.has_areas:
            raise ModelError(
                "the model has no areas; goal_table('area') needs an 'areas' table", entity="model", field="areas"
            )
        t = self._goal_tables[by]
        goals = self._core.keys("goal")
        columns = list(t["columns"])
        digits = self.minor_digits
        amounts = [minor_to_decimal(int(m), digits) for m in t["amount_minor"]]
        if not wide:
            return pd.DataFrame(
                {
                    "goal": [goals[g] for g in t["goal"]],
                    by: [columns[k] for k in t["column"]],
                    "amount": amounts,
                    "amount_minor": t["amount_minor"],
                    "value": t["value"],
                }
            )
        zero = minor_to_decimal(0, digits)
        grid = [[zero] * len(columns) for _ in goals]
        for g, k, a in zip(t["goal"], t["column"], amounts, strict=True):
            grid[int(g)][int(k)] = a
        return pd.DataFrame(
            grid,
            index=pd.Index(goals, name="goal", dtype=object),
            columns=pd.Index(columns, name=by, dtype=object),
            dtype=object,
        )

    def compare_prior(
        self, prior: str | os.PathLike[str] | pd.DataFrame | PriorBudget, *, waterfall: str | None = None
    ) -> PriorComparison:
        """This budget against last year's: see :class:`zbb.PriorComparison` and ``docs/prior-year.md``.

        Parameters
        ----------
        prior : path, DataFrame (kind, id, amount) or PriorBudget
        waterfall : {"activity", "resource", "category", "partner", "goal"}, optional
            The kind of line the waterfall is built from; by default the first of activity,
            resource, category, partner, goal the prior has.
        """
        p = read_prior(prior, minor_digits=self.minor_digits)
        return PriorComparison(
            _core.compare_prior(self._core, p._core, waterfall=waterfall), self.minor_digits, self.currency
        )

    def compare(self, other: Budget, *, by: str = "goal") -> pd.DataFrame:
        """Compare with another budget; see :func:`zbb.compare`."""
        return compare(self, other, by=by)

    # ------------------------------------------------------------------ plots
    def plot_cost_by_goal(self, *, ax: Axes | None = None) -> Axes:
        """Bar chart of the full cost per goal. Returns the matplotlib Axes."""
        from ._plot import plot_cost_by_goal

        return plot_cost_by_goal(self, ax=ax)

    def plot_cost_by_area(self, *, ax: Axes | None = None) -> Axes:
        """Bar chart of the full cost per area, stacked by goal (a model with areas only).
        Returns the matplotlib Axes."""
        from ._plot import plot_cost_by_area

        return plot_cost_by_area(self, ax=ax)

    def plot_flow(self, *, ax: Axes | None = None, min_share: float = 0.0) -> Axes:
        """Where the money goes: resources (by category) -> activities -> goals, as a sankey-style chart.

        Parameters
        ----------
        ax : matplotlib Axes, optional
        min_share : float, default 0.0
            Bands below this fraction of the total are not drawn (the columns
            still add up).
        """
        from ._plot import plot_flow

        return plot_flow(self, ax=ax, min_share=min_share)

    def plot_goals(self, *, ax: Axes | None = None) -> Axes:
        """Projected indicator against target per goal, as progress from baseline (0%) to target (100%)."""
        from ._plot import plot_goals

        return plot_goals(self, ax=ax)

    # ------------------------------------------------------------------ Python protocol
    def __repr__(self) -> str:
        return f"<zbb.Budget {self.currency} {self.total} ({self.model.name!r}, rounding {self.rounding})>"

    def _repr_html_(self) -> str:
        from ._html import budget_html

        return budget_html(self)


def _descriptive(budget: Budget, by: str) -> dict[str, Any]:
    """Descriptive columns of a breakdown (everything except the amounts)."""
    if by == "category":
        return {}
    model = budget.model
    if by == "area":
        keys = budget._core.keys("area")
        areas = model._core.table("areas")
        name = dict(zip(areas["id"], areas["name"], strict=True))
        parent = dict(zip(areas["id"], areas["parent"], strict=True))
        with_sub = budget._core.area_amounts_with_sub_areas()
        digits = budget.minor_digits
        return {
            "name": np.asarray([name.get(k, "") for k in keys], dtype=object),
            "parent": np.asarray([parent.get(k, "") for k in keys], dtype=object),
            "amount_with_sub_areas": np.asarray([minor_to_decimal(int(m), digits) for m in with_sub], dtype=object),
        }
    table = {"goal": "goals", "activity": "activities", "resource": "resources", "partner": "partners"}[by]
    rows = model._core.table(table)
    out: dict[str, Any] = {"name": np.asarray(rows["name"], dtype=object)}
    if by == "activity":
        out.update(
            partner=np.asarray(rows["partner"], dtype=object),
            direct_volume=np.array(budget.direct_volumes),
            volume=np.array(budget.volumes),
            unit_cost=np.array(budget.unit_costs),
            full_unit_cost=np.array(budget.full_unit_costs),
        )
    elif by == "resource":
        out.update(
            category=np.asarray(rows["category"], dtype=object),
            price=np.asarray([Decimal(t) for t in rows["price"]], dtype=object),
            need=np.array(budget.resource_needs),
        )
    return out


def compare(base: Budget, scenario: Budget, *, by: str = "goal") -> pd.DataFrame:
    """Compare two budgets line by line, exactly.

    Parameters
    ----------
    base, scenario : Budget
        Typically the budget of a model and of a changed copy of it.
    by : {"goal", "activity", "resource", "partner", "category", "total"}
        The breakdown to compare; ``"total"`` gives a single row.

    Returns
    -------
    DataFrame
        Indexed by id (the union of both, missing lines count as zero), with
        ``base``, ``scenario`` and ``change`` (Decimal, exact; ``change =
        scenario - base``), ``change_pct`` (float) and ``base_float``,
        ``scenario_float`` (for plots).
    """
    if base.currency != scenario.currency:
        raise ValueError(f"cannot compare budgets in {base.currency} and {scenario.currency}")
    if by == "total":
        a, b = pd.Series({"total": base.total}), pd.Series({"total": scenario.total})
        a.index.name = "total"
    else:
        a = base.breakdown(by)["amount"]
        b = scenario.breakdown(by)["amount"]
    index = a.index.append(b.index[~b.index.isin(a.index)])
    zero = minor_to_decimal(0, base.minor_digits)
    a = a.reindex(index).apply(lambda v: zero if not isinstance(v, Decimal) else v)
    b = b.reindex(index).apply(lambda v: zero if not isinstance(v, Decimal) else v)
    change = pd.Series([y - x for x, y in zip(a, b)], index=index, dtype=object)
    pct = [float((y - x) / x * 100) if x != 0 else (0.0 if y == x else float("inf")) for x, y in zip(a, b)]
    out = pd.DataFrame(
        {
            "base": a.astype(object),
            "scenario": b.astype(object),
            "change": change,
            "change_pct": pct,
            "base_float": [float(v) for v in a],
            "scenario_float": [float(v) for v in b],
        },
        index=index,
    )
    out.index.name = a.index.name
    return out
