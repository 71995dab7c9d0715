"""Monte Carlo over a model's ranges (``zbb simulate``), through the core.

:func:`simulate` (also ``Model.simulate``) draws every uncertain coefficient (effects,
consumption and support rows with ``low`` and ``high``, resources with ``price_low`` and
``price_high``) from its range, the same draws for the base model and every variant (common random
numbers), and returns a :class:`Simulation`: per goal the probability of reaching the target and
the distribution of the projected indicator, the distribution of the total cost, per variant.
Draws can be spread over any ``concurrent.futures.Executor`` (threads, processes, Dask
distributed): every draw has its own counter-based random stream, so the result is bit-identical
however the draws are split. :func:`robust_least_cost` finds a least-cost plan that reaches every
target with a chosen probability and checks it on fresh draws (docs/simulate.md).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from concurrent.futures import Executor, Future, as_completed
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _core
from ._errors import InfeasibleError, ModelError
from ._exact import minor_to_decimal
from ._progress import progress_bar
from ._variant_file import Variant, _as_variant

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ._model import Model
    from ._optimize import OptimizationResult

__all__ = ["RobustPlan", "Simulation", "robust_least_cost", "simulate"]

#: The distributions of a range.
DISTRIBUTIONS: tuple[str, ...] = ("triangular", "pert")


def _whole(value: Any, field: str, low: int, high: int) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or not low <= int(value) <= high:
        raise ModelError(
            f"option, field '{field}': must be a whole number from {low} to {high}, not {value!r}",
            entity="option",
            field=field,
        )
    return int(value)


class Simulation:
    """The result of :func:`simulate`: one entry per model, the base (``"base"``) first.

    Attributes
    ----------
    model : Model
        The base model.
    variants : list of Variant
        The variants simulated beside it, in order.
    draws, seed : int
    distribution : str
        ``"triangular"`` or ``"pert"``.
    """

    def __init__(
        self, model: Model, variants: list[Variant], core: _core.Simulation, *, rounding: str = "half-even"
    ) -> None:
        self.model = model
        self.variants = variants
        self._core = core
        self._rounding = rounding

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _assembled,
            (
                self.model,
                self.variants,
                list(self._core.column_states()),
                self.draws,
                self.seed,
                self.distribution,
                self._rounding,
            ),
        )

    @property
    def draws(self) -> int:
        return int(self._core.draws)

    @property
    def seed(self) -> int:
        return int(self._core.seed)

    @property
    def distribution(self) -> str:
        return str(self._core.distribution)

    @property
    def names(self) -> list[str]:
        """The simulated models: ``"base"``, then each variant's name."""
        return list(self._core.names)

    def report_json(self, *, indent: int = 2) -> str:
        """The JSON report, identical to ``zbb simulate MODEL [VARIANT...] --json`` for the same seed."""
        return str(self._core.report("json", indent))

    def report_text(self) -> str:
        """The text report of ``zbb simulate``."""
        return str(self._core.report("text", 2))

    @property
    def goals(self) -> pd.DataFrame:
        """Per variant and goal: ``baseline``, ``target``, ``p_reach`` and the projected indicator's
        ``mean``, ``p5``, ``p50`` and ``p95`` (nearest rank), indexed by (variant, goal)."""
        return pd.DataFrame(self._core.goals()).set_index(["variant", "goal"])

    @property
    def p_reach(self) -> pd.DataFrame:
        """The probability of reaching each target: goals as rows, variants as columns."""
        return self.goals["p_reach"].unstack("variant")[self.names]

    @property
    def totals(self) -> pd.DataFrame:
        """Per variant the total cost's ``mean``, ``p5``, ``p50`` and ``p95``, exact (Decimal)."""
        t = self._core.totals()
        digits = self._core.minor_digits
        return pd.DataFrame(
            {k: [minor_to_decimal(v, digits) for v in t[k]] for k in ("mean", "p5", "p50", "p95")},
            index=pd.Index(t["variant"], name="variant", dtype=object),
        )

    def samples(self, variant: str = "base") -> pd.DataFrame:
        """Every draw of one model: ``total`` (Decimal), ``total_minor`` (int64) and one column of
        the projected indicator per goal, indexed by draw."""
        s = self._core.samples(variant)
        digits = self._core.minor_digits
        totals = np.asarray(s["totals"])
        frame = pd.DataFrame(np.asarray(s["projected"]), columns=pd.Index(s["goals"], name="goal", dtype=object))
        frame.insert(0, "total_minor", totals)
        frame.insert(0, "total", [minor_to_decimal(int(v), digits) for v in totals])
        frame.index.name = "draw"
        return frame

    def tornado(self, metric: str = "cost", *, variant: str = "base", top: int | None = None) -> pd.DataFrame:
        """The coefficients that move the total cost (``metric="cost"``) or one goal's attainment
        (``metric=GOAL_ID``) most: each coefficient at its low and at its high with every other at
        its likely value, sorted by the size of the swing.

        Columns ``table``, ``id``, ``field``, ``low``, ``likely``, ``high``, then for the cost
        ``at_low``, ``at_high`` (Decimal) and ``swing`` (Decimal, ``|at_high - at_low|``), for a
        goal ``projected_at_low``, ``projected_at_high``, ``at_low``, ``at_high`` (attainment,
        0..1) and ``swing``.
        """
        if variant not in self.names:
            raise ModelError(
                f"variant '{variant}', field 'name': no simulated model has this name",
                entity="variant",
                id=variant,
                field="name",
            )
        given = None if variant == "base" else next(v for v in self.variants if v.name == variant)
        t = _core.tornado(
            self.model._core,
            None if given is None else given._core,
            distribution=self.distribution,
            rounding=self._rounding,
        )
        frame = pd.DataFrame({k: t[k] for k in ("table", "id", "field", "low", "likely", "high")})
        digits = self._core.minor_digits
        if metric == "cost":
            low = [minor_to_decimal(v, digits) for v in t["total_at_low"]]
            high = [minor_to_decimal(v, digits) for v in t["total_at_high"]]
            frame["at_low"] = low
            frame["at_high"] = high
            frame["swing"] = [abs(h - lo) for lo, h in zip(low, high)]
            order = sorted(range(len(frame)), key=lambda i: (-abs(t["total_at_high"][i] - t["total_at_low"][i]), i))
        else:
            goals = list(t["goals"])
            if metric not in goals:
                raise ModelError(
                    f"goal '{metric}', field 'metric': not a goal of the model; use \"cost\" or a goal id",
                    entity="goal",
                    id=metric,
                    field="metric",
                )
            g = goals.index(metric)
            frame["projected_at_low"] = [row[g] for row in t["projected_at_low"]]
            frame["projected_at_high"] = [row[g] for row in t["projected_at_high"]]
            frame["at_low"] = [row[g] for row in t["attainment_at_low"]]
            frame["at_high"] = [row[g] for row in t["attainment_at_high"]]
            frame["swing"] = (frame["at_high"] - frame["at_low"]).abs()
            spread = (frame["projected_at_high"] - frame["projected_at_low"]).abs()
            order = sorted(range(len(frame)), key=lambda i: (-frame["swing"][i], -spread[i], i))
        frame = frame.iloc[order].reset_index(drop=True)
        return frame if top is None else frame.head(top)

    def plot_p_reach(self, ax: Axes | None = None) -> Axes:
        """A grouped bar chart of the probability of reaching each target, one bar per variant."""
        from ._plot import _axes

        ax = _axes(ax, (8, 4.5))
        table = self.p_reach
        n = len(table.columns)
        width = 0.8 / max(n, 1)
        x = np.arange(len(table.index))
        for k, name in enumerate(table.columns):
            ax.bar(x + (k - (n - 1) / 2) * width, table[name].to_numpy(), width, label=str(name))
        ax.set_xticks(x, [str(g) for g in table.index], rotation=20, ha="right")
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("probability of reaching the target")
        ax.set_title(f"{self.draws} draws, seed {self.seed}")
        ax.legend()
        return ax

    def plot_tornado(
        self, metric: str = "cost", *, variant: str = "base", top: int = 10, ax: Axes | None = None
    ) -> Axes:
        """The tornado chart of :meth:`tornado`: per coefficient a bar from its value at low to its
        value at high, around the likely plan's value, largest swing on top."""
        from ._plot import _axes

        ax = _axes(ax, (8, 4.5))
        t = self.tornado(metric, variant=variant, top=top).iloc[::-1]
        low = np.array([float(v) for v in t["at_low"]])
        high = np.array([float(v) for v in t["at_high"]])
        labels = [f"{row.table} {row.id}" for row in t.itertuples()]
        y = np.arange(len(t))
        ax.barh(y, high - low, left=low, color=np.where(high >= low, "tab:red", "tab:blue"))
        ax.set_yticks(y, labels)
        if metric == "cost":
            ax.set_xlabel(f"total cost ({self._core.currency}) with the coefficient at low .. high")
        else:
            ax.set_xlabel(f"attainment of {metric} with the coefficient at low .. high")
        ax.set_title(f"What moves {'the cost' if metric == 'cost' else metric} most ({variant})")
        return ax

    def __repr__(self) -> str:
        return f"<zbb.Simulation {self.draws} draws, seed {self.seed}, {', '.join(self.names)}>"


