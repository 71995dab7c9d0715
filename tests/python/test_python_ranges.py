"""Ranges of coefficients and prices (docs/model-format.md, "Ranges") from Python: every door keeps
them (JSON, DataFrames, workbooks, pickling), the budget ignores them, and bad ranges are refused
naming the row and the field, as the C++ reader does."""

from __future__ import annotations

import json
import pickle
import re
from decimal import Decimal
from pathlib import Path

import pytest

import zbb

REPO = Path(__file__).resolve().parents[2]


def _ranged() -> zbb.Model:
    """The "Ranges" example of docs/model-format.md."""
    text = (REPO / "docs" / "model-format.md").read_text(encoding="utf-8")
    block = re.search(r"## Ranges.*?```json\n(.*?)```", text, re.S)
    assert block, "docs/model-format.md has no json example under Ranges"
    return zbb.from_dict(json.loads(block.group(1)))


def test_ranges_survive_every_door(tmp_path: Path) -> None:
    model = _ranged()
    tables = model.to_dataframes()
    assert tables["effects"].loc[0, "low"] == 0.03 and tables["effects"].loc[0, "high"] == 0.06
    assert tables["resources"].loc[0, "price_low"] == Decimal("76.00")
    assert tables["resources"].loc[1, "price_low"] is None  # no range: absent, not zero
    again = zbb.from_dataframes(tables, name=model.name, currency=model.currency)
    assert again == model
    assert pickle.loads(pickle.dumps(model)) == model
    model.to_excel(tmp_path / "m.xlsx")
    assert zbb.read_excel(tmp_path / "m.xlsx") == model
    model.to_json(tmp_path / "m.json")
    assert zbb.read_json(tmp_path / "m.json") == model


def test_the_budget_uses_the_likely_values() -> None:
    model = _ranged()
    doc = model.to_dict()
    for table in ("effects", "consumption", "support"):
        for row in doc[table]:
            row.pop("low", None)
            row.pop("high", None)
    for row in doc["resources"]:
        row.pop("price_low", None)
        row.pop("price_high", None)
    plain = zbb.from_dict(doc)
    assert plain != model
    assert plain.budget().report_json() == model.budget().report_json()


@pytest.mark.parametrize(
    ("table", "row", "values", "cls", "message"),
    [
        ("effects", 0, {"high": None}, zbb.ModelError, "effects 'G-home -> A-case', field 'high': missing"),
        ("effects", 0, {"low": 0.07, "high": 0.09}, zbb.ModelError, "field 'low': 0.07 is above per_unit 0.05"),
        ("consumption", 0, {"low": -1.0, "high": 40.0}, zbb.ModelError, "field 'low': must not be negative (got -1)"),
        ("support", 0, {"low": 1.0, "high": 1.2}, zbb.ModelError, "field 'high': 1.2 is below per_unit 1.5"),
        (
            "resources",
            0,
            {"price_low": "80.00"},
            zbb.ModelError,
            "resource 'R-cm', field 'price_low': \"80.00\" is above",
        ),
        ("resources", 0, {"price_high": "9" * 30}, zbb.MoneyOverflowError, "field 'price_high'"),
        ("resources", 0, {"price_low": 76.0}, zbb.ModelError, "resource 'R-cm', field 'price_low': got float 76.0"),
    ],
)
def test_bad_ranges_are_refused_from_dataframes(
    table: str, row: int, values: dict[str, object], cls: type[Exception], message: str
) -> None:
    model = _ranged()
    tables = model.to_dataframes()
    frame = tables[table].copy()
    for column, value in values.items():
        frame[column] = frame[column].astype(object)
        frame.at[row, column] = value
    tables[table] = frame
    with pytest.raises(cls) as err:
        zbb.from_dataframes(tables, name=model.name, currency=model.currency).budget()
    assert type(err.value) is cls
    assert message in str(err.value)
