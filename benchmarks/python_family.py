"""Python at the CLI's speed, per member of the benchmark family (benchmarks/family.hpp).

For each member it writes the model with build/benchmarks/make_family (or reuses --dir/M.json),
then times, in this process (medians):

- ``zbb.read_json(FILE)``                       (goal: as fast as the CLI's reader)
- ``zbb.from_dataframes(model.to_dataframes())`` (goal on b: at most 1.5 s)
- ``model.budget()`` with the factorisation reused (goal on a to e: at most 10 ms)
- ``budget.report_json()``                      (linear)
- ``pickle.loads`` of a pickled model            (linear in its size)

and prints a Markdown table. Not a test; run by hand:

    .venv/bin/python benchmarks/python_family.py [--members abcdef] [--dir /tmp/fam]
"""

from __future__ import annotations

import argparse
import functools
import pickle
import subprocess
from pathlib import Path

from timing import median_time  # benchmarks/timing.py (this folder is on sys.path when run as a script)

import zbb

REPO = Path(__file__).resolve().parents[1]
FAMILY_SIZES = {"a": 100_000, "b": 100_000, "c": 102_600, "d": 2_000, "e": 60_000, "f": 50_000}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", default="abcdef")
    ap.add_argument("--dir", default="/tmp/zbb-family")
    ap.add_argument("--build", default=str(REPO / "build"))
    ap.add_argument("--repeat", type=int, default=5, help="runs of the slow steps (budget: 4x)")
    args = ap.parse_args()
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    print("| member | file | read_json | from_dataframes | budget() | report_json | unpickle (pickle size) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for m in args.members:
        path = folder / f"{m}.json"
        if not path.exists():
            subprocess.run(
                [str(Path(args.build) / "benchmarks" / "make_family"), m, str(FAMILY_SIZES[m]), str(path)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        t_read, model = median_time(functools.partial(zbb.read_json, path), args.repeat)
        frames = model.to_dataframes()
        t_frames, _ = median_time(functools.partial(zbb.from_dataframes, frames, name=model.name), args.repeat)
        model.budget()  # warm
        t_budget, budget = median_time(model.budget, 4 * args.repeat + 1)
        t_report, _ = median_time(budget.report_json, args.repeat)
        blob = pickle.dumps(model)
        t_unpickle, _ = median_time(functools.partial(pickle.loads, blob), args.repeat)
        print(
            f"| {m} | {path.stat().st_size / 1e6:.0f} MB | {t_read:.2f} s | {t_frames:.2f} s | "
            f"{t_budget * 1e3:.1f} ms | {t_report:.3f} s | {t_unpickle:.2f} s ({len(blob) / 1e6:.0f} MB) |",
            flush=True,
        )


if __name__ == "__main__":
    main()
