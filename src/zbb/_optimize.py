"""Optimisation: least-cost plans and the best plan inside a financial frame (``zbb optimize``).

The outcome of a solve is data, as in HiGHS: :class:`OptimizationResult` carries
a ``status`` (``"optimal"``, ``"infeasible"`` with an explanation,
``"unbounded"``, ``"time_limit"``, ``"error"``); only misuse (an unknown
rounding mode, max-effect without a budget, a cap for an unknown partner)
raises :class:`zbb.ModelError`. :meth:`OptimizationResult.raise_for_status`
turns a missing plan into :class:`zbb.InfeasibleError` for code that wants an
exception.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import cached_property
from html import escape
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import _core
from ._budget import Budget
from ._errors import InfeasibleError, ModelError
from ._exact import AMOUNT_HINT, decimal_text, time_limit_seconds
from ._result import SolverResult

if TYPE_CHECKING:
    from ._model import Model

__all__ = ["OBJECTIVES", "OptimizationResult", "optimize"]

#: The objectives of :func:`optimize` (also accepted with ``_`` instead of ``-``).
OBJECTIVES: tuple[str, ...] = ("least-cost", "max-effect")

_LIMIT_COLUMNS = ["entity", "id", "field", "bound", "used", "shadow_price"]


class OptimizationResult(SolverResult[_core.OptimizeResult]):
    """The outcome of :meth:`zbb.Model.least_cost` or :meth:`zbb.Model.max_effect`.

    The status is data: check :attr:`status` (or call :meth:`raise_for_status`)
    before using the plan. When the status is ``"optimal"``, :attr:`budget` is
    the full bottom-up budget of the plan, computed by the same core as
    :meth:`zbb.Model.budget` (exact money; every breakdown sums to the total),
    and ``budget.by_goal`` is the part of the total each goal carries. The
    plan-related attributes (:attr:`budget`, :attr:`total`, :attr:`volumes`,
    :attr:`marginal_cost`, :attr:`attainment`, :attr:`goals`) are None for any
    other status.

    ``status``, ``message``, ``optimal`` (a plan was found), ``raise_for_status()``,
    ``model`` (the model solved), ``report_json()`` and ``report_text()`` (the CLI's
    ``zbb optimize``) are those of every solver result (``zbb._result.SolverResult``); for an
    infeasible question ``message`` is the explanation's summary.

    See ``docs/optimize.md`` for the linear programme, the meaning of the
    marginal costs and how costs are attributed to goals.
    """

    _core_class = _core.OptimizeResult
    _made_by = "Model.least_cost() or Model.max_effect()"
    _command = "zbb optimize"

    # ------------------------------------------------------------------ status
    @property
    def objective(self) -> str:
        """``"least-cost"`` or ``"max-effect"``."""
        return self._core.objective

    @property
    def explanation(self) -> str | None:
        """Why there is no plan, in plain language, one point a line (infeasible only, else None).

        It names every goal that cannot be reached (its best reachable value and
        the shortfall) and the bounds, capacities and caps that hold it back.
        """
        ex = self._core.explanation()
        if ex is None:
            return None
        return "\n".join(ex["lines"]) if ex["lines"] else str(ex["summary"])

    @property
    def unreachable(self) -> pd.DataFrame:
        """The goals that cannot be reached (infeasible only; empty otherwise).

        Indexed by goal id with ``baseline``, ``target``, ``best`` (the indicator
        value of the plan that comes closest), ``shortfall`` and
        ``held_back_by`` (descriptions of the related limits).
        """
        ex = self._core.explanation()
        if ex is None:
            return pd.DataFrame(columns=["goal", "baseline", "target", "best", "shortfall", "held_back_by"]).set_index(
                "goal"
            )
        g = ex["goals"]
        return pd.DataFrame(
            {
                "goal": g["goal"],
                "baseline": g["baseline"],
                "target": g["target"],
                "best": g["best"],
                "shortfall": g["shortfall"],
                "held_back_by": g["held_back_by"],
            }
        ).set_index("goal")

    def _status_error(self) -> InfeasibleError:
        """What :meth:`raise_for_status` raises without a plan.

        The error's message is :attr:`explanation` (or :attr:`message` for the
        statuses ``time_limit``, ``unbounded`` and ``error``); ``.status`` and
        ``.explanation`` are attached to it. For an unreachable goal,
        ``.entity``, ``.id`` and ``.field`` are ``"goal"``, its id and
        ``"target"``.
        """
        unreachable = self.unreachable
        where: dict[str, str] = {"entity": "model", "id": "", "field": ""}
        if len(unreachable):
            where = {"entity": "goal", "id": str(unreachable.index[0]), "field": "target"}
        text = self.explanation or self.message
        return InfeasibleError(
            f"{self.objective} {self.status}: {text}", **where, status=self.status, explanation=self.explanation
        )

    # ------------------------------------------------------------------ the plan
    @cached_property
    def budget(self) -> Budget | None:
        """The budget of the optimal plan (a :class:`zbb.Budget`), or None."""
        core = self._core.budget()
        return None if core is None else Budget(core, self.model)

    @property
    def total(self) -> Decimal | None:
        """The plan's total cost, exact (``budget.total``), or None."""
        return None if self.budget is None else self.budget.total

    @property
    def objective_value(self) -> float | None:
        """The plan's cost before rounding to the cent, in currency units (float), or None.

        This is cᵀx of the plan (support included), what the linear programme
        minimises; :attr:`total` is the same amount rounded to the minor unit.
        """
        if self.budget is None:
            return None
        return float(self.budget._core.total_value) / 10.0**self.budget.minor_digits

    @cached_property
    def volumes(self) -> pd.Series | None:
        """Total volume per activity of the optimal plan (float, indexed by activity id), or None."""
        if self.budget is None:
            return None
        index = pd.Index(self.budget.model.activity_ids, name="activity", dtype=object)
        return pd.Series(np.array(self.budget.volumes), index=index, name="volume")

    def _per_goal(self, values: np.ndarray, name: str) -> pd.Series | None:
        if not self.optimal:
            return None
        index = pd.Index(self._core.goal_ids(), name="goal", dtype=object)
        return pd.Series(np.asarray(values, dtype=np.float64), index=index, name=name)

    @cached_property
    def marginal_cost(self) -> pd.Series | None:
        """Per goal (float, currency units): the cost of one more unit of progress on its indicator.

        The dual price of the goal's target row: what one unit further in the
        target's direction would add to the total cost (for max-effect: in the
        cheapest plan with the optimal attainment). None without a plan.
        """
        return self._per_goal(self._core.marginal_cost(), "marginal_cost")

    @cached_property
    def attainment(self) -> pd.Series | None:
        """Per goal (float in [0, 1]): progress from baseline toward target, counted up to the target."""
        return self._per_goal(self._core.attainment(), "attainment")

    @property
    def weighted_attainment(self) -> float:
        """Sum over goals of weight x attainment (0 without a plan)."""
        return self._core.weighted_attainment

    @property
    def marginal_effect_per_currency_unit(self) -> float | None:
        """Max-effect: weighted attainment gained per unit more budget (per unit of the model's currency).

        The dual price of the budget row; 0 when the budget does not bind.
        None for least-cost and without a plan.
        """
        if self.objective != "max-effect" or not self.optimal:
            return None
        return self._core.marginal_effect_per_currency_unit

    @property
    def marginal_effect_per_euro(self) -> float | None:
        """Deprecated alias of :attr:`marginal_effect_per_currency_unit` (goes in the next minor release)."""
        import warnings

        warnings.warn(
            "OptimizationResult.marginal_effect_per_euro is deprecated; use marginal_effect_per_currency_unit",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.marginal_effect_per_currency_unit

    @cached_property
    def binding(self) -> pd.DataFrame:
        """The bounds, capacities and caps that hold the plan back, largest shadow price first.

        Columns ``entity`` (``"activity"``, ``"resource"``, ``"frame"``,
        ``"frame.partner_caps"``, ``"frame.area_caps"``), ``id``, ``field`` (``"max"``, ``"min"``,
        ``"available"``, ``"budget"``, ``"cap"``), ``bound``, ``used`` and
        ``shadow_price`` (the improvement per unit more of the limit: currency
        units saved for least-cost, weighted attainment gained for max-effect).
        Empty without a plan.
        """
        b = self._core.binding()
        return pd.DataFrame(
            {
                "entity": b["entity"],
                "id": b["id"],
                "field": b["field"],
                "bound": b["bound"],
                "used": b["used"],
                "shadow_price": b["shadow_price"],
            },
            columns=_LIMIT_COLUMNS,
        )

    @cached_property
    def goals(self) -> pd.DataFrame | None:
        """Per goal: baseline, target, projected, attainment, shortfall, marginal_cost and the ``cost`` it carries.

        ``shortfall`` is in indicator units (0 when the target is reached); ``cost`` is Decimal.

        None without a plan.
        """
        if self.budget is None or self.marginal_cost is None or self.attainment is None:
            return None
        goals = self.budget.goals
        return pd.DataFrame(
            {
                "baseline": goals["baseline"],
                "target": goals["target"],
                "projected": goals["projected"],
                "attainment": self.attainment,
                "shortfall": pd.Series(self._core.shortfall(), index=goals.index, name="shortfall"),
                "marginal_cost": self.marginal_cost,
                "cost": self.budget.by_goal["amount"],
            },
            index=goals.index,
        )

    # ------------------------------------------------------------------ Python protocol
    def __repr__(self) -> str:
        if self.budget is not None:
            return f"<zbb.OptimizationResult {self.objective} optimal: {self.budget.currency} {self.budget.total}>"
        return f"<zbb.OptimizationResult {self.objective} {self.status}: {self.message}>"

    def _repr_html_(self) -> str:
        head = f"<b>zbb.OptimizationResult</b> ({escape(self.objective)}): status <b>{escape(self.status)}</b>"
        if self.budget is None or self.goals is None:
            lines = (self.explanation or self.message).splitlines()
            return f"<div>{head}<ul>" + "".join(f"<li>{escape(x)}</li>" for x in lines) + "</ul></div>"
        goals = self.goals.assign(
            attainment=(self.goals["attainment"] * 100).map("{:.1f}%".format),
            marginal_cost=self.goals["marginal_cost"].map("{:,.2f}".format),
            cost=self.goals["cost"].map("{:,}".format),
        )
        extra = ""
        if self.marginal_effect_per_currency_unit is not None:
            extra = (
                f"<br>Weighted attainment: {self.weighted_attainment:.4f}; one {escape(self.budget.currency)} "
                f"more adds {self.marginal_effect_per_currency_unit:.3g}"
            )
        binding = ""
        if len(self.binding):
            binding = "<p>Binding limits</p>" + str(self.binding.to_html(index=False))
        return (
            f"<div>{head}<br>Total: <b>{escape(self.budget.currency)} {self.budget.total:,}</b>{extra}"
            + str(goals.to_html())
            + binding
            + "</div>"
        )


def optimize(
    model: Model,
    objective: str = "least-cost",
    *,
    budget: Decimal | str | int | None = None,
    partner_caps: Mapping[str, Decimal | str | int] | None = None,
    area_caps: Mapping[str, Decimal | str | int] | None = None,
    rounding: str = "half-even",
    time_limit: float | None = None,
) -> OptimizationResult:
    """Solve one optimisation on ``model``; see :meth:`zbb.Model.least_cost` and :meth:`zbb.Model.max_effect`.

    Parameters
    ----------
    model : Model
    objective : {"least-cost", "max-effect"}
    budget : Decimal, str or int, optional
        Max-effect: the budget cap (exact; a float is refused). Default: the
        model's ``frame.budget``.
    partner_caps : mapping of partner id to Decimal, str or int, optional
        Max-effect: caps per partner; replace the model's ``frame.partner_caps``.
    area_caps : mapping of area id to Decimal, str or int, optional
        Max-effect: caps per area (its sub-areas included); replace the model's
        ``frame.area_caps`` (docs/areas.md).
    rounding : str, default "half-even"
        Rounding of the plan's budget total (see :data:`zbb.ROUNDING_MODES`).
    time_limit : float, optional
        Seconds per linear programme; reaching it gives status ``"time_limit"``.

    Returns
    -------
    OptimizationResult
    """
    if objective.replace("_", "-") == "least-cost" and (
        budget is not None or partner_caps is not None or area_caps is not None
    ):
        raise ModelError(
            "option, field 'budget': least-cost takes no budget, partner caps or area caps; use max-effect",
            entity="option",
            field="budget",
        )
    budget_text = (
        None if budget is None else decimal_text(budget, entity="option", id="", field="budget", float_hint=AMOUNT_HINT)
    )
    limit = time_limit_seconds(time_limit)
    core = _core.optimize(
        model._core,
        objective,
        rounding=rounding,
        time_limit=limit,
        budget=budget_text,
        partner_caps=_caps_option(partner_caps, "partner_caps", "partner"),
        area_caps=_caps_option(area_caps, "area_caps", "area"),
    )
    return OptimizationResult(core, model)


def _caps_option(caps: Mapping[str, Decimal | str | int] | None, field: str, what: str) -> list[tuple[str, str]] | None:
    """Caps given as an option (``{id: amount}``) as the core's (id, exact text) pairs."""
    if caps is None:
        return None
    if not isinstance(caps, Mapping):
        raise ModelError(
            f"option, field '{field}': must be a mapping of {what} id to amount", entity="option", field=field
        )
    out = []
    for ident, cap in caps.items():
        text = decimal_text(cap, entity="option", id=str(ident), field=field, float_hint=AMOUNT_HINT)
        if text is None:
            raise ModelError(
                f"option '{ident}', field '{field}': missing amount", entity="option", id=str(ident), field=field
            )
        out.append((str(ident), text))
    return out
