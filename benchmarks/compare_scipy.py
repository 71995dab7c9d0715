"""Side by side: zbb's forward budget build against the same computation in scipy.sparse.

Runs the Google Benchmark program (C++), dumps its generated national-scale model, computes the
same budget with scipy.sparse in two ways an analyst might write it, checks the totals agree, and
prints the times and ratios.

    python benchmarks/compare_scipy.py [--bench build/benchmarks/bench_budget]

Build the benchmark first (scripts/install.sh does):
    cmake -S . -B build -DZBB_BUILD_BENCHMARKS=ON && cmake --build build
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from timing import best_of  # benchmarks/timing.py (this folder is on sys.path when run as a script)


def load(dirname: Path, name: str, shape: tuple[int, int]) -> sp.csc_matrix:
    r = np.fromfile(dirname / f"{name}.rows.i32", dtype=np.int32)
    c = np.fromfile(dirname / f"{name}.cols.i32", dtype=np.int32)
    v = np.fromfile(dirname / f"{name}.vals.f64", dtype=np.float64)
    return sp.csc_matrix((v, (r, c)), shape=shape)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default="build/benchmarks/bench_budget")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    res = subprocess.run(
        [args.bench, "--benchmark_filter=BM_budget|BM_support_factorise", "--benchmark_format=json"],
        check=True,
        capture_output=True,
        text=True,
    )
    bench = {b["name"].split("/")[0]: b for b in json.loads(res.stdout)["benchmarks"]}
    zbb_budget_ms = bench["BM_budget"]["real_time"]
    zbb_factorise_ms = bench["BM_support_factorise"]["real_time"]

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        subprocess.run([args.bench, "--dump", str(d)], check=True, capture_output=True)
        meta = json.loads((d / "meta.json").read_text())
        na, nr, ng, npart = meta["activities"], meta["resources"], meta["goals"], meta["partners"]
        E = load(d, "effects", (ng, na))
        C = load(d, "consumption", (nr, na))
        S = load(d, "support", (na, na))
        F = load(d, "funding_shares", (npart, na))
        D = load(d, "plan", (na, ng))
        prices = np.fromfile(d / "prices.f64")
        baseline = np.fromfile(d / "baseline.f64")

    def naive() -> float:
        # As written without zbb: factorise the whole (I - S), solve x and u.
        lu = spla.splu(sp.identity(na, format="csc") - S)
        d_vec = np.asarray(D.sum(axis=1)).ravel()
        x = lu.solve(d_vec)
        c = C.T @ prices
        u = lu.solve(c, trans="T")
        by_resource = prices * (C @ x)
        by_activity = c * x
        by_goal = D.T @ u
        by_partner = F @ by_activity
        _projected = baseline + E @ x
        _ = (by_resource.sum(), by_goal.sum(), by_partner.sum())
        return float(by_activity.sum())

    def structured() -> float:
        # The same with the supplier block only (x = d outside the rows of S that are non-zero).
        rows = np.unique(S.tocoo().row)
        Sp = S.tocsr()[rows, :]
        block = (sp.identity(len(rows), format="csc") - Sp[:, rows]).tocsc()
        lu = spla.splu(block)
        d_vec = np.asarray(D.sum(axis=1)).ravel()
        d_out = d_vec.copy()
        d_out[rows] = 0.0
        x = d_vec.copy()
        x[rows] = lu.solve(d_vec[rows] + Sp @ d_out)
        c = C.T @ prices
        up = lu.solve(c[rows], trans="T")
        u = c + Sp.T @ up
        u[rows] = up
        by_resource = prices * (C @ x)
        by_activity = c * x
        by_goal = D.T @ u
        by_partner = F @ by_activity
        _projected = baseline + E @ x
        _ = (by_resource.sum(), by_goal.sum(), by_partner.sum())
        return float(by_activity.sum())

    t_naive, total_naive = best_of(naive, 1)
    t_struct, total_struct = best_of(structured, args.repeat)
    zbb_total = Decimal(meta["total"])
    for label, total in (("naive", total_naive), ("structured", total_struct)):
        # scipy totals are in euros as floats; zbb's is exact to the cent.
        assert abs(Decimal(repr(total)) - zbb_total) <= Decimal("0.02"), (label, total, zbb_total)

    print(
        f"model: {na} activities, {nr} resources, {ng} goals, consumption nnz {C.nnz}, "
        f"support nnz {S.nnz}, suppliers {len(np.unique(S.tocoo().row))}"
    )
    print(f"zbb compute_budget (factorisation reused) : {zbb_budget_ms:9.2f} ms")
    print(f"zbb support factorisation (once per model): {zbb_factorise_ms:9.2f} ms")
    print(f"zbb both                                  : {zbb_budget_ms + zbb_factorise_ms:9.2f} ms")
    print(
        f"scipy splu of the whole (I - S)           : {t_naive * 1e3:9.2f} ms "
        f"(ratio scipy/zbb {t_naive * 1e3 / (zbb_budget_ms + zbb_factorise_ms):.1f}x)"
    )
    print(
        f"scipy splu of the supplier block          : {t_struct * 1e3:9.2f} ms "
        f"(ratio scipy/zbb {t_struct * 1e3 / (zbb_budget_ms + zbb_factorise_ms):.1f}x)"
    )
    print(f"totals: zbb {zbb_total}, scipy naive {total_naive:.4f}, structured {total_struct:.4f}")


if __name__ == "__main__":
    main()
