"""matplotlib charts of a budget: cost by goal, the flow of money, goals against targets.

Amounts are drawn from the float columns (``amount_float``); labels print the
exact amounts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ._errors import ModelError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ._budget import Budget
    from ._years import MultiYearBudget

__all__ = ["flows", "plot_cost_by_area", "plot_cost_by_goal", "plot_flow", "plot_goals", "plot_years"]

#: Above this many activities the flow chart lumps the smallest into "other activities".
MAX_FLOW_ACTIVITIES = 20


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=size)
    return ax


def _label(ids: list[str], names: Any) -> list[str]:
    out = []
    for i, n in zip(ids, names):
        n = str(n) if isinstance(n, str) and n else ""
        short = n.split(" (")[0] if n else ""
        out.append(f"{short} ({i})" if short else i)
    return out


def plot_cost_by_goal(budget: Budget, *, ax: Axes | None = None) -> Axes:
    """Horizontal bars of the full cost per goal, labelled with the exact amounts."""
    frame = budget.by_goal
    ax = _axes(ax, (8, 0.6 * len(frame) + 1.5))
    labels = _label(list(frame.index), frame["name"])
    y = np.arange(len(frame))[::-1]
    bars = ax.barh(y, frame["amount_float"], color="tab:blue")
    ax.set_yticks(y, labels)
    for bar, amount in zip(bars, frame["amount"]):
        ax.annotate(
            f"{amount:,}",
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    ax.set_xlabel(f"full cost ({budget.currency})")
    ax.set_title(f"Cost by goal, total {budget.currency} {budget.total:,}")
    ax.margins(x=0.25)
    return ax


def plot_cost_by_area(budget: Budget, *, ax: Axes | None = None) -> Axes:
    """Horizontal bars of the full cost per area, stacked by goal (the goal x area table), each
    labelled with the area's exact amount."""
    if not budget.model.has_areas:
        raise ModelError(
            "the model has no areas; plot_cost_by_area needs an 'areas' table", entity="model", field="areas"
        )
    frame = budget.by_area
    table = budget.goal_table("area")
    minor = 10.0**budget.minor_digits
    ax = _axes(ax, (8, 0.6 * len(frame) + 2))
    names = [n if isinstance(n, str) else "" for n in frame["name"]]
    y = np.arange(len(frame))[::-1]
    left = np.zeros(len(frame))
    for goal in table.index:
        widths = np.array([float(table.at[goal, area]) for area in frame.index])
        if not widths.any():
            continue
        ax.barh(y, widths, left=left, label=goal)
        left += widths
    ax.set_yticks(y, _label(list(frame.index), names))
    for yi, total, amount in zip(y, np.asarray(frame["amount_minor"], dtype=np.float64) / minor, frame["amount"]):
        ax.annotate(f"{amount:,}", (total, yi), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_xlabel(f"full cost ({budget.currency})")
    ax.set_title(f"Cost by area, total {budget.currency} {budget.total:,}")
    ax.legend(title="goal", fontsize=8, loc="lower right")
    ax.margins(x=0.25)
    return ax


def plot_goals(budget: Budget, *, ax: Axes | None = None) -> Axes:
    """Progress of each goal's projected indicator from its baseline (0%) to its target (100%)."""
    goals = budget.goals
    ax = _axes(ax, (8, 0.6 * len(goals) + 1.5))
    span = (goals["target"] - goals["baseline"]).to_numpy(dtype=float)
    done = (goals["projected"] - goals["baseline"]).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(span != 0, done / np.where(span == 0, 1, span) * 100, 100.0)
    y = np.arange(len(goals))[::-1]
    colors = ["tab:green" if r else "tab:orange" for r in goals["reached"]]
    ax.barh(y, pct, color=colors)
    ax.axvline(100, color="black", linewidth=1, linestyle="--")
    ax.set_yticks(y, _label(list(goals.index), goals["name"]))
    for yi, p, row in zip(y, pct, goals.itertuples()):
        ax.annotate(
            f"{row.projected:,.1f} / target {row.target:,.1f} {row.unit}",
            (max(p, 0), yi),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    ax.set_xlabel("progress from baseline (0%) to target (100%)")
    ax.set_title("Projected indicator against target")
    ax.margins(x=0.35)
    return ax


def flows(budget: Budget) -> tuple[dict[str, float], dict[tuple[str, str], float], dict[tuple[str, str], float]]:
    """The flows of the flow chart, in currency units (floats, for drawing).

    Returns ``(category_totals, category_to_activity, activity_to_goal)``. The own
    cost ``c_a x_a`` of activity ``a`` is split over resource categories by its
    consumption, and over goals by ``X = (I - S)^-1 D``: column ``g`` of ``X`` is
    the volume of every activity (support included) that goal ``g``'s plan
    causes, so the flows into a goal add up to its full cost.
    """
    from scipy import sparse
    from scipy.sparse.linalg import spsolve

    model = budget.model
    n = len(model.activity_ids)
    minor = 10.0**budget.minor_digits
    x = np.asarray(budget.volumes)
    cons = model.matrix("consumption").tocsr()  # resource x activity
    prices = np.asarray(model._core.prices())
    cat_of = np.asarray(model._core.resource_category)
    cats = model.categories
    spend = sparse.diags(prices) @ cons @ sparse.diags(x)  # resource x activity, currency units
    cat_act: dict[tuple[str, str], float] = {}
    coo = spend.tocoo()
    for r, a, v in zip(coo.row, coo.col, coo.data):
        key = (cats[cat_of[r]], model.activity_ids[a])
        cat_act[key] = cat_act.get(key, 0.0) + float(v)
    s = model.matrix("support")
    d = budget.plan_matrix()
    lhs = (sparse.identity(n, format="csc") - s).tocsc()
    solved: Any = spsolve(lhs, d.tocsc()) if n > 0 and d.shape[1] > 0 else np.zeros(d.shape)
    x_by_goal = solved.toarray() if sparse.issparse(solved) else np.asarray(solved).reshape(d.shape)
    c = np.asarray(budget.unit_costs)
    act_goal: dict[tuple[str, str], float] = {}
    for a in range(n):
        for g, gid in enumerate(model.goal_ids):
            v = float(c[a] * x_by_goal[a, g])
            if v > 0:
                act_goal[(model.activity_ids[a], gid)] = v
    totals = {k: float(v) / minor for k, v in zip(budget.by_category.index, budget.by_category["amount_minor"])}
    return totals, cat_act, act_goal


def plot_flow(budget: Budget, *, ax: Axes | None = None, min_share: float = 0.0) -> Axes:
    """Resources (by cost category) -> activities -> goals, as bands between three stacked columns.

    Each column adds up to the total. The left bands show what each activity's
    own cost is spent on; the right bands charge it, with the support it needs,
    to the goals whose plan causes it (the reciprocal method).
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import PathPatch, Rectangle
    from matplotlib.path import Path

    totals, cat_act, act_goal = flows(budget)
    acts = budget.by_activity
    act_value = dict(zip(acts.index, acts["amount_float"]))
    order = sorted(act_value, key=lambda a: -act_value[a])
    keep = order[:MAX_FLOW_ACTIVITIES] if len(order) > MAX_FLOW_ACTIVITIES else order
    other = "other activities"
    lump = {a: (a if a in keep else other) for a in act_value}
    cat_act2: dict[tuple[str, str], float] = {}
    for (k, a), v in cat_act.items():
        cat_act2[(k, lump[a])] = cat_act2.get((k, lump[a]), 0.0) + v
    act_goal2: dict[tuple[str, str], float] = {}
    for (a, g), v in act_goal.items():
        act_goal2[(lump[a], g)] = act_goal2.get((lump[a], g), 0.0) + v
    act_nodes = [a for a in acts.index if a in keep] + ([other] if len(keep) < len(order) else [])
    act_totals = {a: sum(v for (_, b), v in cat_act2.items() if b == a) for a in act_nodes}
    goal_totals = dict(zip(budget.by_goal.index, budget.by_goal["amount_float"]))
    columns = [list(totals), act_nodes, list(goal_totals)]
    values = [totals, act_totals, goal_totals]
    total = float(budget.total) or 1.0
    gap = 0.015 * total
    ax = _axes(ax, (12, 8))
    width = 0.06
    xs = [0.0, 1.0, 2.0]
    tops: list[dict[str, float]] = []
    palette = plt.get_cmap("tab10")
    colors: list[dict[str, Any]] = []
    for col, (names, vals, x0) in enumerate(zip(columns, values, xs)):
        y = 0.0
        pos, col_colors = {}, {}
        for i, name in enumerate(names):
            h = max(vals.get(name, 0.0), 0.0)
            pos[name] = y
            col_colors[name] = palette(i % 10) if col != 1 else "0.6"
            ax.add_patch(Rectangle((x0 - width / 2, y), width, h, color=col_colors[name]))
            label = f"{name}  {budget.currency} {h:,.0f}"
            ax.text(
                x0 + (width if col < 2 else width * 0.6) * (-1 if col == 0 else 1),
                y + h / 2,
                label,
                ha="right" if col == 0 else "left",
                va="center",
                fontsize=7,
                bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 0.5} if col == 1 else None,
            )
            y += h + gap
        tops.append(pos)
        colors.append(col_colors)

    def band(x0: float, y0: float, x1: float, y1: float, w: float, color: Any) -> None:
        xm = (x0 + x1) / 2
        verts = [
            (x0, y0),
            (xm, y0),
            (xm, y1),
            (x1, y1),
            (x1, y1 + w),
            (xm, y1 + w),
            (xm, y0 + w),
            (x0, y0 + w),
            (x0, y0),
        ]
        codes = [
            Path.MOVETO,
            Path.CURVE4,
            Path.CURVE4,
            Path.CURVE4,
            Path.LINETO,
            Path.CURVE4,
            Path.CURVE4,
            Path.CURVE4,
            Path.CLOSEPOLY,
        ]
        ax.add_patch(PathPatch(Path(verts, codes), facecolor=color, alpha=0.35, edgecolor="none"))

    for stage, (flow, colour_by) in enumerate(((cat_act2, 0), (act_goal2, 2))):
        out_cursor = dict(tops[stage])
        in_cursor = dict(tops[stage + 1])
        for (a, b), w in sorted(
            flow.items(), key=lambda kv: (columns[stage].index(kv[0][0]), columns[stage + 1].index(kv[0][1]))
        ):
            if w > min_share * total:
                color = colors[colour_by][a if colour_by == stage else b]
                band(xs[stage] + width / 2, out_cursor[a], xs[stage + 1] - width / 2, in_cursor[b], w, color)
            out_cursor[a] += w
            in_cursor[b] += w
    height = max(sum(max(v, 0.0) for v in vals.values()) + gap * len(vals) for vals in values)
    ax.set_xlim(-0.9, 2.9)
    ax.set_ylim(0, height)
    ax.invert_yaxis()
    ax.set_xticks(xs, ["resources (by category)", "activities (own cost)", "goals (full cost)"])
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set_title(f"Where the money goes: total {budget.currency} {budget.total:,}")
    return ax


def plot_years(estimate: MultiYearBudget, *, by: str = "goal", ax: Axes | None = None) -> Axes:
    """Bars of the total per year of a multi-year estimate, stacked by ``by``, each labelled with
    the year's exact total."""
    table = estimate.breakdown(by).drop(index="Total").drop(columns="total")
    years = list(table.columns)
    ax = _axes(ax, (1.6 * len(years) + 5, 5))
    x = np.arange(len(years))
    bottom = np.zeros(len(years))
    for key in table.index:
        heights = np.array([float(v) for v in table.loc[key]])
        if not heights.any():
            continue
        ax.bar(x, heights, bottom=bottom, label=str(key))
        bottom += heights
    for xi, top, amount in zip(x, bottom, estimate.by_year["amount"]):
        ax.annotate(f"{amount:,}", (xi, top), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=8)
    ax.set_xticks(x, [str(y) for y in years])
    ax.set_ylabel(f"cost ({estimate.currency})")
    ax.set_title(f"Multi-year estimate by {by}, total {estimate.currency} {estimate.total:,}")
    ax.legend(title=by, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.margins(y=0.12)
    return ax
