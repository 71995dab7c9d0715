"""Comparing 1,000 price variants side by side, in one process and through executors, in one run.

The model is a member of the benchmark family (benchmarks/family.hpp, written by
``build/benchmarks/make_family MEMBER ACTIVITIES FILE``). Each variant is a variant file's text
(``zbb-variant/1``) changing the price of one resource. Timed, each on the whole path from variant
texts to the comparison's JSON report:

1. ``zbb.compare_variants(model, variants)``: one call into the core, in this process;
2. the same with ``executor=ThreadPoolExecutor(2)`` (the core releases the GIL);
3. the same with ``executor=`` a Dask distributed ``LocalCluster`` of 2 worker processes
   (``--objective least-cost`` makes every column a least-cost LP instead of a budget);
4. peer: pandas + scipy, as in benchmarks/price_variants.py (``splu`` of (I - S)^T once, then
   per variant c = C^T p, u, cost by goal D^T u rounded per goal), then one DataFrame with a
   column per variant and the change of each goal against the base. It computes less than zbb
   (no exact breakdowns by activity, resource, partner and category, no allocation of the
   changes, no dominance, no report).

The executor runs are checked to give the same report as the run in one process; the peer's totals
that differ from zbb's are counted and printed. Not a test; run by hand (after scripts/install.sh):

    .venv/bin/python benchmarks/compare_executor.py [--member a] [--activities 2000] [--variants 1000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from price_variants import Peer, variant_price

import zbb

REPO = Path(__file__).resolve().parents[1]


def timed(fn: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--member", default="a")
    ap.add_argument("--activities", type=int, default=2000)
    ap.add_argument("--variants", type=int, default=1000)
    ap.add_argument("--chunksize", type=int, default=50)
    ap.add_argument("--objective", default="budget", choices=["budget", "least-cost", "max-effect"])
    ap.add_argument("--make-family", type=Path, default=REPO / "build" / "benchmarks" / "make_family")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "family.json"
        subprocess.run([str(args.make_family), args.member, str(args.activities), str(path)], check=True)
        model = zbb.read_json(path)
        peer = Peer(path)
    resources = list(model.resource_ids)
    texts = [
        json.dumps(
            {
                "format": "zbb-variant/1",
                "name": f"price {k}",
                "changes": [{"set": "resource.price", "id": resources[k % len(resources)], "value": variant_price(k)}],
            }
        )
        for k in range(args.variants)
    ]
    print(
        f"model: family member {args.member}, {len(model.activity_ids)} activities, {len(resources)} resources, "
        f"{len(model.goal_ids)} goals; {args.variants} price variants ({args.objective}), chunksize {args.chunksize}"
    )

    def run_zbb(executor: Any = None) -> str:
        variants = [zbb.Variant(t, f"v{k}.json") for k, t in enumerate(texts)]
        kw = {} if executor is None else {"executor": executor, "chunksize": args.chunksize}
        return zbb.compare_variants(model, variants, objective=args.objective, **kw).report_json()

    t_one, report = timed(run_zbb)
    with ThreadPoolExecutor(2) as pool:
        t_threads, threads = timed(lambda: run_zbb(pool))
    import distributed

    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        run_zbb(client.get_executor())  # warm-up: the workers import zbb
        t_dask, dask = timed(lambda: run_zbb(client.get_executor()))
    assert threads == report and dask == report, "an executor changed the comparison"

    def run_peer() -> tuple[pd.DataFrame, dict[str, Decimal]]:
        base_total, base_goals = peer.run(resources[0], str(model.table("resources")["price"].iloc[0]))
        columns = {"base": base_goals}
        totals = {"base": base_total}
        for k in range(args.variants):
            total, goals = peer.run(resources[k % len(resources)], variant_price(k))
            columns[f"price {k}"] = goals
            totals[f"price {k}"] = total
        frame = pd.DataFrame(columns)
        change = frame.sub(frame["base"], axis=0)
        return pd.concat({"amount": frame, "change": change}, axis=1), totals

    t_peer, (_, peer_totals) = timed(run_peer)
    if args.objective == "budget":  # the peer computes the budget of the model's own plan
        ours = json.loads(report)["variants"]
        off = sum(1 for name, total in peer_totals.items() if Decimal(ours[name]["total"]) != total)
        print(f"peer totals that differ from zbb's by a cent or more: {off} of {len(peer_totals)}")
    rows = [
        ("zbb, one process (compare_variants)", t_one),
        ("zbb, ThreadPoolExecutor(2)", t_threads),
        ("zbb, Dask LocalCluster (2 processes)", t_dask),
        ("peer: pandas + scipy (goals only)", t_peer),
    ]
    print(f"{'whole path, variant texts to report':44} {'seconds':>8} {'ms/variant':>11} {'peer/this':>10}")
    for label, t in rows:
        print(f"{label:44} {t:8.2f} {1000 * t / args.variants:11.2f} {t_peer / t:10.2f}")


if __name__ == "__main__":
    main()
