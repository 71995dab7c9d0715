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
from ._errors import ModelError
from ._exact import AMOUNT_HINT, decimal_text, minor_to_decimal, time_limit_seconds
from ._result import SolverResult

if TYPE_CHECKING:
    from ._model import Model

__all__ = ["PackagesResult", "rank_packages"]


class PackagesResult(SolverResult[_core.PackagesResult]):
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

    ``status`` (how the optimal selection ended: ``"optimal"``, ``"time_limit"`` or
    ``"error"``), ``message`` (e.g. ``"ranked 4 packages; optimal selection found"``),
    ``optimal``, ``raise_for_status()`` (an :class:`zbb.InfeasibleError` with message
    ``"packages <status>: <message>"``), ``model`` (the model ranked), ``report_json()``
    (``"format": "zbb-packages/1"``) and ``report_text()`` (the CLI's ``zbb packages``, the
    ranked table with the cut-off line) are those of every solver result
    (``zbb._result.SolverResult``).
    """

    _core_class = _core.PackagesResult
    _made_by = "Model.packages()"
    _command = "zbb packages"

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
        it adds, uncapped), ``effect_per_currency_unit`` (weighted effect per
        unit of the currency; ±inf for a package that costs nothing;
        ``effect_per_euro`` is the same column under its deprecated name, kept for
        one release), ``funded`` (above
        the cut-off line) and ``in_optimal`` (in the optimal selection). The
        effects per goal are in :attr:`effects`.
        """
        p = self._core.packages()
        index = pd.Index(list(p["id"]), name="id", dtype=object)
        return pd.DataFrame(
            {
                "rank": np.arange(1, len(index) + 1, dtype=np.int64),
                "unit": pd.Series(list(p["unit"]), index=index, dtype=object),
                "level": np.asarray(p["level"], dtype=np.int64),
                "name": pd.Series(list(p["name"]), index=index, dtype=object),
                "priority": np.asarray(p["priority"], dtype=np.float64),
                "cost": pd.Series([self._money(m) for m in p["cost_minor"]], index=index, dtype=object),
                "cumulative": pd.Series([self._money(m) for m in p["cumulative_minor"]], index=index, dtype=object),
                "weighted_effect": np.asarray(p["weighted_effect"], dtype=np.float64),
                "effect_per_currency_unit": np.asarray(p["effect_per_currency_unit"], dtype=np.float64),
                "effect_per_euro": np.asarray(p["effect_per_currency_unit"], dtype=np.float64),  # deprecated
                "funded": np.asarray(p["funded"], dtype=bool),
                "in_optimal": np.asarray(p["in_optimal"], dtype=bool),
            },
            index=index,
        )

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
        return [str(i) for i in self.ranked.index[: self.cutoff]]

    @property
    def unfunded(self) -> list[str]:
        """Ids of the packages below the line, in rank order."""
        return [str(i) for i in self.ranked.index[self.cutoff :]]

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

    # ------------------------------------------------------------------ reports (report_json, report_text: Result)
    def to_json(self, *, indent: int = 2) -> str:
        """Deprecated alias of :meth:`report_json` (the name every other result uses); kept for one
        release (ChangeLog.md)."""
        import warnings

        warnings.warn("PackagesResult.to_json is deprecated; use report_json", DeprecationWarning, stacklevel=2)
        return self.report_json(indent=indent)

    # ------------------------------------------------------------------ Python protocol
    def __repr__(self) -> str:
        return (
            f"<zbb.PackagesResult {len(self.ranked)} packages, {self.cutoff} funded within "
            f"{self.currency} {self.budget}; optimal selection {self.status}>"
        )

    def _repr_html_(self) -> str:
        cur = escape(self.currency)
        head = (
            f"<b>zbb.PackagesResult</b>: budget <b>{cur} {self.budget:,}</b>, ranked by "
            f"{escape(self.ranked_by)}; {self.cutoff} of {len(self.ranked)} packages funded "
            f"({cur} {self.funded_cost:,})"
        )
        header = [
            "rank",
            "package",
            "name",
            f"cost {cur}",
            f"cumulative {cur}",
            "weighted effect",
            f"per 1,000 {cur}",
            "optimal",
        ]
        rows = ["<tr>" + "".join(f"<th>{h}</th>" for h in header) + "</tr>"]
        line = (
            f'<tr><td colspan="{len(header)}" style="text-align:center;border-top:2px solid">'
            f"cut-off: budget {cur} {self.budget:,}</td></tr>"
        )
        for i, (ident, p) in enumerate(self.ranked.iterrows()):
            if i == self.cutoff:
                rows.append(line)
            ratio = p["effect_per_currency_unit"]
            cells = [
                str(p["rank"]),
                escape(str(ident)),
                escape(str(p["name"])),
                f"{p['cost']:,}",
                f"{p['cumulative']:,}",
                f"{p['weighted_effect']:.4f}",
                f"{1000 * ratio:.4f}" if np.isfinite(ratio) else "-",
                "✓" if p["in_optimal"] else "",
            ]
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        if self.cutoff == len(self.ranked):
            rows.append(line)
        selection = ", ".join(escape(i) for i in self.optimal_selection) or "none"
        tail = (
            f"Weighted attainment of the funded packages: {self.funded_attainment:.4f}"
            f"<br>Optimal selection ({escape(self.status)}): {selection}; {cur} {self.optimal_cost:,}, "
            f"weighted attainment {self.optimal_attainment:.4f}"
            f"<br>Left on the table by the ranking: {self.left_on_the_table:.4f}"
        )
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
            raise ModelError(
                f"option, field 'budget': must be an amount (got {budget!r})", entity="option", field="budget"
            )
    limit = time_limit_seconds(time_limit)
    core = _core.rank_packages(model._core, budget=budget_text, time_limit=limit, rounding=rounding)
    return PackagesResult(core, model)
