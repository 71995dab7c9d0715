"""The whole user path, file -> model -> budget -> report, side by side in one run.

For each model file (members of the benchmark family, benchmarks/family.hpp, written by
build/benchmarks/make_family; and the reciprocal web "b" at growing sizes) it times

1. the CLI:     ``zbb budget FILE --json > OUT`` as a whole process;
2. Python:      ``zbb.read_json(FILE).budget().report_json()`` in this process;
3. the peer:    the same budget written naively with ``json.load`` and scipy (ids to codes with
   dicts, sparse matrices, ``splu`` of the whole I - S for x and u, costs rounded per line,
   ``json.dumps`` of the report) -- what an analyst would write without zbb;

checks that the peer's total agrees with zbb's to the cent (zbb's lines cross-foot, the peer's
are rounded one by one), and prints a Markdown table; with ``--plot FILE.png`` also time against
size. Medians of ``--repeat`` runs (default 3). Not a test; run by hand:

    .venv/bin/python benchmarks/user_path.py [--sizes 10000,30000,100000,300000] [--family [--members abcdef]]
                                             [--plot docs/user-path.png] [--skip-peer-above N]
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from timing import median_time  # benchmarks/timing.py (this folder is on sys.path when run as a script)

import zbb

REPO = Path(__file__).resolve().parents[1]
FAMILY_SIZES = {"a": 100_000, "b": 100_000, "c": 102_600, "d": 2_000, "e": 60_000, "f": 50_000}


def naive_budget(path: Path) -> dict[str, Any]:
    """The budget as an analyst would write it with json and scipy (no exact money)."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    acts = {a["id"]: i for i, a in enumerate(doc.get("activities") or [])}
    res = {r["id"]: i for i, r in enumerate(doc.get("resources") or [])}
    goals = {g["id"]: i for i, g in enumerate(doc.get("goals") or [])}
    parts = {p["id"]: i for i, p in enumerate(doc.get("partners") or [])}
    na, nr, ng, npart = len(acts), len(res), len(goals), len(parts)

    def matrix(
        rows: list[dict[str, Any]],
        a: str,
        ia: dict[str, int],
        b: str,
        ib: dict[str, int],
        v: str,
        shape: tuple[int, int],
    ) -> sp.csc_matrix:
        r = np.fromiter((ia[x[a]] for x in rows), dtype=np.int64, count=len(rows))
        c = np.fromiter((ib[x[b]] for x in rows), dtype=np.int64, count=len(rows))
        d = np.fromiter((float(x[v]) for x in rows), dtype=np.float64, count=len(rows))
        return sp.csc_matrix((d, (r, c)), shape=shape)

    C = matrix(doc.get("consumption") or [], "resource", res, "activity", acts, "per_unit", (nr, na))
    S = matrix(doc.get("support") or [], "supplier", acts, "consumer", acts, "per_unit", (na, na))
    D = matrix(doc.get("plan") or [], "activity", acts, "goal", goals, "volume", (na, ng))
    prices = np.array([float(r["price"]) for r in doc.get("resources") or []])
    F = matrix(doc.get("funding") or [], "partner", parts, "activity", acts, "share", (npart, na)).tolil()
    unfunded = np.asarray(F.sum(axis=0)).ravel() == 0
    for a in doc.get("activities") or []:
        if unfunded[acts[a["id"]]]:
            F[parts[a["partner"]], acts[a["id"]]] = 1.0
    F = F.tocsr()
    lu = spla.splu((sp.identity(na, format="csc") - S).tocsc())
    d = np.asarray(D.sum(axis=1)).ravel()
    x = lu.solve(d)
    c = C.T @ prices
    u = lu.solve(c, trans="T")
    activity = c * x
    report = {
        "total": f"{activity.sum():.2f}",
        "by_goal": dict(zip(goals, (f"{v:.2f}" for v in D.T @ u))),
        "by_activity": dict(zip(acts, (f"{v:.2f}" for v in activity))),
        "by_resource": dict(zip(res, (f"{v:.2f}" for v in prices * (C @ x)))),
        "by_partner": dict(zip(parts, (f"{v:.2f}" for v in F @ activity))),
        "volumes": dict(zip(acts, x.tolist())),
    }
    json.dumps(report)
    return report


