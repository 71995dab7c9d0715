"""The BBV view's whole path, file -> model -> budget -> BBV view -> report, beside a peer in one run.

zbb, two ways:

1. the CLI:  ``zbb bbv FILE --json > /dev/null`` as a whole process (every year of the estimate);
2. Python:   ``zbb.read_json(FILE).bbv().report_json()`` in this process.

The peer is what an analyst would write without zbb, for the budget year only: ``json.load``, ids
to codes with dicts, sparse matrices, ``splu`` of I - S once, volumes and own costs as floats,
``np.bincount`` per taakveld and per economic category, one solve per goal for the reconciliation
(goal x taakveld, floats), ``json.dumps`` of the result. No exact money, no rounding that
cross-foots, no years. The totals are compared to the cent.

    .venv/bin/python benchmarks/bbv_path.py FILE [FILE...] [--repeat 3] [--with-codes OUT.json]

``--with-codes OUT.json`` first writes FILE with taakvelden (cycling over 6.1, 6.2, 6.71, 7.1;
suppliers left on 0.4) and economic categories (cycling over 1.1, 3.5.1, 3.8, 4.2) added, and
times that file: any model of the benchmark family (build/benchmarks/make_family, or the national
model of ``build/benchmarks/bench_scenario --json FILE``) becomes a BBV model. Not a test; run by
hand.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from timing import median_time  # benchmarks/timing.py

import zbb

REPO = Path(__file__).resolve().parents[1]
CLI = Path(os.environ.get("ZBB_CLI", REPO / "build" / "zbb"))
TAAKVELDEN = ["6.1", "6.2", "6.71", "7.1"]
CATEGORIES = ["1.1", "3.5.1", "3.8", "4.2"]


def with_codes(path: str, out: str) -> str:
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    suppliers = {s["supplier"] for s in doc.get("support", []) if s.get("per_unit", 0) != 0}
    for i, a in enumerate(doc["activities"]):
        if a["id"] not in suppliers:
            a["taakveld"] = TAAKVELDEN[i % len(TAAKVELDEN)]
    for i, r in enumerate(doc["resources"]):
        r["economic_category"] = CATEGORIES[i % len(CATEGORIES)]
    doc.pop("years", None)  # the peer has no years; compare the budget year alone
    Path(out).write_text(json.dumps(doc), encoding="utf-8")
    return out


def peer(path: str) -> Decimal:
    doc: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    acts = {a["id"]: i for i, a in enumerate(doc["activities"])}
    goals = {g["id"]: i for i, g in enumerate(doc["goals"])}
    res = {r["id"]: i for i, r in enumerate(doc["resources"])}
    na, ng, nr = len(acts), len(goals), len(res)
    prices = np.array([float(r["price"]) for r in doc["resources"]])

    def matrix(
        rows: list[dict[str, Any]], a: str, b: str, ia: dict[str, int], ib: dict[str, int], shape: tuple[int, int]
    ) -> Any:
        return sp.csc_array(
            (
                [r["per_unit" if "per_unit" in r else "volume"] for r in rows],
                ([ia[r[a]] for r in rows], [ib[r[b]] for r in rows]),
            ),
            shape=shape,
        )

    cons = matrix(doc["consumption"], "resource", "activity", res, acts, (nr, na))
    support = matrix(doc.get("support", []), "supplier", "consumer", acts, acts, (na, na))
    plan = matrix(doc["plan"], "activity", "goal", acts, goals, (na, ng))
    lu = spla.splu(sp.csc_matrix(sp.identity(na, format="csc") - support))
    d = np.asarray(plan.sum(axis=1)).ravel()
    x = lu.solve(d)
    c = cons.T @ prices
    own = c * x
    suppliers = set(support.tocoo().row.tolist())
    codes = ["0.4"] + sorted({a.get("taakveld", "0.4") for a in doc["activities"]} - {"0.4"})
    code_of = np.array(
        [codes.index(a.get("taakveld") or ("0.4" if i in suppliers else "?")) for i, a in enumerate(doc["activities"])]
    )
    by_taakveld = np.bincount(code_of, weights=own, minlength=len(codes))
    cat_codes = sorted({r["economic_category"] for r in doc["resources"]})
    cat_of = np.array([cat_codes.index(r["economic_category"]) for r in doc["resources"]])
    by_category = np.bincount(cat_of, weights=prices * (cons @ x), minlength=len(cat_codes))
    reconciliation = np.zeros((ng, len(codes)))
    plan_csc = plan.tocsc()
    for g in range(ng):
        dg = plan_csc[:, [g]].toarray().ravel()
        if dg.any():
            reconciliation[g] = np.bincount(code_of, weights=c * lu.solve(dg), minlength=len(codes))
    report = {
        "by_taakveld": dict(zip(codes, by_taakveld.round(2).tolist())),
        "by_economic_category": dict(zip(cat_codes, by_category.round(2).tolist())),
        "goal_taakveld": reconciliation.round(2).tolist(),
    }
    json.dumps(report)
    return Decimal(repr(round(float(own.sum()), 2))).quantize(Decimal("0.01"))


def run_cli(path: str) -> None:
    subprocess.run([str(CLI), "bbv", path, "--json"], check=True, stdout=subprocess.DEVNULL)


def run_python(path: str) -> str:
    return zbb.read_json(path).bbv().report_json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--with-codes", metavar="OUT.json")
    args = parser.parse_args()
    files = [with_codes(args.files[0], args.with_codes)] if args.with_codes else args.files
    print("| file | activities | goals | CLI `zbb bbv --json` | Python `.bbv()` | peer (scipy, floats) | peer / CLI |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for f in files:
        model = zbb.read_json(f)
        total = model.budget().total

        t_cli, _ = median_time(functools.partial(run_cli, f), args.repeat)
        t_py, _ = median_time(functools.partial(run_python, f), args.repeat)
        t_peer, peer_total = median_time(functools.partial(peer, f), args.repeat)
        agree = "yes" if abs(peer_total - total) <= Decimal("0.01") else f"no ({peer_total} against {total})"
        print(
            f"| {Path(f).name} | {len(model.activity_ids):,} | {len(model.goal_ids):,} | {t_cli:.2f} s | {t_py:.2f} s "
            f"| {t_peer:.2f} s | {t_peer / t_cli:.2f} |"
        )
        print(f"\ntotals agree to the cent: {agree}")


if __name__ == "__main__":
    main()
