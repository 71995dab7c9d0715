"""Benchmark: a budget from pandas DataFrames with 1,000,000 link rows, zbb against plain pandas/scipy.

Builds a large synthetic model as DataFrames (long format, as an analyst would hold it), then

1. zbb: ``zbb.from_dataframes(...)`` (validation, linking, support factorisation) and
   ``model.budget()`` with its total and cost by goal (goal: <= 1 s in total);
2. without zbb: the same budget written directly with pandas, numpy and scipy.sparse
   (ids to codes, sparse matrices, two sparse solves, group-bys, rounding to cents),

checks that both agree to the cent on the total and by goal (within one cent per line, since the
plain version rounds each line on its own and so does not cross-foot), and prints the times and
their ratio. Not a timed test; run it by hand:

    .venv/bin/python benchmarks/python_budget_benchmark.py [--repeat 3] [--activities 100000]
"""

from __future__ import annotations

import argparse
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from timing import best_of  # benchmarks/timing.py (this folder is on sys.path when run as a script)

import zbb


def make_tables(
    n_act: int, n_goals: int, n_res: int, n_part: int, n_sup: int, seed: int, n_links: int = 1_000_000
) -> dict[str, Any]:
    """The model's tables as DataFrames with `n_links` link rows in all (the plan takes the rest)."""
    rng = np.random.default_rng(seed)

    def ids(prefix: str, n: int) -> np.ndarray:
        return np.array([f"{prefix}{i:06d}" for i in range(n)], dtype=object)

    g_ids, a_ids, r_ids, p_ids = ids("G", n_goals), ids("A", n_act), ids("R", n_res), ids("P", n_part)
    ordinary = np.arange(n_sup, n_act)  # the first n_sup activities support the others
    cents = rng.integers(500, 15000, n_res)
    goals = pd.DataFrame(
        {
            "id": g_ids,
            "name": [f"goal {i}" for i in range(n_goals)],
            "unit": "people",
            "baseline": rng.integers(0, 1000, n_goals).astype(float),
            "target": rng.integers(1000, 2000, n_goals).astype(float),
        }
    )
    activities = pd.DataFrame(
        {"id": a_ids, "name": a_ids, "unit": "hour", "partner": p_ids[rng.integers(0, n_part, n_act)]}
    )
    resources = pd.DataFrame(
        {
            "id": r_ids,
            "name": r_ids,
            "unit": "hour",
            "price": [f"{c // 100}.{c % 100:02d}" for c in cents],
            "category": np.array(["personnel", "material", "accommodation", "ict"], dtype=object)[
                rng.integers(0, 4, n_res)
            ],
        }
    )
    partners = pd.DataFrame({"id": p_ids, "name": p_ids})

    def pairs(n_rows: int, left: np.ndarray, n_right: int) -> tuple[np.ndarray, np.ndarray]:
        a = rng.choice(left, n_rows)
        b = rng.integers(0, n_right, n_rows)
        key = np.unique(a.astype(np.int64) * n_right + b)  # unique (left, right) pairs
        return key // n_right, key % n_right

    a, r = pairs(3 * n_act, np.arange(n_act), n_res)
    consumption = pd.DataFrame(
        {"activity": a_ids[a], "resource": r_ids[r], "per_unit": np.round(rng.uniform(0.1, 5.0, len(a)), 3)}
    )
    a, g = pairs(2 * n_act, np.arange(n_act), n_goals)
    effects = pd.DataFrame(
        {"goal": g_ids[g], "activity": a_ids[a], "per_unit": np.round(rng.uniform(-0.01, 0.05, len(a)), 4)}
    )
    # support: every ordinary activity uses one supplier; suppliers use each other a little (loops)
    sup = rng.integers(0, n_sup, len(ordinary))
    ring = np.arange(n_sup)
    support = pd.DataFrame(
        {
            "supplier": np.concatenate([a_ids[sup], a_ids[ring]]),
            "consumer": np.concatenate([a_ids[ordinary], a_ids[(ring + 1) % n_sup]]),
            "per_unit": np.concatenate([np.round(rng.uniform(0.01, 0.2, len(ordinary)), 3), np.full(n_sup, 0.05)]),
        }
    )
    funded = rng.choice(n_act, n_act // 5, replace=False)
    p1 = rng.integers(0, n_part, len(funded))
    p2 = (p1 + 1 + rng.integers(0, n_part - 1, len(funded))) % n_part
    funding = pd.DataFrame(
        {
            "activity": np.repeat(a_ids[funded], 2),
            "partner": np.column_stack([p_ids[p1], p_ids[p2]]).ravel(),
            "share": np.tile(np.array(["0.75", "0.25"], dtype=object), len(funded)),
        }
    )
    n_plan = n_links - len(consumption) - len(effects) - len(support) - len(funding)
    a, g = pairs(int(n_plan * 1.02), ordinary, n_goals)
    a, g = a[:n_plan], g[:n_plan]
    plan = pd.DataFrame({"goal": g_ids[g], "activity": a_ids[a], "volume": rng.integers(1, 100, len(a)).astype(float)})
    return {
        "goals": goals,
        "activities": activities,
        "resources": resources,
        "partners": partners,
        "effects": effects,
        "consumption": consumption,
        "support": support,
        "funding": funding,
        "plan": plan,
    }


def with_zbb(tables: dict[str, Any]) -> tuple[Decimal, dict[str, Decimal]]:
    model = zbb.from_dataframes(tables, name="benchmark")
    budget = model.budget()
    by_goal = budget.by_goal["amount"]
    return budget.total, dict(by_goal)


def without_zbb(tables: dict[str, Any]) -> tuple[Decimal, dict[str, Decimal]]:
    """The same budget as an analyst would compute it with pandas, numpy and scipy alone."""
    goals, acts, res = tables["goals"], tables["activities"], tables["resources"]
    gi = pd.Index(goals["id"])
    ai = pd.Index(acts["id"])
    ri = pd.Index(res["id"])
    n, ng, nr = len(ai), len(gi), len(ri)

    def matrix(
        df: pd.DataFrame, row: str, rindex: pd.Index, col: str, cindex: pd.Index, val: str, shape: tuple[int, int]
    ) -> sp.csc_matrix:
        return sp.csc_matrix(
            (df[val].to_numpy(float), (rindex.get_indexer(df[row]), cindex.get_indexer(df[col]))), shape=shape
        )

    cons = matrix(tables["consumption"], "resource", ri, "activity", ai, "per_unit", (nr, n))
    sup = matrix(tables["support"], "supplier", ai, "consumer", ai, "per_unit", (n, n))
    plan = matrix(tables["plan"], "activity", ai, "goal", gi, "volume", (n, ng))
    prices = res["price"].astype(float).to_numpy()
    d = np.asarray(plan.sum(axis=1)).ravel()
    lhs = (sp.identity(n, format="csc") - sup).tocsc()
    lu = spla.splu(lhs)
    x = lu.solve(d)
    c = cons.T @ prices
    u = lu.solve(c, trans="T")
    by_goal = plan.T @ u
    total = float(np.dot(c, x))
    # partner and category splits, as an analyst would add them
    own = pd.Series(c * x, index=ai)
    funding = tables["funding"].assign(share=lambda f: f["share"].astype(float))
    funded = funding.assign(cost=lambda f: f["share"] * own.reindex(f["activity"]).to_numpy())
    unfunded = acts[~acts["id"].isin(funding["activity"])]
    by_partner = (
        pd.concat(
            [
                funded.groupby("partner")["cost"].sum(),
                pd.Series(own.reindex(unfunded["id"]).to_numpy(), index=unfunded["partner"]).groupby(level=0).sum(),
            ]
        )
        .groupby(level=0)
        .sum()
    )
    needs = cons @ x
    by_category = pd.Series(prices * needs).groupby(res["category"].to_numpy()).sum()
    _ = (by_partner.round(2), by_category.round(2))
    return (Decimal(f"{total:.2f}"), {g: Decimal(f"{v:.2f}") for g, v in zip(gi, by_goal)})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--activities", type=int, default=100_000)
    ap.add_argument("--goals", type=int, default=2_000)
    ap.add_argument("--resources", type=int, default=2_000)
    ap.add_argument("--partners", type=int, default=50)
    ap.add_argument("--suppliers", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    tables = make_tables(args.activities, args.goals, args.resources, args.partners, args.suppliers, args.seed)
    links = sum(len(tables[t]) for t in ("effects", "consumption", "support", "funding", "plan"))
    print(
        f"model: {args.goals} goals, {args.activities} activities ({args.suppliers} support), "
        f"{args.resources} resources, {args.partners} partners, {links:,} link rows"
    )
    t_zbb, (total, by_goal) = best_of(lambda: with_zbb(tables), args.repeat)
    t_plain, (plain_total, plain_by_goal) = best_of(lambda: without_zbb(tables), args.repeat)
    worst = max(abs(by_goal[g] - plain_by_goal[g]) for g in by_goal)
    print(f"zbb (DataFrames -> model -> budget):  {t_zbb:7.3f} s   total EUR {total:,}")
    print(f"pandas/numpy/scipy without zbb:       {t_plain:7.3f} s   total EUR {plain_total:,}")
    print(
        f"ratio zbb / plain: {t_zbb / t_plain:.2f}   (best of {args.repeat}; goal <= 1 s for zbb: "
        f"{'met' if t_zbb <= 1.0 else 'NOT met'})"
    )
    print(f"agreement: total differs by {abs(total - plain_total)}, by goal at most {worst} per line")
    print(
        "zbb also validates every id and number, keeps prices exact and cross-foots every breakdown;"
        " the plain version does none of that"
    )


if __name__ == "__main__":
    main()
