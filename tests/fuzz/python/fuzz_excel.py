"""atheris harness: zbb.read_excel on mutated workbooks, then every question (oracle.py).

Two kinds of input, chosen by the first byte. Raw: the remaining bytes are the file (a damaged
or foreign zip, an .ods, random bytes): read_excel must answer with a zbb error. Edited: the
fuzzer's bytes drive edits of workbooks zbb wrote for the committed models (cells set to hostile
values: 1e308, NaN, numbers for prices, control characters, 40,000-character text, formulas,
dates, booleans; rows and columns inserted or deleted; header cells duplicated or blanked; sheets
renamed, removed, emptied or added) and the edited workbook is read back. Anything but a model or
a zbb error is a finding. Run by scripts/fuzz_python.sh.
"""

from __future__ import annotations

import datetime
import io
import os
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import atheris

with atheris.instrument_imports(include=["zbb", "oracle"]):
    import oracle

    import zbb

import openpyxl

warnings.simplefilter("ignore")  # openpyxl warns about odd workbooks; the outcome is what counts
REPO = Path(__file__).resolve().parents[3]
WORK = Path(tempfile.mkdtemp(prefix="zbb-fuzz-excel-"))


def _workbook_bytes(model: zbb.Model) -> bytes:
    path = WORK / "base.xlsx"
    model.to_excel(path)
    return path.read_bytes()


BASES = [
    _workbook_bytes(zbb.read_json(REPO / p))
    for p in ("tests/cli/models/packages.json", "tests/cli/models/optimize-levels.json")
]
VALUES: list[Any] = [
    0,
    -0.0,
    1.5,
    1e308,
    -1e308,
    5e-324,
    float("nan"),
    float("inf"),
    9007199254740993,
    "",
    " ",
    "G-home",
    "A-case",
    "R-cm",
    "P-muni",
    "\u202e",
    "a\nb",
    "x" * 40000,
    "9" * 31,
    "90071992547409.92",
    "78.40",
    "-5",
    "=1+1",
    "=A1",
    True,
    None,
    "zbb-model/2",
    "JPY",
    7,
    datetime.datetime(2026, 12, 1),
    datetime.time(12, 0),
    "id",
    "volume",
    "price",
    "#N/A",
]


def edited(f: atheris.FuzzedDataProvider) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(BASES[f.ConsumeIntInRange(0, len(BASES) - 1)]))
    for _ in range(f.ConsumeIntInRange(1, 8)):
        sheets = wb.worksheets
        if not sheets:
            wb.create_sheet("model")
            continue
        ws = sheets[f.ConsumeIntInRange(0, len(sheets) - 1)]
        op = f.ConsumeIntInRange(0, 12)
        row = f.ConsumeIntInRange(1, max(ws.max_row + 1, 2))
        col = f.ConsumeIntInRange(1, max(ws.max_column + 1, 2))
        if op <= 5:
            try:
                ws.cell(row=row, column=col, value=VALUES[f.ConsumeIntInRange(0, len(VALUES) - 1)])
            except (ValueError, TypeError):  # openpyxl refuses some values itself
                pass
        elif op == 6:
            ws.delete_rows(row)
        elif op == 7:
            ws.insert_rows(row)
        elif op == 8:
            ws.delete_cols(col)
        elif op == 9:
            titles = ["model", "goals", "plan", "frame", "notes", "partner_caps", "Goals"]
            ws.title = titles[f.ConsumeIntInRange(0, 6)] + ("" if f.ConsumeBool() else "1")
        elif op == 10 and len(sheets) > 1:
            wb.remove(ws)
        elif op == 11:
            ws.delete_rows(1, ws.max_row)
        else:
            wb.create_sheet(["frame", "partner_caps", "levels", "extra"][f.ConsumeIntInRange(0, 3)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_one_input(data: bytes) -> None:
    if not data:
        return
    if data[0] < 32:
        payload = data[1:]
    else:
        try:
            payload = edited(atheris.FuzzedDataProvider(data[1:]))
        except Exception:  # openpyxl could not save the edit (a title twice, ...): not zbb's door
            return
    path = WORK / "fuzzed.xlsx"
    path.write_bytes(payload)
    try:
        model = zbb.read_excel(path)
    except zbb.ZbbError:
        return
    oracle.check_model(model)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
    os.remove(WORK / "base.xlsx")
