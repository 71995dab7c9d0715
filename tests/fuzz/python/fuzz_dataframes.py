"""atheris harness: zbb.from_dataframes on generated DataFrames, then every question (oracle.py).

The fuzzer's bytes choose the tables' sizes, ids (hostile ones included: empty, NUL, newline,
right-to-left override, lone surrogates, 10,000 characters), links between them and every cell:
numbers from a magnitude dictionary (1e308, denormals, 2^53 + 1, NaN, infinities, -0.0) or free,
prices and shares as decimal text or as the wrong type, and cells of the wrong kind (bool, None,
Decimal, numpy integers, strings in number columns). Run by scripts/fuzz_python.sh.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from typing import Any

import atheris

with atheris.instrument_imports(include=["zbb", "oracle"]):
    import oracle

    import zbb

import numpy as np
import pandas as pd

MAGNITUDES = [
    0.0,
    -0.0,
    1.0,
    0.5,
    2.0,
    10.0,
    1e-9,
    1e9,
    1e12,
    1e-12,
    1e308,
    -1e308,
    5e-324,
    2.2250738585072014e-308,
    9007199254740993.0,
    float("nan"),
    float("inf"),
    -float("inf"),
    1e15,
    0.9999999,
    1.0000001,
    -1.0,
    1e6,
    1e-6,
    1.0000000001e12,
    1e9 + 1,
]
DECIMALS = [
    "0",
    "1",
    "0.5",
    "78.40",
    "0.000000000000000000000000000001",
    "9" * 30,
    "9" * 31,
    "90071992547409.91",
    "90071992547409.92",
    "1e5",
    "-1",
    "",
    " 1",
    "1.",
    ".5",
    "0.25",
    "0.75",
    "1.000",
    "1.0000000000000000000000000000001",
    "\u0661",
    "NaN",
    "Infinity",
    "0x10",
]
HOSTILE_IDS = ["", "\x00", "a\nb", "\u202e", "x" * 10000, "\ud800", " ", "G0", "A0", "P0", "R0", "\t"]


class Cells:
    def __init__(self, data: bytes) -> None:
        self.f = atheris.FuzzedDataProvider(data)
        # How hostile the cells are: 0 ordinary values only (most models accepted, every question
        # answered), 1 with extreme magnitudes now and then, 2 and 3 with wrong types as well.
        self.level = self.f.ConsumeIntInRange(0, 3)

    def hostile(self, one_in: int) -> bool:
        return self.level > 0 and self.f.ConsumeIntInRange(0, one_in * (4 - self.level) - 1) == 0

    def pick(self, options: list[Any]) -> Any:
        return options[self.f.ConsumeIntInRange(0, len(options) - 1)]

    def count(self, most: int) -> int:
        return self.f.ConsumeIntInRange(0, most)

    def number(self, ordinary: float = 100.0) -> Any:
        if not self.hostile(4):  # ordinary values, so that most models are accepted and answered
            return self.f.ConsumeIntInRange(0, 400) * ordinary / 400
        kind = self.f.ConsumeIntInRange(40 if self.level < 2 else 0, 63 if self.level > 1 else 59)
        if kind < 40:
            return self.f.ConsumeIntInRange(0, 400) / 4
        if kind < 52:
            return self.pick(MAGNITUDES)
        if kind < 60:
            return self.f.ConsumeRegularFloat()
        if kind == 60:
            return self.f.ConsumeIntInRange(-3, 2**62)
        return self.pick([None, True, "1", Decimal("2.5"), np.int64(3), "x", np.float32(0.1)])

    def decimal(self) -> Any:
        if not self.hostile(4):
            return self.pick(["1", "0.5", "78.40", "12", "0", "45.003", "100000"])
        kind = self.f.ConsumeIntInRange(20, 31 if self.level > 1 else 27)
        if kind < 20:
            return self.pick(["1", "0.5", "78.40", "12", "0", "45.003", "100000"])
        if kind < 28:
            return self.pick(DECIMALS)
        if kind < 30:
            return self.f.ConsumeUnicodeNoSurrogates(12)
        return self.pick([1.5, None, Decimal("0.1"), 3, True])

    def ident(self, prefix: str, i: int) -> Any:
        if self.hostile(16):
            return self.pick(HOSTILE_IDS + ([1, None, 2.5] if self.level > 1 else []))
        return f"{prefix}{i}"

    def ref(self, ids: list[Any], prefix: str) -> Any:
        if not ids or self.hostile(32):
            return self.ident(prefix, 99)
        return self.pick(ids)


def tables(c: Cells) -> tuple[dict[str, Any], dict[str, Any] | None]:
    goals = [c.ident("G", i) for i in range(c.count(3))]
    acts = [c.ident("A", i) for i in range(1 + c.count(4))]
    res = [c.ident("R", i) for i in range(c.count(3))]
    partners = [c.ident("P", i) for i in range(1 + c.count(2))]
    t: dict[str, Any] = {
        "goals": pd.DataFrame(
            {
                "id": goals,
                "baseline": [c.number() for _ in goals],
                "target": [c.number() for _ in goals],
                "weight": [c.number() for _ in goals],
            }
        ),
        "activities": pd.DataFrame(
            {
                "id": acts,
                "partner": [c.ref(partners, "P") for _ in acts],
                "min": [c.number() if c.hostile(2) else 0.0 for _ in acts],
                "max": [c.number() if c.count(3) == 0 else None for _ in acts],
            }
        ),
        "resources": pd.DataFrame(
            {
                "id": res,
                "price": [c.decimal() for _ in res],
                "category": [c.pick(["", None]) if c.hostile(8) else c.pick(["staff", "ict"]) for _ in res],
            }
        ),
        "partners": pd.DataFrame({"id": partners}),
    }
    links = {
        "effects": ("goal", goals, "G", "activity", acts, "A"),
        "consumption": ("activity", acts, "A", "resource", res, "R"),
        "support": ("supplier", acts, "A", "consumer", acts, "A"),
        "plan": ("goal", goals, "G", "activity", acts, "A"),
    }
    value = {"effects": "per_unit", "consumption": "per_unit", "support": "per_unit", "plan": "volume"}
    for table, (a, ids_a, pa, b, ids_b, pb) in links.items():
        n = c.count(6) if (ids_a and ids_b) or c.hostile(8) else 0
        pairs = [(c.ref(ids_a, pa), c.ref(ids_b, pb)) for _ in range(n)]
        if not c.hostile(8):  # a row twice now and then
            pairs = list(dict.fromkeys(pairs))
        t[table] = pd.DataFrame(
            {
                a: [p[0] for p in pairs],
                b: [p[1] for p in pairs],
                value[table]: [c.number(0.1 if table == "support" else 100.0) for _ in pairs],
            },
            columns=[a, b, value[table]],
        )
    n = c.count(3) if c.count(3) == 0 else 0  # shares must sum to 1: funding rows now and then
    t["funding"] = pd.DataFrame(
        {
            "activity": [c.ref(acts, "A") for _ in range(n)],
            "partner": [c.ref(partners, "P") for _ in range(n)],
            "share": [c.pick(["0.5", "0.25", "0.75", "1"]) if c.count(1) else c.decimal() for _ in range(n)],
        }
    )
    if c.hostile(8):  # a column twice
        name = c.pick(list(t))
        frame = t[name]
        if len(frame.columns):
            col = c.pick(list(frame.columns))
            t[name] = pd.concat([frame, frame[[col]]], axis=1)
    frame = None
    if c.count(1):
        frame = {"budget": c.decimal()}
        if c.count(2) == 0:
            frame["partner_caps"] = [{"partner": c.ref(partners, "P"), "cap": c.decimal()}]
    if c.count(2) == 0 and acts:
        second = c.pick([2, 3, 1.5, "2"]) if c.hostile(2) else 2
        t["packages"] = pd.DataFrame({"unit": ["DU", "DU"], "level": [1, second], "name": ["a", "b"]})
        t["package_volumes"] = pd.DataFrame(
            {
                "unit": ["DU", "DU"],
                "level": [1, 2],
                "activity": [c.ref(acts, "A"), c.ref(acts, "A")],
                "volume": [c.number(), c.number()],
            }
        )
    return t, frame


def test_one_input(data: bytes) -> None:
    c = Cells(data)
    t, frame = tables(c)
    currency = c.pick(["EUR", "JPY", "BHD", "XYZ", "eur"]) if c.hostile(4) else "EUR"
    minor = c.pick([None, 0, 6, 7, -1]) if c.hostile(4) else None
    try:
        model = zbb.from_dataframes(
            t, name=c.pick(["m", "\x00", "a\u202eb"]), currency=currency, minor_units=minor, frame=frame
        )
    except zbb.ZbbError:
        return
    oracle.check_model(model)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
