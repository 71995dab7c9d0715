"""1,000 price variants of the national model, side by side in one run: zbb from Python against the
same loop written with pandas + scipy.

The national model (benchmarks/national_model.hpp: 100,000 activities, 10,000 resources, 1,000
goals, about 1,000,000 consumption and 100,000 support non-zeros) is written as a model file by
``build/benchmarks/bench_scenario --json FILE``. Each variant changes the price of one resource (a
different one each time); per variant both sides keep the total and the cost by goal, nothing more.

1. zbb:   ``model.with_price(resource, price).budget()``: the scenario edit shares the support
          factorisation and every matrix with the base model (prices do not change S) and
          recomputes c = C^T p; the budget is exact (minor units, cross-footing).
2. peer:  pandas + scipy as an analyst would write it: the model's tables as DataFrames, codes
          for the ids, sparse C, S and D, ``splu`` of (I - S)^T once (outside the loop, as zbb
          factorises once), then per variant c = C^T p, u from (I - S)^T u = c, cost by goal
          D^T u as a pandas Series rounded to cents, the total rounded from the unrounded sum (so the
          peer's goals need not add up to its total, zbb's do).

The peer's totals are checked against zbb's to the cent. Times are medians over the variants
(after a warm-up) and the whole loop. Not a test; run by hand (after scripts/install.sh):

    .venv/bin/python benchmarks/price_variants.py [--variants 1000] [--bench build/benchmarks/bench_scenario]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as spla

import zbb

REPO = Path(__file__).resolve().parents[1]


def variant_price(k: int) -> str:
    """The same prices as BM_price_variants_1000 in bench_scenario.cpp."""
    return f"{50 + k % 97}.{10 + k % 90}"


class Peer:
    """The budget of price variants with pandas + scipy, factorised once."""

    def __init__(self, path: Path) -> None:
        doc = json.loads(path.read_text())
        goals = pd.DataFrame(doc["goals"])
        activities = pd.DataFrame(doc["activities"])
        resources = pd.DataFrame(doc["resources"])
        self.goal_ids = pd.Index(goals["id"])
        act = pd.Index(activities["id"])
        self.resource_index = pd.Index(resources["id"])
        self.prices = resources["price"].map(float).to_numpy()
        n, nr, ng = len(act), len(self.resource_index), len(self.goal_ids)
        cons = pd.DataFrame(doc["consumption"])
        self.C = sp.csc_matrix(
            (
                cons["per_unit"].to_numpy(float),
                (self.resource_index.get_indexer(cons["resource"]), act.get_indexer(cons["activity"])),
            ),
            shape=(nr, n),
        )
        sup = pd.DataFrame(doc.get("support", []))
        S = sp.csc_matrix(
            (sup["per_unit"].to_numpy(float), (act.get_indexer(sup["supplier"]), act.get_indexer(sup["consumer"]))),
            shape=(n, n),
        )
        plan = pd.DataFrame(doc["plan"])
        self.D = sp.csc_matrix(
            (
                plan["volume"].to_numpy(float),
                (act.get_indexer(plan["activity"]), self.goal_ids.get_indexer(plan["goal"])),
            ),
            shape=(n, ng),
        )
        self.lu = spla.splu((sp.identity(n, format="csc") - S).T.tocsc())

    def run(self, resource: str, price: str) -> tuple[Decimal, pd.Series]:
        p = self.prices.copy()
        p[self.resource_index.get_loc(resource)] = float(price)
        c = self.C.T @ p
        u = self.lu.solve(c)
        raw = self.D.T @ u
        by_goal = pd.Series(raw, index=self.goal_ids).round(2)  # each goal rounded on its own
        total = Decimal(f"{raw.sum():.2f}")
        return total, by_goal


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variants", type=int, default=1000)
    ap.add_argument("--bench", type=Path, default=REPO / "build" / "benchmarks" / "bench_scenario")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "national.json"
        subprocess.run([str(args.bench), "--json", str(path)], check=True, stdout=subprocess.DEVNULL)
        t0 = time.perf_counter()
        model = zbb.read_json(path)
        t_read = time.perf_counter() - t0
        t0 = time.perf_counter()
        peer = Peer(path)
        t_peer_setup = time.perf_counter() - t0
    resources = model.resource_ids
    jobs = [(resources[(k * 7) % len(resources)], variant_price(k)) for k in range(args.variants)]

    def zbb_variant(resource: str, price: str) -> tuple[Decimal, np.ndarray]:
        b = model.with_price(resource, price).budget()
        return b.total, b.breakdown("goal")["amount_minor"].to_numpy()

    times: dict[str, list[float]] = {"zbb": [], "peer": []}
    kept: dict[str, list[Decimal]] = {"zbb": [], "peer": []}
    for name, fn in (("zbb", zbb_variant), ("peer", peer.run)):
        fn(*jobs[0])  # warm-up
        for resource, price in jobs:
            t0 = time.perf_counter()
            total, _ = fn(resource, price)
            times[name].append(time.perf_counter() - t0)
            kept[name].append(total)
    off = [abs(a - b) for a, b in zip(kept["zbb"], kept["peer"], strict=True)]
    print(
        f"national model: {len(resources):,} resources, {len(model.activity_ids):,} activities, "
        f"{len(model.goal_ids):,} goals; read by zbb in {t_read:.2f} s, peer set-up {t_peer_setup:.2f} s"
    )
    print(
        f"totals: the peer agrees with zbb to the cent in {sum(o == 0 for o in off)} of {len(off)} variants "
        f"(largest difference {max(off)})"
    )
    print("| per price variant (edit + budget, total and cost by goal kept) | median | whole loop |")
    print("| --- | ---: | ---: |")
    for name in ("zbb", "peer"):
        label = "zbb: `model.with_price(r, p).budget()`" if name == "zbb" else "pandas + scipy (splu once)"
        print(f"| {label} | {1000 * statistics.median(times[name]):.2f} ms | {sum(times[name]):.2f} s |")
    ratio = statistics.median(times["peer"]) / statistics.median(times["zbb"])
    print(f"ratio peer / zbb (medians): {ratio:.2f}")


if __name__ == "__main__":
    main()
