"""Decision packages (classic zero-based budgeting): rank, cut off at the budget, compare with the optimum.

:meth:`zbb.Model.packages` runs ``zbb::rank_packages`` (the computation of
``zbb packages``) without the GIL and returns a :class:`PackagesResult`. The
ranking and the cut-off line are always there; the optimal selection under the
same budget (a 0/1 knapsack with precedence, solved with COIN-OR CBC) carries a
``status`` as data (``"optimal"``, ``"time_limit"``, ``"error"``); only misuse
(no packages, no budget, an activity with levels the packages cannot count, a
float budget) raises :class:`zbb.ModelError`. See ``docs/optimize.md``,
"Decision packages".
"""

from __future__ import annotations

from decimal import Decimal
from functools import cached_property
from html import escape
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import _core
from ._errors import InfeasibleError, ModelError
from ._exact import AMOUNT_HINT, decimal_text, minor_to_decimal
from ._optimize import _seconds

if TYPE_CHECKING:
    from ._model import Model

__all__ = ["PackagesResult", "rank_packages"]


class PackagesResult:
    """The outcome of :meth:`zbb.Model.packages`: ranked packages, the cut-off line, the optimal selection.

    Packages are named ``"<unit>/<level>"``. Money is exact (:class:`decimal.Decimal`):
    the package costs sum to :attr:`total` to the cent and each ``cumulative`` is
    the running sum of the costs in rank order. Attainments are floats: the
    weighted attainment Σ_g weight × min(1, progress / gap) over the goals with a
    gap, as in max-effect.

    The ranking and the line are computed whatever the :attr:`status`; the
    optimal selection is proven only when the status is ``"optimal"``
    (``"time_limit"``: the best selection CBC found, maybe none; ``"error"``:
    none). Check :attr:`status` or call :meth:`raise_for_status`.
    """

    def __init__(self, core: _core.PackagesResult) -> None:
        if not isinstance(core, _core.PackagesResult):
            raise TypeError("use Model.packages()")
        self._core = core

    # ------------------------------------------------------------------ status
    @property
    def status(self) -> str:
        """How the optimal selection ended: ``"optimal"``, ``"time_limit"`` or ``"error"``."""
        return self._core.status

    @property
    def optimal(self) -> bool:
        """Whether the optimal selection is proven (``status == "optimal"``)."""
        return self.status == "optimal"

    @property
    def message(self) -> str:
        """One line on the outcome, e.g. ``"ranked 4 packages; optimal selection found"``."""
        return self._core.message

    def raise_for_status(self) -> PackagesResult:
        """Raise :class:`zbb.InfeasibleError` unless the optimal selection is proven; return self otherwise.

        The error's ``.status`` is :attr:`status` (``"time_limit"`` or
        ``"error"``), its message ``"packages <status>: <message>"``.

        Returns
        -------
        PackagesResult
            ``self``, so that ``model.packages().raise_for_status().optimal_selection`` chains.
        """
        if self.optimal:
            return self
        raise InfeasibleError(f"packages {self.status}: {self.message}", entity="model", status=self.status)

    # ------------------------------------------------------------------ the ranking
    @property
    def ranked_by(self) -> str:
        """``"priority"`` (every package states one; lower first) or ``"effect per currency unit"``."""
        return self._core.ranked_by

    @property
    def currency(self) -> str:
        """ISO 4217 code of the model's currency."""
        return self._core.currency

    def _money(self, minor: int) -> Decimal:
        return minor_to_decimal(minor, self._core.minor_digits)

    @property
    def budget(self) -> Decimal:
        """The budget the line is drawn at (the option, else the model's ``frame.budget``), exact."""
        return self._money(self._core.budget_minor)

    @property
    def total(self) -> Decimal:
        """The cost of all packages together, exact (the package costs sum to it)."""
        return self._money(self._core.total_minor)

    @cached_property
    def ranked(self) -> pd.DataFrame:
        """The packages in rank order, indexed by package id (``"<unit>/<level>"``).

        Columns: ``rank`` (1, 2, ...), ``unit``, ``level``, ``name``,
        ``priority`` (float, NaN when not stated), ``cost`` and ``cumulative``
        (Decimal: the package's full cost, support included, and the cost of it
        and every package ranked above it), ``weighted_effect`` (the attainment
        it adds, uncapped), ``effect_per_euro`` (weighted effect per unit of
        the currency; ±inf for a package that costs nothing), ``funded`` (above
        the cut-off line) and ``in_optimal`` (in the optimal selection). The
        effects per goal are in :attr:`effects`.
        """
        rows = self._core.packages()
        index = pd.Index([r[0] for r in rows], name="id", dtype=object)
        return pd.DataFrame({
            "rank": np.arange(1, len(rows) + 1, dtype=np.int64),
            "unit": pd.Series([r[1] for r in rows], index=index, dtype=object),
            "level": np.array([r[2] for r in rows], dtype=np.int64),
            "name": pd.Series([r[3] for r in rows], index=index, dtype=object),
            "priority": np.array([np.nan if r[4] is None else r[4] for r in rows], dtype=np.float64),
            "cost": pd.Series([self._money(r[5]) for r in rows], index=index, dtype=object),
            "cumulative": pd.Series([self._money(r[6]) for r in rows], index=index, dtype=object),
            "weighted_effect": np.array([r[7] for r in rows], dtype=np.float64),
            "effect_per_euro": np.array([r[8] for r in rows], dtype=np.float64),
            "funded": np.array([r[9] for r in rows], dtype=bool),
            "in_optimal": np.array([r[10] for r in rows], dtype=bool),
        }, index=index)

    @cached_property
    def effects(self) -> pd.DataFrame:
        """The change of each goal's indicator per package (float): packages (rank order) x goals.

        Indexed by package id like :attr:`ranked`, one column per goal id
        (model order): E x_p, x_p the total volumes the package induces (with
        an activity's levels counted level by level within its unit).
        """
        index = pd.Index(self.ranked.index, name="id", dtype=object)
        columns = pd.Index(self._core.goal_ids(), name="goal", dtype=object)
        return pd.DataFrame(np.asarray(self._core.effects(), dtype=np.float64), index=index, columns=columns)

    # ------------------------------------------------------------------ the line
    @property
    def cutoff(self) -> int:
        """The number of funded packages: the rank position of the line (``ranked.iloc[:cutoff]`` is funded)."""
        return self._core.cutoff

    @property
    def funded(self) -> list[str]:
        """Ids of the packages above the line, in rank order."""
        return [str(i) for i in self.ranked.index[:self.cutoff]]

    @property
    def unfunded(self) -> list[str]:
        """Ids of the packages below the line, in rank order."""
        return [str(i) for i in self.ranked.index[self.cutoff:]]

    @property
    def funded_cost(self) -> Decimal:
        """The cost of the funded packages, exact."""
        return self._money(self._core.funded_cost_minor)

    @property
    def funded_attainment(self) -> float:
        """The weighted attainment of the funded packages (capped at each target)."""
        return self._core.funded_attainment

    # ------------------------------------------------------------------ the optimum
    @property
    def optimal_selection(self) -> list[str]:
        """Ids of the packages in the optimal selection, in rank order (empty when there is none)."""
        ranked = self.ranked
        return [str(i) for i in ranked.index[ranked["in_optimal"].to_numpy()]]

    @property
    def optimal_cost(self) -> Decimal:
        """The cost of the optimal selection, exact (within the budget)."""
        return self._money(self._core.optimal_cost_minor)

    @property
    def optimal_attainment(self) -> float:
        """The weighted attainment of the optimal selection (never below :attr:`funded_attainment` when optimal)."""
        return self._core.optimal_attainment

    @property
    def left_on_the_table(self) -> float:
        """``optimal_attainment - funded_attainment`` (>= 0): what ranking and cutting off loses."""
        return self._core.left_on_the_table

    @property
    def solve_seconds(self) -> float:
        """Wall-clock seconds of the optimal selection (CBC)."""
        return self._core.solve_seconds

    # ------------------------------------------------------------------ reports
    def report_json(self, *, indent: int = 2) -> str:
        """The CLI's machine-readable result, ``"format": "zbb-packages/1"`` (the text of ``zbb packages --json``)."""
        return self._core.report_json(indent)

    def to_json(self, *, indent: int = 2) -> str:
        """Deprecated alias of :meth:`report_json` (the name every other result uses); kept for one
        release (ChangeLog.md)."""
        import warnings

        warnings.warn("PackagesResult.to_json is deprecated; use report_json", DeprecationWarning, stacklevel=2)
        return self.report_json(indent=indent)

    def report_text(self) -> str:
        """The CLI's readable result (``zbb packages``): the ranked table with the cut-off line."""
        return self._core.report_text()

    # ------------------------------------------------------------------ Python protocol
    def __repr__(self) -> str:
        return (f"<zbb.PackagesResult {len(self.ranked)} packages, {self.cutoff} funded within "
                f"{self.currency} {self.budget}; optimal selection {self.status}>")

    def _repr_html_(self) -> str:
        cur = escape(self.currency)
        head = (f"<b>zbb.PackagesResult</b>: budget <b>{cur} {self.budget:,}</b>, ranked by "
                f"{escape(self.ranked_by)}; {self.cutoff} of {len(self.ranked)} packages funded "
                f"({cur} {self.funded_cost:,})")
        header = ["rank", "package", "name", f"cost {cur}", f"cumulative {cur}", "weighted effect",
                  f"per 1,000 {cur}", "optimal"]
        rows = ["<tr>" + "".join(f"<th>{h}</th>" for h in header) + "</tr>"]
        line = (f'<tr><td colspan="{len(header)}" style="text-align:center;border-top:2px solid">'
                f"cut-off: budget {cur} {self.budget:,}</td></tr>")
        for i, (ident, p) in enumerate(self.ranked.iterrows()):
            if i == self.cutoff:
                rows.append(line)
            ratio = p["effect_per_euro"]
            cells = [str(p["rank"]), escape(str(ident)), escape(str(p["name"])), f"{p['cost']:,}",
                     f"{p['cumulative']:,}", f"{p['weighted_effect']:.4f}",
                     f"{1000 * ratio:.4f}" if np.isfinite(ratio) else "-", "✓" if p["in_optimal"] else ""]
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        if self.cutoff == len(self.ranked):
            rows.append(line)
        selection = ", ".join(escape(i) for i in self.optimal_selection) or "none"
        tail = (f"Weighted attainment of the funded packages: {self.funded_attainment:.4f}"
                f"<br>Optimal selection ({escape(self.status)}): {selection}; {cur} {self.optimal_cost:,}, "
                f"weighted attainment {self.optimal_attainment:.4f}"
                f"<br>Left on the table by the ranking: {self.left_on_the_table:.4f}")
        return f"<div>{head}<table>" + "".join(rows) + f"</table>{tail}</div>"


def rank_packages(
    model: Model,
    budget: Decimal | str | int | None = None,
    *,
    time_limit: float | None = 30,
    rounding: str = "half-even",
) -> PackagesResult:
    """Rank ``model``'s decision packages; see :meth:`zbb.Model.packages`."""
    budget_text = None
    if budget is not None:
        budget_text = decimal_text(budget, entity="option", id="", field="budget", float_hint=AMOUNT_HINT)
        if budget_text is None:
            raise ModelError(f"option, field 'budget': must be an amount (got {budget!r})", entity="option",
                             field="budget")
    limit = 0.0 if time_limit is None else _seconds(time_limit)
    core = _core.rank_packages(model._core, budget=budget_text, time_limit=limit, rounding=rounding)
    return PackagesResult(core)

