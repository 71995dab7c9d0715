"""Variant files (``zbb-variant/1``) and their comparison side by side, through the core.

A :class:`Variant` is a named, ordered list of changes to a model, read from a file
(:func:`read_variant`) and checked by the C++ reader; applied to a model (``variant(model)``) it
gives the changed model by the scenario edits of ``zbb/scenario.hpp``. :func:`compare_variants`
computes the base and every variant (budget, least-cost or max-effect) and returns a
:class:`VariantComparison`: one column per variant, the exact change of every line against the
reference, dominance, DataFrames per breakdown and a chart of cost against attainment. The same
computation and numbers as ``zbb compare`` (docs/variants.md).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import Executor, Future, as_completed
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import _core
from ._errors import ModelError
from ._exact import minor_to_decimal
from ._model import Model
from ._progress import progress_bar
from ._variant_file import Variant, _as_variant, read_variant

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["Variant", "VariantComparison", "compare_variants", "read_variant"]

#: The breakdowns of a comparison, in report order.
COMPARE_BREAKDOWNS: tuple[str, ...] = ("goal", "partner", "activity", "resource", "category")


class VariantComparison:
    """The base model and its variants side by side (the result of :func:`compare_variants`).

    Attributes
    ----------
    model : Model
        The base model.
    reference : str
        The column every change is measured against.
    currency : str
    names : list of str
        The columns: ``"base"`` first, then the variants in the order given.
    """

    def __init__(self, model: Model, core: Any, *, objective: str) -> None:
        self.model = model
        self._core = core
        self._objective = objective
        self.reference: str = core.reference
        self.currency: str = core.currency
        self.names: list[str] = list(core.names)
        self._digits: int = core.minor_digits

    @property
    def objective(self) -> str:
        """``"budget"``, ``"least-cost"`` or ``"max-effect"``."""
        return self._objective

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickles as the model, each column's exact bytes (zbb/compare_state.hpp) and the
        # reference; unpickling assembles the same comparison again.
        return (_assembled, (self.model, list(self._core.column_states()), self.reference, self._objective))

    def _decimal(self, minor: int | None) -> Decimal | None:
        return None if minor is None else minor_to_decimal(minor, self._digits)

    @property
    def summary(self) -> pd.DataFrame:
        """One row per column: ``status``, ``total`` and ``change`` (Decimal; None without a budget),
        ``weighted_attainment`` (float), ``goals_reached`` (int) and ``dominated_by`` (list of names)."""
        s = self._core.summary()
        index = pd.Index(self.names, name="variant", dtype=object)
        return pd.DataFrame(
            {
                "status": pd.Series(s["status"], index=index, dtype=object),
                "total": pd.Series([self._decimal(m) for m in s["total_minor"]], index=index, dtype=object),
                "change": pd.Series([self._decimal(m) for m in s["change_minor"]], index=index, dtype=object),
                "weighted_attainment": pd.Series(
                    [float("nan") if w is None else w for w in s["weighted_attainment"]],
                    index=index,
                    dtype="float64",
                ),
                "goals_reached": pd.Series(s["goals_reached"], index=index, dtype="Int64"),
                "dominated_by": pd.Series(s["dominated_by"], index=index, dtype=object),
            },
            index=index,
        )

    def _frame(self, by: str, change: bool) -> pd.DataFrame:
        if by not in COMPARE_BREAKDOWNS:
            raise ValueError(f"unknown breakdown {by!r}; use {', '.join(COMPARE_BREAKDOWNS)}")
        keys, columns = self._core.lines(by, change)
        index = pd.Index(keys, name=by, dtype=object)
        data = {
            name: pd.Series(
                [None] * len(keys) if minor is None else [minor_to_decimal(m, self._digits) for m in minor],
                index=index,
                dtype=object,
            )
            for name, minor in columns.items()
        }
        return pd.DataFrame(data, index=index)

    def breakdown(self, by: str) -> pd.DataFrame:
        """One breakdown side by side: rows are the lines (ids), columns the variants, exact
        ``Decimal`` amounts (None for a variant without a budget)."""
        return self._frame(by, change=False)

    def change(self, by: str) -> pd.DataFrame:
        """The exact change of each line against the reference, allocated by largest remainder over
        the lines whose exact value changed: a line that did not change shows 0, and each column
        sums exactly to the change of the total (docs/variants.md)."""
        return self._frame(by, change=True)

    def report_json(self, indent: int | None = None) -> str:
        """The ``zbb compare --json`` report (``zbb-compare/1``), byte for byte as the CLI's."""
        return str(self._core.report("json", 2 if indent is None else indent))

    def report_text(self) -> str:
        """The readable report of ``zbb compare``."""
        return str(self._core.report("text"))

    def report_csv(self) -> str:
        """``zbb compare --csv``: columns ``variant,breakdown,key,amount,change``."""
        return str(self._core.report("csv"))

    def plot(self, ax: Axes | None = None) -> Axes:
        """Cost against weighted attainment, one point per variant; dominated variants marked ``x``."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4.5))
        s = self.summary
        ok = s[s["total"].notna()]
        for name, row in ok.iterrows():
            dominated = bool(row["dominated_by"])
            ax.scatter(
                float(row["total"]),
                row["weighted_attainment"],
                marker="x" if dominated else "o",
                color="tab:red" if dominated else "tab:blue",
                zorder=3,
            )
            ax.annotate(
                f"{name} (dominated)" if dominated else str(name),
                (float(row["total"]), row["weighted_attainment"]),
                textcoords="offset points",
                xytext=(6, 4),
                fontsize=8,
            )
        ax.set_xlabel(f"total ({self.currency})")
        ax.set_ylabel("weighted attainment")
        ax.set_title(f"Variants of {self.model.name or 'the model'}: cost against attainment")
        ax.grid(True, alpha=0.3)
        return ax

    def __repr__(self) -> str:
        return f"<zbb.VariantComparison {len(self.names)} columns ({self.objective}), reference {self.reference!r}>"


def _assembled(model: Model, states: list[bytes], reference: str, objective: str) -> VariantComparison:
    """A comparison from its columns' bytes (what a pickled VariantComparison holds)."""
    core = _core.assemble_comparison(model._core, states, reference=reference)
    return VariantComparison(model, core, objective=objective)


