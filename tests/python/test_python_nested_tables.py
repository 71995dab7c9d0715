"""Levels and decision packages as long tables: the DataFrames ``levels``, ``packages`` and
``package_volumes`` and the matching workbook sheets carry them losslessly; bad rows are refused
with the JSON reader's message."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

import zbb
from model_gen import generate_model, write_model

NESTED = ("levels", "packages", "package_volumes")


def header(model: zbb.Model) -> dict[str, Any]:
    return {
        "name": model.name,
        "description": model.description,
        "currency": model.currency,
        "minor_units": model.minor_units,
        "frame": model.frame,
    }


def with_levels_and_packages(seed: int) -> dict[str, Any]:
    """A generated model (plain dict) with levels on some activities and decision packages."""
    rng = random.Random(seed)
    doc = generate_model(
        rng, rng.randint(1, 4), rng.randint(3, 12), rng.randint(1, 5), rng.randint(1, 4), rng.randint(0, 2)
    )
    for activity in doc["activities"]:
        if rng.random() < 0.5:
            up_to, effect = 0, 1000
            levels = []
            for _ in range(rng.randint(1, 4)):
                up_to += rng.choice([rng.randint(1, 10**6), Decimal(rng.randint(1, 10**6)).scaleb(-1)])
                effect = max(0, effect - rng.randint(0, 300))
                text = rng.choice([f"{effect / 1000:.3f}", f"{effect / 1000:.2f}", str(effect // 1000)])
                levels.append({"up_to": up_to, "effect": text})
                effect = int(Decimal(text) * 1000)
            activity["levels"] = levels
    ids = [a["id"] for a in doc["activities"]]
    packages = []
    for u in range(rng.randint(1, 4)):
        for level in range(1, rng.randint(1, 4) + 1):
            package: dict[str, Any] = {"unit": f"DU-{u}", "level": level}
            if rng.random() < 0.7:
                package["name"] = rng.choice(["minimum", "current", "enhanced «plus»", ""])
            if rng.random() < 0.5:
                package["priority"] = rng.choice([1, 2, Decimal("2.5"), -1])
            package["volumes"] = [
                {"activity": a, "volume": rng.choice([0, 30, Decimal("12.5")])}
                for a in rng.sample(ids, rng.randint(0, min(3, len(ids))))
            ]
            packages.append(package)
    rng.shuffle(packages)  # rows keep their order; levels need not be sorted
    doc["packages"] = packages
    return doc


@pytest.fixture(params=range(6), ids=lambda s: f"seed{s}")
def generated_model(request: pytest.FixtureRequest, tmp_path: Path) -> zbb.Model:
    path = write_model(with_levels_and_packages(request.param), tmp_path / "gen.json")
    return zbb.read_json(path)


def test_tables_of_the_example(example_model: zbb.Model) -> None:
    tables = example_model.to_dataframes()
    assert list(tables)[-3:] == list(NESTED)
    levels = tables["levels"]
    assert list(levels["activity"]) == ["A-case", "A-case", "A-respite", "A-respite"]
    assert list(levels["up_to"]) == [450, 600, 1000, 1460] and levels["up_to"].dtype == "float64"
    assert list(levels["effect"]) == [Decimal("1"), Decimal("0.6"), Decimal("1"), Decimal("0.7")]
    packages, volumes = tables["packages"], tables["package_volumes"]
    doc = example_model.to_dict()
    assert len(packages) == len(doc["packages"]) == 18
    assert packages["level"].dtype == "int64" and volumes["level"].dtype == "int64"
    assert list(zip(packages["unit"], packages["level"])) == [(p["unit"], p["level"]) for p in doc["packages"]]
    assert len(volumes) == sum(len(p["volumes"]) for p in doc["packages"])
    for name in NESTED:
        pd.testing.assert_frame_equal(example_model.table(name), tables[name])


def test_example_round_trips_through_dataframes_and_excel(example_model: zbb.Model, tmp_path: Path) -> None:
    tables = example_model.to_dataframes()
    rebuilt = zbb.from_dataframes(tables, **header(example_model))
    assert rebuilt == example_model
    assert rebuilt.to_json() == example_model.to_json()
    assert zbb.Model.from_dataframes(**tables, **header(example_model)) == example_model  # as keywords
    path = tmp_path / "m.xlsx"
    example_model.to_excel(path)
    assert zbb.read_excel(path) == example_model
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[-5:] == ["levels", "packages", "package_volumes", "frame", "partner_caps"]
    ws = wb["levels"]
    assert [c.value for c in ws[1]] == ["activity", "up_to", "effect"]
    assert [(r[2].value, r[2].number_format) for r in ws.iter_rows(min_row=2)] == [
        ("1", "@"),
        ("0.6", "@"),
        ("1", "@"),
        ("0.7", "@"),
    ]


def test_generated_models_round_trip(generated_model: zbb.Model, tmp_path: Path) -> None:
    model = generated_model
    assert model.to_dict().get("packages")
    tables = model.to_dataframes()
    rebuilt = zbb.from_dataframes(tables, **header(model))
    assert rebuilt == model
    for name, frame in rebuilt.to_dataframes().items():
        pd.testing.assert_frame_equal(frame, tables[name])
    # the same tables as row dicts and dicts of columns, levels interleaved across activities
    levels = tables["levels"].sort_values("up_to", kind="stable")
    as_rows = {
        **tables,
        "levels": levels.to_dict("records"),
        "packages": tables["packages"].to_dict("records"),
        "package_volumes": tables["package_volumes"].to_dict("list"),
    }
    assert zbb.from_dataframes(as_rows, **header(model)) == model
    model.to_excel(tmp_path / "m.xlsx")
    assert zbb.read_excel(tmp_path / "m.xlsx") == model


def test_other_cell_types_give_the_same_model(example_model: zbb.Model) -> None:
    tables = example_model.to_dataframes()
    variants = {
        "levels": tables["levels"].assign(
            effect=["1", "0.6", 1, Decimal("0.7")], up_to=[450, 600, Decimal(1000), 1460]
        ),
        "packages": tables["packages"].astype({"level": "float64"}),
        "package_volumes": tables["package_volumes"].astype({"level": "Int64", "unit": "string"}),
    }
    assert zbb.from_dataframes({**tables, **variants}, **header(example_model)) == example_model


def test_empty_or_absent_tables_give_no_levels_or_packages(example_model: zbb.Model, tmp_path: Path) -> None:
    tables = example_model.to_dataframes()
    for without in (
        {k: v for k, v in tables.items() if k not in NESTED},
        {**tables, **{name: tables[name].iloc[:0] for name in NESTED}},
    ):
        model = zbb.from_dataframes(without, **header(example_model))
        doc = model.to_dict()
        assert "packages" not in doc and all("levels" not in a for a in doc["activities"])
        assert all(model.table(name).empty for name in NESTED)
        assert list(model.table("packages").dtypes) == list(tables["packages"].dtypes)
        model.to_excel(tmp_path / "m.xlsx")
        assert zbb.read_excel(tmp_path / "m.xlsx") == model
    # packages without volumes are packages
    only = zbb.from_dataframes({**tables, "package_volumes": None}, **header(example_model))
    assert [p["volumes"] for p in only.to_dict()["packages"]] == [[]] * 18


def json_error(model: zbb.Model, change: Any) -> zbb.ModelError:
    """The error of the JSON path for the same change made to the JSON document."""
    doc = json.loads(model.to_json() or "")
    change(doc)
    with pytest.raises(zbb.ModelError) as info:
        zbb.Model.from_json_text(json.dumps(doc))
    return info.value


def where(err: zbb.ModelError) -> tuple[str, str, str]:
    return err.entity, err.id, err.field


def test_bad_levels_row(example_model: zbb.Model) -> None:
    tables = example_model.to_dataframes()
    bad = tables["levels"].assign(effect=["1", "0,6", "1", "0.7"])
    with pytest.raises(zbb.ModelError, match="malformed decimal") as info:
        zbb.from_dataframes({**tables, "levels": bad})

    def change(doc: dict[str, Any]) -> None:
        doc["activities"][0]["levels"][1]["effect"] = "0,6"

    expected = json_error(example_model, change)
    assert str(info.value) == str(expected)
    assert where(info.value) == where(expected) == ("activity.levels[1]", "A-case", "effect")
    # increasing effects: the linker's message, as for the JSON document
    bad = tables["levels"].assign(effect=["0.5", "0.6", "1", "0.7"])
    with pytest.raises(zbb.ModelError, match="non-increasing") as info:
        zbb.from_dataframes({**tables, "levels": bad})

    def increasing(doc: dict[str, Any]) -> None:
        doc["activities"][0]["levels"][0]["effect"] = "0.5"

    assert str(info.value) == str(json_error(example_model, increasing))
    # a float effect is refused like a float price, unless allowed
    floats = tables["levels"].assign(effect=[1.0, 0.6, 1.0, 0.7])
    with pytest.raises(zbb.ModelError, match="allow_float_prices") as info:
        zbb.from_dataframes({**tables, "levels": floats})
    assert where(info.value) == ("activity.levels[0]", "A-case", "effect")
    allowed = zbb.from_dataframes({**tables, "levels": floats}, allow_float_prices=True)
    assert list(allowed.table("levels")["effect"]) == [Decimal("1.0"), Decimal("0.6"), Decimal("1.0"), Decimal("0.7")]
    # a level of an activity the model does not have, a missing activity, a missing up_to
    unknown = tables["levels"].assign(activity=["A-case", "A-case", "A-nope", "A-respite"])
    with pytest.raises(zbb.ModelError, match="unknown activity 'A-nope'") as info:
        zbb.from_dataframes({**tables, "levels": unknown})
    assert where(info.value) == ("levels[2]", "", "activity")
    with pytest.raises(zbb.ModelError, match="required field is missing") as info:
        zbb.from_dataframes(
            {**tables, "levels": tables["levels"].assign(activity=[None, "A-case", "A-respite", "A-respite"])}
        )
    assert where(info.value) == ("levels[0]", "", "activity")
    with pytest.raises(zbb.ModelError, match="required field is missing") as info:
        zbb.from_dataframes({**tables, "levels": tables["levels"].assign(up_to=[450, float("nan"), 1000, 1460])})
    assert where(info.value) == ("activity.levels[1]", "A-case", "up_to")
    with pytest.raises(zbb.ModelError, match="unknown column") as info:
        zbb.from_dataframes({**tables, "levels": tables["levels"].rename(columns={"effect": "effects"})})
    assert where(info.value) == ("levels", "", "effects")


def test_bad_package_rows(example_model: zbb.Model) -> None:
    tables = example_model.to_dataframes()
    # a level that is not a whole number
    packages = tables["packages"].astype({"level": "float64"})
    packages.loc[1, "level"] = 1.5
    with pytest.raises(zbb.ModelError, match="whole number") as info:
        zbb.from_dataframes({**tables, "packages": packages})

    def fractional(doc: dict[str, Any]) -> None:
        doc["packages"][1]["level"] = 1.5

    expected = json_error(example_model, fractional)
    assert str(info.value) == str(expected)
    assert where(info.value) == where(expected) == ("packages[1]", "DU-case", "level")
    # a level gap
    packages = tables["packages"].copy()
    packages.loc[2, "level"] = 4
    volumes = tables["package_volumes"].copy()
    volumes.loc[2, "level"] = 4
    with pytest.raises(zbb.ModelError, match="no level 3") as info:
        zbb.from_dataframes({**tables, "packages": packages, "package_volumes": volumes})

    def gap(doc: dict[str, Any]) -> None:
        doc["packages"][2]["level"] = 4

    assert str(info.value) == str(json_error(example_model, gap))
    # a negative volume and an unknown activity
    for column, value, match in (("volume", -5.0, "must not be negative"), ("activity", "A-nope", "A-nope")):
        volumes = tables["package_volumes"].copy()
        volumes.loc[0, column] = value

        def change(doc: dict[str, Any], column: str = column, value: Any = value) -> None:
            doc["packages"][0]["volumes"][0][column] = value

        with pytest.raises(zbb.ModelError, match=match) as info:
            zbb.from_dataframes({**tables, "package_volumes": volumes})
        expected = json_error(example_model, change)
        assert str(info.value) == str(expected)
        assert where(info.value) == where(expected) == ("packages", "DU-case/1", "volumes")
    # a volume of a package the packages table does not have
    volumes = tables["package_volumes"].copy()
    volumes.loc[3, "unit"] = "DU-nope"
    with pytest.raises(zbb.ModelError, match="no package 'DU-nope/1'") as info:
        zbb.from_dataframes({**tables, "package_volumes": volumes})
    assert where(info.value) == ("package_volumes[3]", "", "unit")
    volumes = tables["package_volumes"].copy()
    volumes.loc[0, "level"] = 9
    with pytest.raises(zbb.ModelError, match="no package 'DU-case/9'") as info:
        zbb.from_dataframes({**tables, "package_volumes": volumes})
    assert where(info.value) == ("package_volumes[0]", "", "level")
    with pytest.raises(zbb.ModelError, match="unknown column") as info:
        zbb.from_dataframes({**tables, "packages": tables["packages"].assign(cost=1)})
    assert where(info.value) == ("packages", "", "cost")


def test_excel_numeric_effect_refused(example_model: zbb.Model, tmp_path: Path) -> None:
    path = tmp_path / "m.xlsx"
    example_model.to_excel(path)
    wb = openpyxl.load_workbook(path)
    wb["levels"]["C3"] = 0.6  # a numeric cell: A-case's second level
    wb.save(path)
    with pytest.raises(zbb.ModelError, match="text cells") as info:
        zbb.read_excel(path)
    assert where(info.value) == ("activity.levels[1]", "A-case", "effect")
    assert zbb.read_excel(path, allow_float_prices=True) == example_model


def test_from_dict_takes_decimal_effects(example_model: zbb.Model) -> None:
    doc = example_model.to_dict()
    doc["activities"][0]["levels"][1]["effect"] = Decimal("0.6")
    assert zbb.from_dict(doc) == example_model
    doc["activities"][0]["levels"][1]["effect"] = 0.6
    with pytest.raises(zbb.ModelError, match="allow_float_prices") as info:
        zbb.from_dict(doc)
    assert where(info.value) == ("activity.levels[1]", "A-case", "effect")
    assert zbb.from_dict(doc, allow_float_prices=True) == example_model


def test_excel_follows_the_json_rules(example_model: zbb.Model, tmp_path: Path) -> None:
    """Duplicate keys and headers refused, no value under a blank header, .ods refused: each a
    zbb error naming where (a second `name` row used to win silently, a second `volume` header to
    raise AttributeError, a value under a blank header to vanish)."""
    path = tmp_path / "m.xlsx"
    example_model.to_excel(path)

    def edited(edit: Any) -> Path:
        wb = openpyxl.load_workbook(path)
        edit(wb)
        out = tmp_path / "edited.xlsx"
        wb.save(out)
        return out

    def second_name(wb: Any) -> None:
        ws = wb["model"]
        ws.append(["name", "another name"])

    with pytest.raises(zbb.ModelError, match="model, field 'name': duplicate key") as info:
        zbb.read_excel(edited(second_name))
    assert where(info.value) == ("model", "", "name")

    def second_volume(wb: Any) -> None:
        ws = wb["plan"]
        ws.cell(row=1, column=ws.max_column + 1, value="volume")

    with pytest.raises(zbb.ModelError, match="plan, field 'volume': duplicate column") as info:
        zbb.read_excel(edited(second_volume))
    assert where(info.value) == ("plan", "", "volume")

    def value_without_header(wb: Any) -> None:
        ws = wb["plan"]
        ws.cell(row=2, column=ws.max_column + 2, value=99)

    with pytest.raises(zbb.ModelError, match=r"plan\[0\]: a value in column \d+, which has no header"):
        zbb.read_excel(edited(value_without_header))

    def emptied_model_sheet(wb: Any) -> None:
        ws = wb["model"]
        ws.delete_rows(1, ws.max_row)

    with pytest.raises(zbb.ModelError, match="model, field 'format': required field is missing") as info:
        zbb.read_excel(edited(emptied_model_sheet))
    assert where(info.value) == ("model", "", "format")

    def no_model_sheet(wb: Any) -> None:
        del wb["model"]

    with pytest.raises(zbb.ModelError, match="field 'model': the workbook has no model sheet") as info:
        zbb.read_excel(edited(no_model_sheet))
    assert info.value.entity == "file"

    ods = tmp_path / "m.ods"
    ods.write_bytes(b"PK\x03\x04 not really an OpenDocument spreadsheet")
    with pytest.raises(zbb.ModelError, match="not an .xlsx workbook that zbb can read") as info:
        zbb.read_excel(ods)
    assert info.value.entity == "file"
    with pytest.raises(zbb.ModelError, match="cannot open file"):
        zbb.read_excel(tmp_path / "missing.xlsx")
    # The untouched workbook still reads back as the model.
    assert zbb.read_excel(path) == example_model


def test_an_index_named_id_must_agree_with_the_id_column(example_model: zbb.Model) -> None:
    """Ids given twice (an index named `id` and an `id` column) used to lose the index silently."""
    tables = example_model.to_dataframes()
    goals = tables["goals"].set_index(tables["goals"]["id"].rename("id"))
    agreeing = zbb.from_dataframes({**tables, "goals": goals})
    assert agreeing.to_dict()["goals"] == example_model.to_dict()["goals"]
    wrong = goals.rename(index={goals.index[1]: "G-other"})
    with pytest.raises(zbb.ModelError, match=r"goals\[1\], field 'id': the index named 'id' says 'G-other'") as info:
        zbb.from_dataframes({**tables, "goals": wrong})
    assert where(info.value) == ("goals[1]", "", "id")
