"""Monte Carlo of a generated municipal model: zbb beside the same simulation vectorised in numpy, in one run.

The model (generated here, deterministic from ``--seed``): 2,000 activities (``--activities``) of
which 40 are support activities (management, ICT, housing style: each primary activity is served
by two of them, each support activity by one other, a reciprocal web), 200 resources with 5
consumption rows per activity, 50 goals with 2 effects per primary activity and a plan row each.
Ranges: every effect (likely +- 30 %, asymmetric) and every price (-8 % .. +15 %); with
``--uncertain-support`` every support row too (-25 % .. +25 %).

Timed, each on the whole path from the model file's text to the JSON report:

1. zbb: ``zbb.Model.from_json_text(text).simulate(draws=N, seed=1).report_json()`` (both cores);
2. peer: numpy + scipy, vectorised over the draws: the file parsed with ``json``, the likely
   support system solved once with ``splu``, all draws of every effect and price made at once
   (inverse-transform triangular), the projections as one sparse product (draws x effects) x
   (effects x goals), the totals as (draws x resources) . needs, rounded to the cent, the same
   statistics (nearest-rank percentiles, p_reach). With ``--uncertain-support`` the peer solves
   (I - S_k) x = d per draw with ``splu`` of the drawn S (vectorising over draws does not apply);
   it is timed on ``--peer-draws`` draws and scaled, said so in the output.

Not a test; run by hand (after scripts/install.sh):

    .venv/bin/python benchmarks/simulate_benchmark.py [--draws 10000] [--uncertain-support]

``--write-model PATH`` writes the generated model and stops: ``build/benchmarks/bench_simulate PATH``
times one draw in C++ at each SIMD level (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import math
import time
from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import splu

import zbb


def make_model(n_act: int, n_res: int, n_goals: int, n_sup: int, seed: int, uncertain_support: bool) -> str:
    rng = np.random.default_rng(seed)
    acts = [f"A{i}" for i in range(n_act)]
    sup = acts[:n_sup]
    prim = acts[n_sup:]
    resources = []
    for r in range(n_res):
        price = round(float(rng.uniform(5, 250)), 2)
        resources.append(
            {
                "id": f"R{r}",
                "price": f"{price:.2f}",
                "price_low": f"{price * 0.92:.2f}",
                "price_high": f"{price * 1.15:.2f}",
                "category": ["personnel", "material", "accommodation"][r % 3],
            }
        )
    consumption = []
    for a in acts:
        for r in rng.choice(n_res, size=5, replace=False):
            consumption.append({"activity": a, "resource": f"R{r}", "per_unit": round(float(rng.uniform(0.1, 10)), 2)})
    effects, plan = [], []
    for a in prim:
        g0 = int(rng.integers(n_goals))
        for g in (g0, (g0 + 7) % n_goals):
            v = round(float(rng.uniform(0.001, 0.05)), 4)
            effects.append(
                {"goal": f"G{g}", "activity": a, "per_unit": v, "low": round(v * 0.7, 6), "high": round(v * 1.3, 6)}
            )
        plan.append({"goal": f"G{g0}", "activity": a, "volume": round(float(rng.uniform(1, 100)), 1)})
    support = []

    def add(s: str, c: str, v: float) -> None:
        row: dict[str, Any] = {"supplier": s, "consumer": c, "per_unit": round(v, 6)}
        if uncertain_support:
            row["low"], row["high"] = round(v * 0.75, 6), round(v * 1.25, 6)
        support.append(row)

    for a in prim:
        for s in rng.choice(n_sup, size=2, replace=False):
            add(sup[s], a, float(rng.uniform(0.01, 0.2)))
    for i, s in enumerate(sup):
        add(sup[(i + 1) % n_sup], s, float(rng.uniform(0.01, 0.1)))
    goals = [{"id": f"G{g}", "baseline": 100, "target": 100 + 0.0, "weight": 1} for g in range(n_goals)]
    model = {
        "format": "zbb-model/1",
        "name": f"generated municipality ({n_act} activities)",
        "currency": "EUR",
        "goals": goals,
        "activities": [{"id": a, "partner": "P0"} for a in acts],
        "resources": resources,
        "partners": [{"id": "P0"}],
        "effects": effects,
        "consumption": consumption,
        "support": support,
        "plan": plan,
    }
    # targets: the likely projection + 1 % of the movement, so that p_reach is neither 0 nor 1
    linked = zbb.Model.from_json_text(json.dumps(model))
    projected = linked.budget().projected
    for g, p in zip(goals, projected):
        g["target"] = round(float(100 + (p - 100) * 1.01), 6)
    return json.dumps(model)


def triangular(lo: np.ndarray, mode: np.ndarray, hi: np.ndarray, u: np.ndarray) -> np.ndarray:
    width = hi - lo
    below = u * width < (mode - lo)
    return np.where(below, lo + np.sqrt(u * width * (mode - lo)), hi - np.sqrt((1 - u) * width * (hi - mode)))


def nearest_rank(sorted_values: np.ndarray, p: int) -> Any:
    n = len(sorted_values)
    return sorted_values[max(1, math.ceil(p * n / 100)) - 1]


def peer(text: str, n: int, seed: int) -> dict[str, Any]:
    """numpy + scipy: the same statistics, vectorised over the draws (S certain), or per draw (S uncertain)."""
    m = json.loads(text)
    rng = np.random.default_rng(seed)
    ai = {a["id"]: i for i, a in enumerate(m["activities"])}
    ri = {r["id"]: i for i, r in enumerate(m["resources"])}
    gi = {g["id"]: i for i, g in enumerate(m["goals"])}
    na, nr, ng = len(ai), len(ri), len(gi)
    d = np.zeros(na)
    for p in m["plan"]:
        d[ai[p["activity"]]] += p["volume"]
    srow = np.array([ai[s["supplier"]] for s in m["support"]])
    scol = np.array([ai[s["consumer"]] for s in m["support"]])
    sval = np.array([s["per_unit"] for s in m["support"]])
    C = sparse.csr_array(
        (
            [c["per_unit"] for c in m["consumption"]],
            ([ri[c["resource"]] for c in m["consumption"]], [ai[c["activity"]] for c in m["consumption"]]),
        ),
        shape=(nr, na),
    )
    e_goal = np.array([gi[e["goal"]] for e in m["effects"]])
    e_act = np.array([ai[e["activity"]] for e in m["effects"]])
    e_mode = np.array([e["per_unit"] for e in m["effects"]])
    e_lo = np.array([e.get("low", e["per_unit"]) for e in m["effects"]])
    e_hi = np.array([e.get("high", e["per_unit"]) for e in m["effects"]])
    p_mode = np.array([float(r["price"]) for r in m["resources"]])
    p_lo = np.array([float(r.get("price_low", r["price"])) for r in m["resources"]])
    p_hi = np.array([float(r.get("price_high", r["price"])) for r in m["resources"]])
    baseline = np.array([g["baseline"] for g in m["goals"]], dtype=float)
    target = np.array([g["target"] for g in m["goals"]], dtype=float)
    uncertain_s = any("low" in s for s in m["support"])
    eye = sparse.identity(na, format="csc")
    if not uncertain_s:
        x = splu((eye - sparse.csc_array((sval, (srow, scol)), shape=(na, na))).tocsc()).solve(d)
        xs = np.broadcast_to(x, (n, na))
    else:
        s_lo = np.array([s["low"] for s in m["support"]])
        s_hi = np.array([s["high"] for s in m["support"]])
        sv = triangular(s_lo, sval, s_hi, rng.random((n, len(sval))))
        xs = np.empty((n, na))
        for k in range(n):
            xs[k] = splu((eye - sparse.csc_array((sv[k], (srow, scol)), shape=(na, na))).tocsc()).solve(d)
    ev = triangular(e_lo, e_mode, e_hi, rng.random((n, len(e_mode))))
    B = sparse.csr_array((np.ones(len(e_goal)), (np.arange(len(e_goal)), e_goal)), shape=(len(e_goal), ng))
    projected = baseline + (ev * xs[:, e_act]) @ B
    prices = triangular(p_lo, p_mode, p_hi, rng.random((n, nr)))
    needs = (C @ xs.T).T
    totals = np.round((prices * needs).sum(axis=1) * 100).astype(np.int64)
    st = np.sort(totals)
    out: dict[str, Any] = {
        "total": {"mean": int(round(totals.sum() / n)), **{f"p{p}": int(nearest_rank(st, p)) for p in (5, 50, 95)}},
        "goals": {},
    }
    sp = np.sort(projected, axis=0)
    for g, gid in enumerate(gi):
        rising = target[g] >= baseline[g]
        reached = (
            projected[:, g] >= target[g] - 1e-7 * max(1, abs(target[g])) if rising else projected[:, g] <= target[g]
        )
        out["goals"][gid] = {
            "p_reach": float(reached.mean()),
            "mean": float(projected[:, g].mean()),
            **{f"p{p}": float(nearest_rank(sp[:, g], p)) for p in (5, 50, 95)},
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--activities", type=int, default=2000)
    ap.add_argument("--resources", type=int, default=200)
    ap.add_argument("--goals", type=int, default=50)
    ap.add_argument("--suppliers", type=int, default=40)
    ap.add_argument("--draws", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--uncertain-support", action="store_true")
    ap.add_argument("--peer-draws", type=int, default=1000, help="draws the per-draw peer runs (uncertain S)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--write-model", metavar="PATH", help="write the generated model to PATH and stop")
    args = ap.parse_args()

    text = make_model(args.activities, args.resources, args.goals, args.suppliers, args.seed, args.uncertain_support)
    if args.write_model:
        with open(args.write_model, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"model written to {args.write_model}")
        return
    print(
        f"model: {args.activities} activities ({args.suppliers} support), {args.resources} resources, "
        f"{args.goals} goals; {len(text) / 1e6:.1f} MB; uncertain support: {args.uncertain_support}"
    )

    def zbb_path() -> str:
        return zbb.Model.from_json_text(text).simulate(draws=args.draws, seed=1).report_json()

    best = math.inf
    for _ in range(args.repeat):
        t = time.perf_counter()
        report = zbb_path()
        best = min(best, time.perf_counter() - t)
    print(f"zbb   file text -> model -> {args.draws} draws -> JSON report: {best:.3f} s (best of {args.repeat})")
    model = zbb.Model.from_json_text(text)
    t = time.perf_counter()
    model.simulate(draws=args.draws, seed=1, threads=1)
    print(f"zbb   the same simulation on one thread (model linked beforehand): {time.perf_counter() - t:.3f} s")

    peer_draws = args.draws if not args.uncertain_support else min(args.draws, args.peer_draws)
    best_peer = math.inf
    for _ in range(args.repeat if not args.uncertain_support else 1):
        t = time.perf_counter()
        ref = peer(text, peer_draws, seed=7)
        best_peer = min(best_peer, time.perf_counter() - t)
    scaled = best_peer * args.draws / peer_draws
    note = "" if peer_draws == args.draws else f" ({peer_draws} draws timed, scaled to {args.draws})"
    print(f"numpy file text -> arrays -> {args.draws} draws -> statistics: {scaled:.3f} s{note}")
    print(f"ratio numpy / zbb: {scaled / best:.2f}")

    # The two simulations use different random numbers: agreement within sampling error.
    r = json.loads(report)["variants"]["base"]
    worst = 0.0
    for gid, g in r["goals"].items():
        p, q = g["p_reach"], ref["goals"][gid]["p_reach"]
        se = math.sqrt(max(p * (1 - p), 1 / args.draws) / args.draws + max(q * (1 - q), 1 / peer_draws) / peer_draws)
        worst = max(worst, abs(p - q) / se)
    mean_z, mean_p = float(r["total"]["mean"]) * 100, ref["total"]["mean"]
    print(f"p_reach agreement: largest difference {worst:.2f} standard errors over {len(r['goals'])} goals")
    print(
        f"mean total: zbb {mean_z / 100:.2f}, numpy {mean_p / 100:.2f} "
        f"(relative difference {abs(mean_z - mean_p) / mean_p:.2e})"
    )


if __name__ == "__main__":
    main()
