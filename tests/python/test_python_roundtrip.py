"""Lossless round trips: JSON -> Python -> JSON, DataFrames -> model -> DataFrames, Excel -> model ->
Excel, dict -> model -> dict."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import zbb
from conftest import example_paths
from model_gen import generate_model, write_model

#: the top-level tables of the JSON format (levels are nested in activities, package volumes in packages)
JSON_TABLES = (
    "goals",
    "activities",
    "resources",
    "partners",
    "effects",
    "consumption",
    "support",
    "funding",
    "plan",
    "packages",
)


def header(model: zbb.Model) -> dict[str, object]:
    return {
        "name": model.name,
        "description": model.description,
        "currency": model.currency,
        "minor_units": model.minor_units,
        "frame": model.frame,
        "years": model.years,
    }


def generated_paths(tmp_path: Path) -> list[Path]:
    out = []
    for seed in range(8):
        rng = random.Random(seed)
        model = generate_model(
            rng, rng.randint(1, 6), rng.randint(3, 25), rng.randint(1, 8), rng.randint(1, 5), rng.randint(0, 5)
        )
        out.append(write_model(model, tmp_path / f"gen{seed}.json"))
    return out


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.name)
def test_json_round_trip(path: Path, tmp_path: Path) -> None:
    model = zbb.read_json(path)
    out = tmp_path / "out.json"
    model.to_json(out)
    again = zbb.read_json(out)
    assert again == model
    assert again.to_json() == out.read_text(encoding="utf-8")
    # the written file holds the same data as the original (prices keep their text, numbers their value)
    original = json.loads(path.read_text(encoding="utf-8"))
    written = json.loads(out.read_text(encoding="utf-8"))
    for table in JSON_TABLES:
        rows_in, rows_out = original.get(table) or [], written.get(table) or []
        assert len(rows_in) == len(rows_out)
        for a, b in zip(rows_in, rows_out):
            assert all(b[k] == v for k, v in a.items()), (table, a, b)


def test_generated_json_and_frames_round_trip(tmp_path: Path) -> None:
    for path in generated_paths(tmp_path):
        model = zbb.read_json(path)
        assert zbb.Model.from_json_text(model.to_json()) == model
        tables = model.to_dataframes()
        rebuilt = zbb.from_dataframes(tables, **header(model))
        assert rebuilt == model
        for name, frame in rebuilt.to_dataframes().items():
            pd.testing.assert_frame_equal(frame, tables[name])
        assert zbb.from_dict(model.to_dict()) == model


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.name)
def test_dataframes_round_trip(path: Path) -> None:
    model = zbb.read_json(path)
    tables = model.to_dataframes()
    assert list(tables) == list(zbb.TABLE_COLUMNS)
    for name, frame in tables.items():
        assert list(frame.columns) == zbb.TABLE_COLUMNS[name]
    rebuilt = zbb.from_dataframes(tables, **header(model))
    assert rebuilt == model
    for name, frame in rebuilt.to_dataframes().items():
        pd.testing.assert_frame_equal(frame, tables[name])


def test_dataframes_with_decimal_and_text_prices(example_model: zbb.Model) -> None:
    tables = example_model.to_dataframes()
    resources = tables["resources"]
    assert all(isinstance(p, Decimal) for p in resources["price"])
    assert resources["price"][0] == Decimal("78.40") and str(resources["price"][0]) == "78.40"
    as_text = resources.assign(price=[str(p) for p in resources["price"]])
    assert zbb.from_dataframes({**tables, "resources": as_text}, **header(example_model)) == example_model
    # entity tables may carry their id as the index; optional columns may be left out
    goals = tables["goals"].set_index("id").drop(columns=["weight", "unit"])
    model = zbb.from_dataframes({**tables, "goals": goals}, **header(example_model))
    assert model.goal_ids == example_model.goal_ids
    assert model.budget().total == example_model.budget().total


def test_dict_round_trip(example_model: zbb.Model) -> None:
    data = example_model.to_dict()
    assert data["resources"][0]["price"] == "78.40"
    assert zbb.from_dict(data) == example_model
    data["resources"][0]["price"] = Decimal("78.40")
    data["goals"][0]["baseline"] = Decimal("620")
    assert zbb.from_dict(data) == example_model
    data["resources"][0]["price"] = 78
    assert zbb.from_dict(data).table("resources")["price"][0] == Decimal("78")


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.name)
def test_excel_round_trip(path: Path, tmp_path: Path) -> None:
    model = zbb.read_json(path)
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    model.to_excel(first)
    again = zbb.read_excel(first)
    assert again == model
    again.to_excel(second)
    assert sheets(first) == sheets(second)
    # prices and shares are text cells
    wb = openpyxl.load_workbook(first)
    for title, column in (("resources", "price"), ("funding", "share")):
        ws = wb[title]
        col = [c.value for c in ws[1]].index(column)
        for row in ws.iter_rows(min_row=2):
            assert isinstance(row[col].value, str) and row[col].number_format == "@"


def test_excel_round_trip_generated(tmp_path: Path) -> None:
    for path in generated_paths(tmp_path):
        model = zbb.read_json(path)
        model.to_excel(tmp_path / "m.xlsx")
        assert zbb.read_excel(tmp_path / "m.xlsx") == model


def sheets(path: Path) -> dict[str, list[tuple[object, ...]]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    finally:
        wb.close()


def test_excel_numeric_price_refused(example_model: zbb.Model, tmp_path: Path) -> None:
    path = tmp_path / "m.xlsx"
    example_model.to_excel(path)
    wb = openpyxl.load_workbook(path)
    wb["resources"]["D2"] = 78.4  # a numeric cell
    wb.save(path)
    with pytest.raises(zbb.ModelError, match="text cells") as info:
        zbb.read_excel(path)
    assert (info.value.entity, info.value.id, info.value.field) == ("resource", "R-cm", "price")
    model = zbb.read_excel(path, allow_float_prices=True)
    assert model.table("resources")["price"][0] == Decimal("78.4")


def test_excel_unknown_sheet_refused(example_model: zbb.Model, tmp_path: Path) -> None:
    path = tmp_path / "m.xlsx"
    example_model.to_excel(path)
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("notes")
    wb.save(path)
    with pytest.raises(zbb.ModelError, match="unknown sheet") as info:
        zbb.read_excel(path)
    assert info.value.field == "notes"
