"""atheris harness: zbb's own unpickling path, the state a Model restores from.

``Model.__reduce__`` pickles a model as (header, tables): a dict of header fields and a dict of
tables of numpy columns; unpickling calls ``zbb._model._from_state``, which hands them to the C++
core. This harness starts from the states of the committed models and lets the fuzzer's bytes
change them: cells replaced by hostile values (1e308, NaN, denormals, wrong types, lone
surrogates), columns of another dtype, length or shape, columns and tables removed or added,
header fields changed. Not ``pickle.loads`` on arbitrary bytes (that runs arbitrary code by
design). Anything but a model or a zbb error is a finding. Run by scripts/fuzz_python.sh.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import atheris

with atheris.instrument_imports(include=["zbb", "oracle"]):
    import oracle

    import zbb
    from zbb._model import _from_state

import warnings

import numpy as np

warnings.simplefilter("ignore")  # numpy casts of hostile values warn; the outcome is what counts

REPO = Path(__file__).resolve().parents[3]
BASES = [
    zbb.read_json(REPO / p)._core.state()
    for p in (
        "tests/cli/models/packages.json",
        "tests/cli/models/optimize-levels.json",
        "examples/dementia-friendly.json",
    )
]
VALUES: list[Any] = [
    0.0,
    -0.0,
    1.0,
    1e308,
    -1e308,
    5e-324,
    float("nan"),
    float("inf"),
    9007199254740993.0,
    1e12,
    2**63 - 1,
    -1,
    "",
    "\x00",
    "\ud800",
    "a\nb",
    "\u202e",
    "x" * 5000,
    None,
    True,
    b"bytes",
    "1e5",
    "0.5",
    "9" * 31,
    "90071992547409.92",
    1.5,
    [1],
    {"a": 1},
    object(),
]


def mutate_column(f: atheris.FuzzedDataProvider, col: Any) -> Any:
    op = f.ConsumeIntInRange(0, 11)
    arr = np.asarray(col)
    if op <= 3 and arr.ndim == 1 and len(arr):
        out = arr.astype(object)
        out[f.ConsumeIntInRange(0, len(arr) - 1)] = VALUES[f.ConsumeIntInRange(0, len(VALUES) - 1)]
        if arr.dtype != object and f.ConsumeBool():
            try:
                return out.astype(arr.dtype)
            except (TypeError, ValueError, OverflowError):
                return out
        return out
    if op == 4:
        return arr[: f.ConsumeIntInRange(0, max(len(arr) - 1, 0))] if arr.ndim else arr
    if op == 5:
        return np.concatenate([arr, arr[:1]]) if arr.ndim == 1 else arr
    if op == 6:
        for dtype in (np.float32, np.int32, np.int64, np.float64, bool, "U8", object, np.complex128):
            if f.ConsumeBool():
                try:
                    return arr.astype(dtype)
                except (TypeError, ValueError, OverflowError):
                    return arr
        return arr
    if op == 7:
        return np.stack([arr, arr]) if arr.ndim == 1 else arr
    if op == 8:
        return arr[::-1] if arr.ndim == 1 else arr  # a view with a negative stride
    if op == 9:
        return (list(arr) if f.ConsumeBool() else tuple(arr)) if arr.ndim == 1 else arr
    if op == 10:
        return VALUES[f.ConsumeIntInRange(0, len(VALUES) - 1)]
    return np.repeat(arr, 2)[::2] if arr.ndim == 1 else arr  # a strided view


def test_one_input(data: bytes) -> None:
    f = atheris.FuzzedDataProvider(data)
    header, tables = BASES[f.ConsumeIntInRange(0, len(BASES) - 1)]
    header = dict(header)
    tables = {k: dict(v) for k, v in tables.items()}
    for _ in range(f.ConsumeIntInRange(1, 6)):
        what = f.ConsumeIntInRange(0, 9)
        names = list(tables)
        if what <= 5 and names:
            table = names[f.ConsumeIntInRange(0, len(names) - 1)]
            if not isinstance(tables[table], dict) or not tables[table]:
                continue
            cols = list(tables[table])
            col = cols[f.ConsumeIntInRange(0, len(cols) - 1)]
            tables[table][col] = mutate_column(f, tables[table][col])
        elif what == 6 and names:
            table = names[f.ConsumeIntInRange(0, len(names) - 1)]
            if f.ConsumeBool():
                del tables[table]
            elif isinstance(tables[table], dict) and tables[table]:
                cols = list(tables[table])
                del tables[table][cols[f.ConsumeIntInRange(0, len(cols) - 1)]]
        elif what == 7:
            key = ["nope", "goals", "frame", "levels"][f.ConsumeIntInRange(0, 3)]
            tables[key] = [{}, {"id": np.array(["x"], dtype=object)}, VALUES[f.ConsumeIntInRange(0, 5)]][
                f.ConsumeIntInRange(0, 2)
            ]
        else:
            key = ["format", "name", "description", "currency", "minor_units", "nope"][f.ConsumeIntInRange(0, 5)]
            if f.ConsumeBool() and key in header:
                del header[key]
            else:
                header[key] = VALUES[f.ConsumeIntInRange(0, len(VALUES) - 1)]
    try:
        model = _from_state(header, tables)
    except zbb.ZbbError:
        return
    oracle.check_model(model)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
