"""Last year's budget against the zero-based one: :func:`read_prior` and :class:`PriorComparison`.

A prior budget (last year's budget or realisation) is a list of lines ``kind, id, amount`` with kind
in activity, resource, category, partner (or goal); see ``docs/prior-year.md``. It is read by the
C++ core, from a file (CSV, Dutch spreadsheet CSV, JSON) or from a DataFrame, so Python and the CLI
accept and refuse the same inputs. :meth:`zbb.Budget.compare_prior` compares a budget with it; the
result gives every line as a DataFrame, the waterfall of the change by goal, a chart and the CLI's
reports (``zbb budget MODEL --prior FILE``), byte for byte.

This module imports only ``_core``, ``_errors`` and ``_exact``.
"""

from __future__ import annotations

import csv
import io
import os
from decimal import Decimal
from numbers import Integral
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import _core
from ._errors import ModelError
from ._exact import AMOUNT_HINT, minor_to_decimal

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["PriorBudget", "PriorComparison", "read_prior"]


class PriorBudget:
    """A prior budget as read by :func:`read_prior` (immutable)."""

    def __init__(self, core: _core.PriorBudget, minor_digits: int) -> None:
        self._core = core
        self._digits = minor_digits

    @property
    def source(self) -> str:
        """The file (or ``"DataFrame"``) it was read from."""
        return self._core.source

    @property
    def lines(self) -> pd.DataFrame:
        """Columns ``kind``, ``id``, ``amount`` (Decimal, exact), in file order."""
        d = self._core.lines()
        return pd.DataFrame(
            {
                "kind": d["kind"],
                "id": d["id"],
                "amount": [minor_to_decimal(int(m), self._digits) for m in d["amount_minor"]],
            }
        )

    def __repr__(self) -> str:
        return f"<zbb.PriorBudget {self.source!r}: {len(self._core.lines()['id'])} lines>"


def _amount_text(value: Any, row: int) -> str:
    if isinstance(value, bool) or isinstance(value, float):
        raise ModelError(f"DataFrame, row {row}: {AMOUNT_HINT}", entity="prior", id=str(row), field="amount")
    if isinstance(value, Decimal):
        return format(value, "f")  # never exponent form ("1E+3")
    if isinstance(value, Integral):
        return str(value)
    if isinstance(value, str):
        return value
    raise ModelError(
        f"DataFrame, row {row}: amount must be text, decimal.Decimal or int, got {type(value).__name__}",
        entity="prior",
        id=str(row),
        field="amount",
    )


def read_prior(source: str | os.PathLike[str] | pd.DataFrame | PriorBudget, *, minor_digits: int = 2) -> PriorBudget:
    """Reads a prior budget.

    Parameters
    ----------
    source : path, DataFrame or PriorBudget
        A file (CSV ``kind,id,amount``, the ``zbb budget --csv`` output, Dutch CSV with ``;`` and a
        decimal comma, ``zbb-prior/1`` JSON or a ``zbb budget --json`` report), or a DataFrame with
        the columns ``kind``, ``id`` and ``amount`` (amounts as text, Decimal or int; floats are
        refused, money never passes through a binary float).
    minor_digits : int
        Decimals of the currency's minor unit (2 for EUR): amounts with more are refused.

    Raises
    ------
    zbb.ModelError
        Naming the file, the line and the id (docs/prior-year.md lists every refusal).
    """
    if isinstance(source, PriorBudget):
        if source._digits != minor_digits:
            raise ModelError(
                f"prior budget {source.source!r} was read with {source._digits} decimals, the budget has "
                f"{minor_digits}; read it again with read_prior(path, minor_digits={minor_digits})",
                entity="prior",
                field="minor_digits",
            )
        return source
    if isinstance(source, pd.DataFrame):
        missing = [c for c in ("kind", "id", "amount") if c not in source.columns]
        if missing:
            raise ModelError(
                f"DataFrame: missing columns {', '.join(missing)}; a prior budget has kind, id and amount",
                entity="prior",
                field=missing[0],
            )
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["kind", "id", "amount"])
        for row, (kind, ident, amount) in enumerate(
            zip(source["kind"], source["id"], source["amount"], strict=True), start=2
        ):
            writer.writerow([str(kind), str(ident), _amount_text(amount, row - 2)])
        return PriorBudget(_core.read_prior_text(out.getvalue(), "DataFrame", minor_digits), minor_digits)
    return PriorBudget(_core.read_prior_file(os.fspath(source), minor_digits), minor_digits)


