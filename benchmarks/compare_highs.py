#!/usr/bin/env python3
"""Solves zbb's least-cost LP with scipy's HiGHS and compares it with CLP.

Usage:
    bench_optimize --dump /tmp/zbb-lp          # writes the LP of BM_least_cost (and CLP's answer)
    python3 benchmarks/compare_highs.py /tmp/zbb-lp

The LP is read from raw little-endian arrays: A as triplets (a.rows.i32, a.cols.i32, a.vals.f64),
objective.f64, col_lower/col_upper.f64, row_lower/row_upper.f64 (+-inf for none), meta.json with
CLP's objective and time. Prints the HiGHS time per method and the relative objective difference.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog


def load(d: Path) -> tuple[sp.csr_matrix, dict[str, np.ndarray], dict[str, float]]:
    meta = json.loads((d / "meta.json").read_text())
    rows = np.fromfile(d / "a.rows.i32", dtype="<i4")
    cols = np.fromfile(d / "a.cols.i32", dtype="<i4")
    vals = np.fromfile(d / "a.vals.f64", dtype="<f8")
    a = sp.csr_matrix((vals, (rows, cols)), shape=(meta["rows"], meta["cols"]))
    arrays = {
        name: np.fromfile(d / f"{name}.f64", dtype="<f8")
        for name in ("objective", "col_lower", "col_upper", "row_lower", "row_upper")
    }
    return a, arrays, meta


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    d = Path(sys.argv[1])
    a, v, meta = load(d)
    # linprog wants A_ub x <= b_ub: rows with a finite upper bound as they are, rows with a finite
    # lower bound negated.
    up = np.isfinite(v["row_upper"])
    lo = np.isfinite(v["row_lower"])
    a_ub = sp.vstack([a[up], -a[lo]]).tocsr()
    b_ub = np.concatenate([v["row_upper"][up], -v["row_lower"][lo]])
    bounds = np.column_stack([v["col_lower"], np.where(np.isinf(v["col_upper"]), np.inf, v["col_upper"])])
    print(f"LP: {meta['rows']} rows, {meta['cols']} columns, {a.nnz} non-zeros")
    print(f"CLP (zbb, automatic): objective {meta['clp_objective']:.4f} in {meta['clp_seconds']:.3f} s")
    for method in ("highs-ds", "highs-ipm", "highs"):
        t0 = time.perf_counter()
        res = linprog(v["objective"], A_ub=a_ub, b_ub=b_ub, bounds=bounds, method=method)
        dt = time.perf_counter() - t0
        if res.status != 0:
            print(f"scipy {method}: status {res.status} ({res.message}) in {dt:.3f} s")
            continue
        rel = abs(res.fun - meta["clp_objective"]) / max(1.0, abs(meta["clp_objective"]))
        print(f"scipy {method}: objective {res.fun:.4f} in {dt:.3f} s (relative difference to CLP {rel:.2e})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
