"""Many variants of a model through a standard ``concurrent.futures.Executor``.

Where users outgrow one machine, the work goes to an existing engine through
the standard interface: a ``ThreadPoolExecutor`` by default (the heavy calls
of the core release the GIL), a ``ProcessPoolExecutor``, or Dask distributed
(``distributed.Client(...).get_executor()``). Each task is one module-level
function call on picklable arguments (a :class:`zbb.Model` pickles as its
lossless JSON text) and returns plain data (exact ``Decimal`` amounts).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Executor, Future, ThreadPoolExecutor, as_completed
from decimal import Decimal
from typing import Any

import pandas as pd

from ._compare import read_variant
from ._errors import ModelError
from ._model import Model
from ._progress import progress_bar

__all__ = ["compute_variants"]

#: What :func:`compute_variants` computes for each variant.
WHAT: tuple[str, ...] = ("budget", "least-cost", "max-effect")

Variant = Model | Callable[[Model], Model]


def _evaluate(model: Model, variant: Variant | None, what: str, options: dict[str, Any]) -> dict[str, Any]:
    """One task: apply the variant to the model, then budget or optimise it. Returns plain data."""
    if variant is None:
        current = model
    elif isinstance(variant, Model):
        current = variant
    else:
        current = variant(model)
        if not isinstance(current, Model):
            raise TypeError(f"a variant function must return a zbb.Model, not {type(current).__name__}")
    rounding = options["rounding"]
    if what == "budget":
        budget = current.budget(rounding=rounding)
        return {
            "status": "ok",
            "total": budget.total,
            "total_minor": budget.total_minor,
            "weighted_attainment": None,
            "by_goal": dict(budget.by_goal["amount"]),
        }
    if what == "least-cost":
        result = current.least_cost(rounding=rounding, time_limit=options["time_limit"])
    else:
        result = current.max_effect(
            budget=options["budget"],
            partner_caps=options["partner_caps"],
            area_caps=options["area_caps"],
            rounding=rounding,
            time_limit=options["time_limit"],
        )
    out: dict[str, Any] = {
        "status": result.status,
        "total": None,
        "total_minor": None,
        "weighted_attainment": result.weighted_attainment if result.optimal else None,
        "by_goal": {},
    }
    if result.budget is not None:
        out.update(
            total=result.budget.total,
            total_minor=result.budget.total_minor,
            by_goal=dict(result.budget.by_goal["amount"]),
        )
    return out


def _named(variants: Mapping[str, Variant] | Iterable[Variant | tuple[str, Variant]]) -> list[tuple[str, Variant]]:
    items: Iterable[Any] = variants.items() if isinstance(variants, Mapping) else variants
    out: list[tuple[str, Variant]] = []
    for i, item in enumerate(items):
        if isinstance(item, tuple):
            if len(item) != 2 or not isinstance(item[0], str):
                raise ModelError(
                    f"option, field 'variants': item {i} must be a (name, Model or function) pair",
                    entity="option",
                    field="variants",
                )
            name, variant = item
        else:
            variant = item
            if isinstance(variant, (str, os.PathLike)):  # the path of a variant file (zbb-variant/1)
                variant = read_variant(variant)
            name = (
                getattr(variant, "__name__", "")
                or (variant.name if isinstance(variant, Model) else "")
                or f"variant {i}"
            )
        if not (isinstance(variant, Model) or callable(variant)):
            raise ModelError(
                f"option '{name}', field 'variants': must be a zbb.Model or a function Model -> Model",
                entity="option",
                id=name,
                field="variants",
            )
        out.append((name, variant))
    names = [n for n, _ in out]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ModelError(
            f"option, field 'variants': duplicate variant names {duplicates}", entity="option", field="variants"
        )
    return out


def compute_variants(
    model: Model,
    variants: Mapping[str, Variant] | Iterable[Variant | tuple[str, Variant]],
    *,
    what: str = "budget",
    executor: Executor | None = None,
    base: str | None = "base",
    rounding: str = "half-even",
    budget: Decimal | str | int | None = None,
    partner_caps: Mapping[str, Decimal | str | int] | None = None,
    area_caps: Mapping[str, Decimal | str | int] | None = None,
    time_limit: float | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Budget (or optimise) many variants of a model through an executor and compare them exactly.

    Each variant is one task ``executor.submit(...)``: the variant is applied to
    the model (inside the task, so expensive edits run on the workers too),
    then its budget, least-cost plan or max-effect plan is computed. Results
    come back as plain data with exact ``Decimal`` amounts.

    Parameters
    ----------
    model : Model
        The base model.
    variants : mapping or iterable
        ``{name: variant}``, ``[(name, variant), ...]`` or bare variants
        (named by the function's ``__name__`` or the model's name). A variant
        is a :class:`zbb.Model` or a function ``Model -> Model`` (for example
        ``lambda m: m.with_target("G-carer", 420)``), a :class:`zbb.Variant`
        or the path of a variant file (``zbb-variant/1``; bare variants and
        paths are named by the variant's name). For process pools and
        Dask the functions must pickle: use module-level functions,
        ``functools.partial`` or ``operator.methodcaller`` (a Model pickles as
        its JSON text, a Variant as its file's text).
    what : {"budget", "least-cost", "max-effect"}, default "budget"
        The bottom-up budget of each variant's own plan, or an optimisation.
    progress : bool, optional
        Show a progress bar (tqdm, ``pip install tqdm``) as the variants come
        back. Default: shown for 100 variants or more when standard error is
        a terminal.
    executor : concurrent.futures.Executor, optional
        Where the tasks run. Default: a ``ThreadPoolExecutor`` made for this
        call and shut down at its end (the core releases the GIL, so threads
        run in parallel). Pass a ``ProcessPoolExecutor`` or Dask's
        ``Client.get_executor()`` to use processes or a cluster; it is not
        shut down.
    base : str or None, default "base"
        Name of a first row for the unchanged model, against which ``change``
        is computed; None leaves it out (and ``change`` too).
    rounding : str, default "half-even"
        Rounding of each total.
    budget, partner_caps, area_caps, time_limit
        Options of the optimisation (see :meth:`zbb.Model.max_effect`).

    Returns
    -------
    DataFrame
        Indexed by ``variant`` (in the order given), with ``status``
        (``"ok"`` for budgets, else the optimisation's status), ``total``
        (Decimal, exact; None without a plan), ``total_minor`` (int),
        ``change`` (Decimal, ``total - base total``), ``weighted_attainment``
        (float, optimisations only) and one column ``goal:<id>`` per goal
        with the exact cost it carries (Decimal).

    Examples
    --------
    >>> from concurrent.futures import ThreadPoolExecutor          # doctest: +SKIP
    >>> with ThreadPoolExecutor(4) as pool:                         # doctest: +SKIP
    ...     table = zbb.compute_variants(model, {"more carers": lambda m: m.with_target("G-carer", 420)},
    ...                                  what="least-cost", executor=pool)
    """
    if not isinstance(model, Model):
        raise TypeError("model must be a zbb.Model")
    kind = what.replace("_", "-")
    if kind not in WHAT:
        raise ModelError(
            f"option, field 'what': unknown {what!r}; use {', '.join(WHAT)}", entity="option", field="what"
        )
    tasks: list[tuple[str, Variant | None]] = [(base, None)] if base is not None else []
    tasks += _named(variants)
    if base is not None and any(name == base for name, _ in tasks[1:]):
        raise ModelError(
            f"option, field 'variants': a variant is named like the base row {base!r}",
            entity="option",
            field="variants",
        )
    options = {
        "rounding": rounding,
        "budget": budget,
        "partner_caps": None if partner_caps is None else dict(partner_caps),
        "area_caps": None if area_caps is None else dict(area_caps),
        "time_limit": time_limit,
    }
    own = executor is None
    pool = executor if executor is not None else ThreadPoolExecutor(max_workers=min(32, (os.cpu_count() or 1) + 4))
    try:
        futures: list[Future[dict[str, Any]]] = [
            pool.submit(_evaluate, model, variant, kind, options) for _, variant in tasks
        ]
        tqdm = progress_bar(progress, len(futures))
        if tqdm is not None:
            for _ in tqdm(as_completed(futures), total=len(futures), desc="zbb variants", unit="variant"):
                pass
        results = []
        for (name, _), future in zip(tasks, futures):
            try:
                results.append(future.result())
            except Exception as err:
                if hasattr(err, "add_note"):  # Python 3.11+
                    err.add_note(f"in zbb.compute_variants, variant {name!r}")
                raise
    finally:
        if own:
            pool.shutdown(wait=True, cancel_futures=True)
    return _table(model, [name for name, _ in tasks], results, base is not None, optimisation=kind != "budget")


