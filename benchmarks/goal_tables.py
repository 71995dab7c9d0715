"""The goal x activity table on a large model: zbb against scipy in the same run.

zbb: ``Model.budget()`` then ``Budget.goal_table("activity", wide=False)`` (exact cells whose rows
and columns cross-foot with the budget, docs/prior-year.md). Peer: scipy, with (I - S) factorised
once by ``splu``, one solve per goal's plan column and the cells c_a (x_g)_a kept where not zero,
as floats (no rounding, no cross-footing). Both start from the same model read once; the model's
own reading is timed apart.

    .venv/bin/python benchmarks/goal_tables.py MODEL.json [--repeat 3]

MODEL.json: for example the national model that ``build/benchmarks/bench_scenario --json FILE``
writes (100,000 activities, 1,000 goals).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import splu

import zbb


def zbb_path(model: zbb.Model) -> int:
    b = model.budget()
    return len(b.goal_table("activity", wide=False))


def scipy_path(model: zbb.Model, unit_costs: np.ndarray, plan: sparse.csc_array) -> int:
    support = model.matrix("support").tocsc()
    n = support.shape[0]
    lu = splu((sparse.identity(n, format="csc") - support).tocsc())
    cells = 0
    for g in range(plan.shape[1]):
        d = plan[:, [g]].toarray().ravel()
        if not d.any():
            continue
        x = lu.solve(d)
        cells += int(np.count_nonzero(unit_costs * x))
    return cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    start = time.perf_counter()
    model = zbb.read_json(args.model)
    print(f"read model: {time.perf_counter() - start:.2f} s")
    b = model.budget()
    unit_costs, plan = np.asarray(b.unit_costs), b.plan_matrix().tocsc()
    times: dict[str, list[float]] = {"zbb": [], "scipy": []}
    cells: dict[str, int] = {}
    for _ in range(args.repeat):
        for name, run in (("zbb", lambda: zbb_path(model)), ("scipy", lambda: scipy_path(model, unit_costs, plan))):
            t = time.perf_counter()
            cells[name] = run()
            times[name].append(time.perf_counter() - t)
    for name in ("zbb", "scipy"):
        print(f"{name:6s} median {statistics.median(times[name]):.2f} s over {args.repeat} runs, {cells[name]} cells")
    print(f"ratio peer / zbb: {statistics.median(times['scipy']) / statistics.median(times['zbb']):.2f}")


if __name__ == "__main__":
    main()
