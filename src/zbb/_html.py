"""Compact HTML summaries for notebooks (``_repr_html_``)."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._budget import Budget
    from ._model import Model

__all__ = ["budget_html", "model_html"]

_STYLE = "border-collapse:collapse;font-size:90%"
_CELL = "padding:2px 8px;text-align:{align}"


def _table(header: Iterable[str], rows: Iterable[Iterable[object]], right: set[int]) -> str:
    def cells(values: Iterable[object], tag: str) -> str:
        return "".join(
            f'<{tag} style="{_CELL.format(align="right" if i in right else "left")}">{escape(str(v))}</{tag}>'
            for i, v in enumerate(values)
        )

    body = "".join(f"<tr>{cells(r, 'td')}</tr>" for r in rows)
    return f'<table style="{_STYLE}"><thead><tr>{cells(header, "th")}</tr></thead><tbody>{body}</tbody></table>'


def _grouped(amount: object) -> str:
    return f"{amount:,}"


def model_html(model: Model) -> str:
    """Name, currency and the size of each table."""
    counts = [
        (name, len(model._core.table(name)[col]))
        for name, col in (
            ("goals", "id"),
            ("activities", "id"),
            ("resources", "id"),
            ("partners", "id"),
            ("effects", "goal"),
            ("consumption", "activity"),
            ("support", "supplier"),
            ("funding", "activity"),
            ("plan", "goal"),
        )
    ]
    title = escape(model.name or "(unnamed model)")
    return (
        f"<div><b>zbb.Model</b>: {title} ({escape(model.currency)})" + _table(["table", "rows"], counts, {1}) + "</div>"
    )


def budget_html(budget: Budget) -> str:
    """Total, cost by goal with share of the total, goals reached, warnings."""
    total = budget.total
    by_goal = budget.by_goal
    goals = budget.goals
    rows = []
    for gid, row in by_goal.iterrows():
        share = f"{float(row['amount']) / float(total) * 100:.1f}%" if total else "-"
        g = goals.loc[gid]
        status = "reached" if g["reached"] else f"short by {g['gap']:.2f}"
        rows.append(
            [gid, row["name"], _grouped(row["amount"]), share, f"{g['projected']:.2f} / {g['target']:.2f}", status]
        )
    table = _table(["goal", "name", budget.currency, "share", "projected / target", "status"], rows, {2, 3, 4})
    warnings = "".join(f"<li>{escape(w)}</li>" for w in budget.warnings)
    return (
        f"<div><b>zbb.Budget</b>: {escape(budget.model.name or '(unnamed model)')}<br>"
        f"Total: <b>{escape(budget.currency)} {_grouped(total)}</b> (rounding {escape(budget.rounding)})"
        + table
        + (f"<p>Warnings:</p><ul>{warnings}</ul>" if warnings else "")
        + "</div>"
    )