def _columns(model: Model, variants: list[Variant | None], objective: str, rounding: str) -> list[bytes]:
    """One task of :func:`compare_variants` on an executor: the columns of some variants (None is
    the base), each as the bytes of ``zbb/compare_state.hpp``. Module level, so that it pickles."""
    cores = [None if v is None else v._core for v in variants]
    return list(_core.compare_column_states(model._core, cores, objective=objective, rounding=rounding))


def compare_variants(
    model: Model,
    variants: Iterable[Variant | str | os.PathLike[str]],
    *,
    objective: str = "budget",
    reference: str = "base",
    rounding: str = "half-even",
    executor: Executor | None = None,
    chunksize: int = 1,
    progress: bool | None = None,
) -> VariantComparison:
    """The base model and its variants side by side, as ``zbb compare`` computes them.

    Parameters
    ----------
    model : Model
        The base model (column ``"base"``).
    variants : iterable of Variant or path
        Variant objects or the paths of variant files; names unique and never ``"base"``.
    objective : {"budget", "least-cost", "max-effect"}, default "budget"
        The bottom-up budget of each variant's own plan, or an optimisation per variant.
    reference : str, default "base"
        The column every change is measured against.
    rounding : str, default "half-even"
        Rounding mode of every budget.
    executor : concurrent.futures.Executor, optional
        Where the columns are computed: a ``ThreadPoolExecutor``, a ``ProcessPoolExecutor`` or
        Dask's ``distributed.Client(...).get_executor()``. Each task applies ``chunksize``
        variants to the model and computes their columns (the core releases the GIL); the columns
        come back as exact bytes and the comparison (changes, dominance) is assembled here, so
        the result is identical to the one made without an executor, provided every worker runs
        the same zbb (the bytes say which zbb made them). Not shut down. Default:
        everything in this process, in one call into the core.
    chunksize : int, default 1
        Variants per task on an executor (the base is one column of the first task). When the
        executor pickles its tasks (processes, Dask; threads share them), every task sends the
        model (as its tables' columns) and its variants (as their files' text): larger chunks
        send the model fewer times.
    progress : bool, optional
        With an executor, show a progress bar (tqdm) as the columns come back. Default: shown for
        100 variants or more when standard error is a terminal and tqdm is installed.

    Returns
    -------
    VariantComparison

    Raises
    ------
    ModelError
        A bad variant file or change (naming the variant, the change's position and the id), a
        name used twice or named ``base``, an unknown reference. On an executor the first
        task (in the order given) that failed raises, with a note naming its columns.
    """
    if not isinstance(model, Model):
        raise TypeError("model must be a zbb.Model")
    kind = objective.replace("_", "-")
    given = [_as_variant(v) for v in variants]
    if executor is None:
        core = _core.compare(
            model._core, [v._core for v in given], objective=kind, reference=reference, rounding=rounding
        )
        return VariantComparison(model, core, objective=kind)
    if not isinstance(chunksize, int) or isinstance(chunksize, bool) or chunksize < 1:
        raise ModelError(
            f"option, field 'chunksize': must be a whole number of at least 1, not {chunksize!r}",
            entity="option",
            field="chunksize",
        )
    _core.check_variant_names([v._core for v in given])
    columns: list[Variant | None] = [None, *given]
    chunks = [columns[i : i + chunksize] for i in range(0, len(columns), chunksize)]
    futures: list[Future[list[bytes]]] = [executor.submit(_columns, model, c, kind, rounding) for c in chunks]
    tqdm = progress_bar(progress, len(given))
    if tqdm is not None:
        sizes = {id(f): len(c) for f, c in zip(futures, chunks)}
        with tqdm(total=len(columns), desc="zbb compare", unit="variant") as bar:
            for done in as_completed(futures):
                bar.update(sizes[id(done)])
    states: list[bytes] = []
    for chunk, future in zip(chunks, futures):
        try:
            states += future.result()
        except Exception as err:
            names = ["base" if v is None else v.name for v in chunk]
            shown = ", ".join(repr(n) for n in names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            for f in futures:
                f.cancel()
            if hasattr(err, "add_note"):  # Python 3.11+
                err.add_note(f"in zbb.compare_variants, the task computing the columns {shown}")
            raise
    core = _core.assemble_comparison(model._core, states, reference=reference)
    return VariantComparison(model, core, objective=kind)