def run_cli(cli: Path, path: Path, out: Path) -> str:
    with open(out, "w") as f:
        subprocess.run([str(cli), "budget", str(path), "--json"], stdout=f, check=True)
    return str(json.loads(out.read_text())["total"])


def python_path(path: Path) -> str:
    budget = zbb.read_json(path).budget()
    budget._core.report_json(None)
    return str(budget.total)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=str(REPO / "build"))
    ap.add_argument("--sizes", default="10000,30000,100000,300000", help="sizes of member b (activities)")
    ap.add_argument("--family", action="store_true", help="also every family member at its size")
    ap.add_argument("--members", default="abcdef", help="the family members --family runs")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--plot", default="")
    ap.add_argument(
        "--skip-peer-above",
        type=int,
        default=10**9,
        help="skip the scipy peer above this many activities (it can take minutes)",
    )
    args = ap.parse_args()
    cli = Path(args.build) / "zbb"
    writer = Path(args.build) / "benchmarks" / "make_family"
    cases: list[tuple[str, str, int]] = [(f"b{int(n) // 1000}k", "b", int(n)) for n in args.sizes.split(",") if n]
    if args.family:
        cases += [(f"{m} (family)", m, n) for m, n in FAMILY_SIZES.items() if m in args.members]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, member, n in cases:
            path = Path(tmp) / f"{member}-{n}.json"
            subprocess.run([str(writer), member, str(n), str(path)], check=True, capture_output=True)
            mb = os.path.getsize(path) / 1e6
            out = Path(tmp) / "out.json"
            t_cli, total_cli = median_time(functools.partial(run_cli, cli, path, out), args.repeat)
            t_py, total_py = median_time(functools.partial(python_path, path), args.repeat)
            assert total_cli == total_py, (total_cli, total_py)
            t_peer, peer_total = float("nan"), None
            if n <= args.skip_peer_above:
                t_peer, peer = median_time(functools.partial(naive_budget, path), 1 if n > 100_000 else args.repeat)
                peer_total = peer["total"]
                assert abs(Decimal(peer_total) - Decimal(total_cli)) <= Decimal("0.01"), (peer_total, total_cli)
            rows.append((label, n, mb, t_cli, t_py, t_peer))
            print(
                f"{label}: {mb:.1f} MB, CLI {t_cli:.3f} s, Python {t_py:.3f} s, peer {t_peer:.3f} s "
                f"(total {total_cli}, peer {peer_total})",
                file=sys.stderr,
                flush=True,
            )
    print(
        "| model | activities | file MB | `zbb budget --json` | Python read -> budget -> report | "
        "json.load + scipy splu | peer / CLI |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, n, mb, t_cli, t_py, t_peer in rows:
        ratio = f"{t_peer / t_cli:.1f}x" if t_peer == t_peer else "not run"
        peer = f"{t_peer:.2f} s" if t_peer == t_peer else "not run"
        print(f"| {label} | {n:,} | {mb:.1f} | {t_cli:.2f} s | {t_py:.2f} s | {peer} | {ratio} |")
    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        series = [r for r in rows if r[0].startswith("b") and "family" not in r[0]]
        fig, ax = plt.subplots(figsize=(6, 4))
        mbs = [r[2] for r in series]
        ax.loglog(mbs, [r[3] for r in series], "o-", label="zbb budget --json (CLI)")
        ax.loglog(mbs, [r[4] for r in series], "s-", label="zbb Python (read_json, budget, report)")
        peer = [(r[2], r[5]) for r in series if r[5] == r[5]]
        if peer:
            ax.loglog([p[0] for p in peer], [p[1] for p in peer], "^--", label="json.load + scipy splu")
        ax.set_xlabel("model file (MB)")
        ax.set_ylabel("file -> report (s)")
        ax.set_title("Whole user path, reciprocal web (family b)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
        fig.tight_layout()
        fig.savefig(args.plot, dpi=120)


if __name__ == "__main__":
    main()