class PriorComparison:
    """A budget against a prior budget: per line prior, zero-based, change and status, and the waterfall."""

    def __init__(self, core: _core.PriorComparison, minor_digits: int, currency: str) -> None:
        self._core = core
        self._digits = minor_digits
        self._currency = currency

    @property
    def source(self) -> str:
        """The prior budget's file."""
        return self._core.source

    @property
    def waterfall_kind(self) -> str:
        """The kind of line the waterfall is built from."""
        return self._core.waterfall_kind

    def _decimals(self, minor: list[int]) -> list[Decimal]:
        return [minor_to_decimal(int(m), self._digits) for m in minor]

    @property
    def lines(self) -> pd.DataFrame:
        """Every line of every kind: ``kind``, ``id``, ``prior``, ``zero_based``, ``change`` (Decimal,
        exact; zero where the line is absent), ``status`` (new, stopped, changed, same) and
        ``in_model``."""
        d = self._core.lines()
        return pd.DataFrame(
            {
                "kind": d["kind"],
                "id": d["id"],
                "prior": self._decimals(d["prior_minor"]),
                "zero_based": self._decimals(d["zero_based_minor"]),
                "change": self._decimals(d["change_minor"]),
                "status": d["status"],
                "in_model": d["in_model"],
            }
        )

    def table(self, kind: str) -> pd.DataFrame:
        """The lines of one kind, indexed by id."""
        lines = self.lines
        if kind not in set(lines["kind"]):
            raise ModelError(f"the prior budget has no {kind} lines", entity="option", field="kind")
        return lines[lines["kind"] == kind].drop(columns="kind").set_index("id")

    @property
    def waterfall(self) -> pd.DataFrame:
        """The waterfall: ``step`` (prior, each goal id, stopped, zero_based), ``kind`` (start, goal,
        stopped, end), ``amount`` (Decimal: the totals for start and end, the change for the bars) and
        ``running`` (Decimal: the level after the step). Prior plus the bars is the zero-based total."""
        d = self._core.waterfall()
        amounts = self._decimals(d["amount_minor"])
        running: list[Decimal] = []
        level = Decimal(0)
        for kind, amount in zip(d["kind"], amounts, strict=True):
            level = amount if kind in ("start", "end") else level + amount
            running.append(level)
        return pd.DataFrame({"step": d["step"], "kind": d["kind"], "amount": amounts, "running": running})

    def report_json(self, *, indent: int | None = None) -> str:
        """``zbb budget MODEL --prior FILE --json``, byte for byte."""
        return self._core.report_json(indent)

    def report_csv(self) -> str:
        """``zbb budget MODEL --prior FILE --csv``, byte for byte."""
        return self._core.report_csv()

    def report_text(self) -> str:
        """``zbb budget MODEL --prior FILE``, byte for byte."""
        return self._core.report_text()

    def plot_waterfall(self, *, ax: Axes | None = None) -> Axes:
        """A waterfall chart from the prior total to the zero-based one: one bar per goal (rises and
        falls), the lines that stop in their own bar."""
        import matplotlib.pyplot as plt

        w = self.waterfall
        if ax is None:
            _, ax = plt.subplots(figsize=(max(6.0, 1.1 * len(w)), 4.5))
        level = 0.0
        for i, (kind, amount) in enumerate(zip(w["kind"], w["amount"], strict=True)):
            value = float(amount)
            if kind in ("start", "end"):
                ax.bar(i, value, color="#4c72b0")
                level = value
                continue
            color = "#c44e52" if kind == "stopped" else ("#55a868" if value < 0 else "#dd8452")
            ax.bar(i, value, bottom=level, color=color)
            level += value
        ax.set_xticks(range(len(w)))
        ax.set_xticklabels(list(w["step"]), rotation=30, ha="right")
        ax.set_ylabel(self._currency)
        ax.set_title(f"From the prior budget to the zero-based one (by {self.waterfall_kind})")
        return ax

    def __repr__(self) -> str:
        return f"<zbb.PriorComparison against {self.source!r}, waterfall by {self.waterfall_kind}>"