def _table(
    model: Model, names: list[str], results: list[dict[str, Any]], with_base: bool, *, optimisation: bool
) -> pd.DataFrame:
    index = pd.Index(names, name="variant", dtype=object)
    base_total = results[0]["total"] if with_base else None
    goals: list[str] = list(model.goal_ids)
    for r in results:  # goals added by a variant come after the model's own
        goals += [g for g in r["by_goal"] if g not in goals]
    columns: dict[str, pd.Series] = {
        "status": pd.Series([r["status"] for r in results], index=index, dtype=object),
        "total": pd.Series([r["total"] for r in results], index=index, dtype=object),
        "total_minor": pd.Series([r["total_minor"] for r in results], index=index, dtype=object),
    }
    if with_base:
        columns["change"] = pd.Series(
            [None if r["total"] is None or base_total is None else r["total"] - base_total for r in results],
            index=index,
            dtype=object,
        )
    if optimisation:
        columns["weighted_attainment"] = pd.Series(
            [float("nan") if r["weighted_attainment"] is None else r["weighted_attainment"] for r in results],
            index=index,
            dtype="float64",
        )
    for g in goals:
        columns[f"goal:{g}"] = pd.Series([r["by_goal"].get(g) for r in results], index=index, dtype=object)
    return pd.DataFrame(columns, index=index)