def _assembled(
    model: Model,
    variants: list[Variant],
    states: list[bytes],
    draws: int,
    seed: int,
    distribution: str,
    rounding: str,
) -> Simulation:
    core = _core.assemble_simulation(states, draws=draws, seed=seed, distribution=distribution, rounding=rounding)
    return Simulation(model, variants, core, rounding=rounding)


def _chunk(
    model: Model,
    variants: list[Variant],
    seed: int,
    first: int,
    count: int,
    distribution: str,
    rounding: str,
) -> list[bytes]:
    """One task of :func:`simulate` on an executor: draws first..first+count-1 of the base and every
    variant, each as the bytes of ``zbb/simulate_state.hpp``. Module level, so that it pickles."""
    cores = [None, *[v._core for v in variants]]
    return list(
        _core.simulation_chunk_states(
            model._core,
            cores,
            seed=seed,
            first=first,
            count=count,
            distribution=distribution,
            rounding=rounding,
            threads=1,
        )
    )


def simulate(
    model: Model,
    *,
    draws: int = 1000,
    seed: int = 0,
    variants: Iterable[Variant | str | os.PathLike[str]] = (),
    executor: Executor | None = None,
    distribution: str = "triangular",
    rounding: str = "half-even",
    chunksize: int | None = None,
    threads: int = 0,
    progress: bool | None = None,
) -> Simulation:
    """Monte Carlo over the model's ranges, as ``zbb simulate`` computes it.

    Parameters
    ----------
    model : Model
        The base model (``"base"``); it should carry ranges (docs/model-format.md, "Ranges").
    draws : int, default 1000
        Number of draws, 1 to 100,000,000.
    seed : int, default 0
        Key of the random streams, 0 to 2**63 - 1. The same seed gives the same result, bit for
        bit, whatever the executor, chunk size or thread count.
    variants : iterable of Variant or path
        Variants simulated with the same draws (common random numbers), each under its own plan.
    executor : concurrent.futures.Executor, optional
        Where the draws are simulated, in chunks of ``chunksize`` draws per task: a
        ``ThreadPoolExecutor``, a ``ProcessPoolExecutor`` or Dask's
        ``distributed.Client(...).get_executor()``; the chunks come back as exact bytes and are
        assembled here. Not shut down. Default: everything in this process, on ``threads``
        threads, without the GIL.
    distribution : {"triangular", "pert"}, default "triangular"
        The shape of every range (docs/simulate.md).
    rounding : str, default "half-even"
        Rounding of each draw's total and of the mean cost.
    chunksize : int, optional
        Draws per task on an executor; default ``ceil(draws / 16)`` and at least 1000.
    threads : int, default 0
        Threads in this process without an executor (0: one per core).
    progress : bool, optional
        A tqdm progress bar; default shown for 100,000 draws or more when standard error is a
        terminal and tqdm is installed.

    Returns
    -------
    Simulation

    Raises
    ------
    ModelError
        A bad option, variant or range; an error in a draw names the draw ("draw 17: ...").
    """
    if not isinstance(getattr(model, "_core", None), _core.Model):
        raise TypeError("model must be a zbb.Model")
    draws = _whole(draws, "draws", 1, 100_000_000)
    seed = _whole(seed, "seed", 0, 2**63 - 1)
    threads = _whole(threads, "threads", 0, 256)
    if distribution not in DISTRIBUTIONS:
        raise ModelError(
            f"option, field 'distribution': unknown distribution \"{distribution}\"; use triangular or pert",
            entity="option",
            field="distribution",
        )
    given = [_as_variant(v) for v in variants]
    _core.check_variant_names([v._core for v in given])
    size = draws * (1 + len(given))
    tqdm = progress_bar(progress, size // 1000)
    if executor is None:

        def run(step: Any = None) -> _core.Simulation:
            return _core.simulate(
                model._core,
                [v._core for v in given],
                draws=draws,
                seed=seed,
                distribution=distribution,
                rounding=rounding,
                threads=threads,
                progress=step,
            )

        if tqdm is None:
            core = run()
        else:
            with tqdm(total=size, desc="zbb simulate", unit="draw") as bar:
                core = run(lambda done, total: bar.update(done - bar.n))
        return Simulation(model, given, core, rounding=rounding)
    if chunksize is None:
        chunksize = max(1000, math.ceil(draws / 16))
    chunksize = _whole(chunksize, "chunksize", 1, 100_000_000)
    starts = list(range(0, draws, chunksize))
    futures: list[Future[list[bytes]]] = [
        executor.submit(_chunk, model, given, seed, s, min(chunksize, draws - s), distribution, rounding)
        for s in starts
    ]
    if tqdm is not None:
        sizes = {id(f): min(chunksize, draws - s) * (1 + len(given)) for f, s in zip(futures, starts)}
        with tqdm(total=size, desc="zbb simulate", unit="draw") as bar:
            for done in as_completed(futures):
                bar.update(sizes[id(done)])
    states: list[bytes] = []
    for s, future in zip(starts, futures):
        try:
            states += future.result()
        except Exception as err:
            for f in futures:
                f.cancel()
            if hasattr(err, "add_note"):
                err.add_note(f"in zbb.simulate, the task simulating draws {s}..{min(s + chunksize, draws) - 1}")
            raise
    core = _core.assemble_simulation(states, draws=draws, seed=seed, distribution=distribution, rounding=rounding)
    return Simulation(model, given, core, rounding=rounding)


# ---------------------------------------------------------------------------------------------- robust


class RobustPlan:
    """A least-cost plan that reaches every target with at least ``probability`` (:func:`robust_least_cost`).

    Attributes
    ----------
    probability : float
        The probability asked for.
    plan : DataFrame
        The plan (``goal``, ``activity``, ``volume``), the direct volumes per goal.
    model : Model
        The original model with this plan (its targets unchanged).
    result : OptimizationResult
        The least-cost solve that made the plan (on the model with the tightened targets).
    targets : Series
        The tightened target per goal the plan was solved for.
    calibration : Simulation
        The draws the targets were tightened on (``seed``).
    check : Simulation
        Fresh draws of the plan (``check_seed``): the probabilities to trust.
    rounds : int
        Least-cost solves made.
    """

    probability: float
    plan: pd.DataFrame
    model: Model
    result: OptimizationResult
    targets: pd.Series
    calibration: Simulation
    check: Simulation
    rounds: int

    def __init__(self, **kw: Any) -> None:
        self.__dict__.update(kw)

    @property
    def total(self) -> Decimal:
        """The plan's budget total (likely values), exact."""
        return self.model.budget().total

    @property
    def p_reach(self) -> pd.Series:
        """The probability of reaching each target on the fresh draws of :attr:`check`."""
        return self.check.p_reach["base"]

    @property
    def reached(self) -> bool:
        """True when every goal reaches its target with at least :attr:`probability` on the fresh draws."""
        return bool((self.p_reach >= self.probability).all())

    def __repr__(self) -> str:
        return (
            f"<zbb.RobustPlan probability {self.probability}: total {self.total}, "
            f"{'reached' if self.reached else 'NOT reached'} on {self.check.draws} fresh draws>"
        )


def _plan_rows(result: OptimizationResult) -> pd.DataFrame:
    budget = result.budget
    assert budget is not None
    d = budget.plan_matrix().tocoo()
    acts, goals = budget.model.activity_ids, budget.model.goal_ids
    rows = [(goals[g], acts[a], float(v)) for a, g, v in zip(d.row, d.col, d.data) if v != 0]
    rows.sort(key=lambda r: (goals.index(r[0]), acts.index(r[1])))
    plan = pd.DataFrame(rows, columns=["goal", "activity", "volume"])
    if budget.model.has_areas:  # the pairs keep the areas of the model's plan rows
        own = budget.model.table("plan")
        area = {(g, a): x for g, a, x in zip(own["goal"], own["activity"], own["area"], strict=True)}
        plan["area"] = [area.get((g, a), "") for g, a in zip(plan["goal"], plan["activity"], strict=True)]
    return plan


def robust_least_cost(
    model: Model,
    probability: float = 0.9,
    *,
    draws: int = 2000,
    seed: int = 0,
    check_draws: int = 10000,
    check_seed: int | None = None,
    distribution: str = "triangular",
    rounding: str = "half-even",
    max_rounds: int = 12,
) -> RobustPlan:
    """The least-cost plan that reaches every target with at least ``probability``, by sample-based
    target tightening, checked on fresh draws (docs/simulate.md, "A robust plan").

    Round by round: solve the least-cost plan for the current targets (at first the model's);
    simulate that plan under the model's own targets on ``draws`` draws (``seed``); for every goal
    whose share of draws reaching the target is below the aim (``probability`` plus two standard
    errors of ``draws`` draws), move its target (in the goal's direction) by how far the
    ``1 - aim`` quantile of its projection falls short. Stop when every goal reaches the aim on
    these draws. The plan is then simulated on
    ``check_draws`` fresh draws (``check_seed``, default ``seed + 1``): :attr:`RobustPlan.p_reach`.

    Raises
    ------
    InfeasibleError
        When the tightened targets cannot be reached within the model's bounds and capacities
        (the chosen probability is out of reach), or the rounds run out.
    """
    if not (isinstance(probability, (int, float)) and 0 < float(probability) < 1):
        raise ModelError(
            f"option, field 'probability': must be between 0 and 1 (exclusive), not {probability!r}",
            entity="option",
            field="probability",
        )
    check_seed = seed + 1 if check_seed is None else check_seed
    goals = model.goal_ids
    original = model.to_dict()["goals"]
    baseline = {g["id"]: float(g["baseline"]) for g in original}
    target = {g["id"]: float(g["target"]) for g in original}
    shifted = dict(target)
    # Aim above the probability by two standard errors of the calibration draws, so that the plan
    # also reaches it on fresh draws (the check), not only on the draws it was tuned on.
    aim = min(1.0 - 0.5 / draws, float(probability) + 2 * math.sqrt(probability * (1 - probability) / draws))
    tail = 1.0 - aim
    current = model
    for rounds in range(1, max_rounds + 1):
        result = current.least_cost(rounding=rounding)
        if not result.optimal:
            raise InfeasibleError(
                f"goal, field 'target': no plan reaches every target with probability {probability}: "
                f"the tightened targets cannot be met ({result.message})",
                entity="goal",
                field="target",
            )
        plan = _plan_rows(result)
        planned = model.with_plan(plan)
        calibration = simulate(planned, draws=draws, seed=seed, distribution=distribution, rounding=rounding)
        p = calibration.p_reach["base"]
        samples = calibration.samples("base")
        short = [g for g in goals if p[g] < aim]
        if not short:
            check = simulate(planned, draws=check_draws, seed=check_seed, distribution=distribution, rounding=rounding)
            return RobustPlan(
                probability=float(probability),
                plan=plan,
                model=planned,
                result=result,
                targets=pd.Series(shifted, name="target").rename_axis("goal"),
                calibration=calibration,
                check=check,
                rounds=rounds,
            )
        for g in short:
            rising = target[g] >= baseline[g]
            values = np.sort(samples[g].to_numpy())
            n = len(values)
            # nearest rank of the tail quantile from the side that misses the target
            k = max(1, math.ceil(tail * n)) - 1
            q = values[k] if rising else values[n - 1 - k]
            gap = (target[g] - q) if rising else (q - target[g])
            step = max(gap, 1e-9 * max(1.0, abs(target[g]))) * 1.02
            shifted[g] = shifted[g] + step if rising else shifted[g] - step
            current = current.with_target(g, shifted[g])
    raise InfeasibleError(
        f"goal, field 'target': no plan reaching every target with probability {probability} "
        f"was found in {max_rounds} rounds",
        entity="goal",
        field="target",
    )
