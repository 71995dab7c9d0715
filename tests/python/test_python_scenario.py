"""Scenario edits (zbb/scenario.hpp through Model.with_*): each edit against the same model built from
scratch, the original unchanged, and the refusals with their class, message and location."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

import zbb


def _doc(model: zbb.Model) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(model.to_json())
    return doc


def _rebuilt(doc: dict[str, Any]) -> zbb.Model:
    return zbb.Model.from_json_text(json.dumps(doc))


def _row(rows: list[dict[str, Any]], **key: Any) -> dict[str, Any]:
    return next(r for r in rows if all(r.get(k) == v for k, v in key.items()))


def _same(edited: zbb.Model, doc: dict[str, Any]) -> None:
    scratch = _rebuilt(doc)
    assert edited == scratch
    assert edited.budget().report_json() == scratch.budget().report_json()


def test_weight(example_model: zbb.Model) -> None:
    doc = _doc(example_model)
    _row(doc["goals"], id="G-home")["weight"] = 3
    edited = example_model.with_weight("G-home", 3)
    _same(edited, doc)
    assert edited.max_effect().report_json() == _rebuilt(doc).max_effect().report_json()
    assert example_model.table("goals").set_index("id").loc["G-home", "weight"] != 3


def test_available(example_model: zbb.Model) -> None:
    doc = _doc(example_model)
    _row(doc["resources"], id="R-cm")["available"] = 5000
    limited = example_model.with_available("R-cm", 5000)
    _same(limited, doc)
    del _row(doc["resources"], id="R-cm")["available"]
    _same(limited.with_available("R-cm", None), doc)


def test_bounds(example_model: zbb.Model) -> None:
    doc = _doc(example_model)
    case = _row(doc["activities"], id="A-case")
    case["min"], case["max"] = 100, 500
    _same(example_model.with_bounds("A-case", 100, 500), doc)
    case["min"] = 0
    del case["max"]
    unbounded = example_model.with_bounds("A-case", 0)
    _same(unbounded, doc)
    assert unbounded.table("activities").set_index("id").loc["A-case", "max"] != 600


def test_shares(example_model: zbb.Model) -> None:
    doc = _doc(example_model)
    first = next(i for i, r in enumerate(doc["funding"]) if r["activity"] == "A-case")
    rest = [r for r in doc["funding"] if r["activity"] != "A-case"]
    doc["funding"] = (
        rest[:first]
        + [
            {"activity": "A-case", "partner": "P-muni", "share": "0.4"},
            {"activity": "A-case", "partner": "P-care", "share": "0.6"},
        ]
        + rest[first:]
    )
    edited = example_model.with_shares("A-case", {"P-muni": "0.4", "P-care": Decimal("0.6")})
    _same(edited, doc)
    assert (
        edited.budget().by_partner.loc["P-care", "amount"] > example_model.budget().by_partner.loc["P-care", "amount"]
    )
    # No shares: the executing partner (P-care) pays it all.
    doc["funding"] = rest
    _same(example_model.with_shares("A-case", {}), doc)


def test_frame_and_the_kept_methods(example_model: zbb.Model) -> None:
    doc = _doc(example_model)
    doc["frame"] = {"budget": "1300000.00", "partner_caps": [{"partner": "P-ins", "cap": "400000.00"}]}
    edited = example_model.with_frame(doc["frame"])
    _same(edited, doc)
    assert edited.frame == doc["frame"]
    assert edited.max_effect().report_json() == _rebuilt(doc).max_effect().report_json()
    del doc["frame"]
    _same(example_model.with_frame(None), doc)
    doc = _doc(example_model)
    _row(doc["goals"], id="G-carer")["target"] = 420
    _row(doc["resources"], id="R-cm")["price"] = "81.20"
    _row(doc["plan"], goal="G-home", activity="A-case")["volume"] = 400
    doc["plan"].append({"goal": "G-crisis", "activity": "A-train", "volume": 5})
    chained = (
        example_model.with_target("G-carer", 420)
        .with_price("R-cm", "81.20")
        .with_plan_volume("G-home", "A-case", 400)
        .with_plan_volume("G-crisis", "A-train", 5)
    )
    _same(chained, doc)


def test_edits_pickle_and_write_the_change(example_model: zbb.Model) -> None:
    import pickle

    edited = example_model.with_price("R-cm", "90.00").with_weight("G-home", 2)
    again = pickle.loads(pickle.dumps(edited))
    assert again == edited
    assert _row(_doc(again)["resources"], id="R-cm")["price"] == "90.00"
    assert again.budget().total == edited.budget().total != example_model.budget().total


@pytest.mark.parametrize(
    ("edit", "cls", "where", "text"),
    [
        (lambda m: m.with_weight("G-nope", 1), zbb.ModelError, ("goal", "G-nope", "id"), "unknown goal"),
        (lambda m: m.with_weight("G-home", -1), zbb.ModelError, ("goal", "G-home", "weight"), "must not be negative"),
        (
            lambda m: m.with_weight("G-home", 1e7),
            zbb.ModelError,
            ("goal", "G-home", "weight"),
            "beyond the numeric range",
        ),
        (lambda m: m.with_weight("G-home", "heavy"), zbb.ModelError, ("goal", "G-home", "weight"), "must be a number"),
        (lambda m: m.with_available("R-nope", 1), zbb.ModelError, ("resource", "R-nope", "id"), "unknown resource"),
        (
            lambda m: m.with_available("R-cm", -1),
            zbb.ModelError,
            ("resource", "R-cm", "available"),
            "must not be negative",
        ),
        (
            lambda m: m.with_available("R-cm", float("inf")),
            zbb.ModelError,
            ("resource", "R-cm", "available"),
            "must be a finite number",
        ),
        (lambda m: m.with_bounds("A-nope", 0), zbb.ModelError, ("activity", "A-nope", "id"), "unknown activity"),
        (lambda m: m.with_bounds("A-case", 10, 5), zbb.ModelError, ("activity", "A-case", "max"), "is below min"),
        (
            lambda m: m.with_bounds("A-case", 2e12),
            zbb.ModelError,
            ("activity", "A-case", "min"),
            "beyond the numeric range",
        ),
        (
            lambda m: m.with_bounds("A-case", 700),
            zbb.ModelError,
            ("activity", "A-case", "levels"),
            "exceeds the last level's up_to",
        ),
        (lambda m: m.with_shares("A-nope", {}), zbb.ModelError, ("activity", "A-nope", "id"), "unknown activity"),
        (
            lambda m: m.with_shares("A-case", {"P-nope": "1"}),
            zbb.ModelError,
            ("funding", "A-case -> P-nope", "partner"),
            "unknown id 'P-nope'",
        ),
        (
            lambda m: m.with_shares("A-case", {"P-muni": "0.5", "P-ins": "0.4"}),
            zbb.ModelError,
            ("funding", "A-case", "share"),
            "funding shares of activity 'A-case' sum to 0.9, not exactly 1",
        ),
        (
            lambda m: m.with_shares("A-case", {"P-muni": "1.5"}),
            zbb.ModelError,
            ("funding", "A-case -> P-muni", "share"),
            "share 1.5 exceeds 1",
        ),
        (
            lambda m: m.with_shares("A-case", {"P-muni": "0,5"}),
            zbb.ModelError,
            ("funding", "A-case -> P-muni", "share"),
            "",
        ),
        (
            lambda m: m.with_shares("A-case", {"P-muni": 0.5, "P-ins": 0.5}),
            zbb.ModelError,
            ("funding", "A-case -> P-muni", "share"),
            "float",
        ),
        (
            lambda m: m.with_shares("A-case", [("P-muni", "1")]),
            zbb.ModelError,
            ("activity", "A-case", "funding"),
            "must be a mapping",
        ),
        (
            lambda m: m.with_frame({"partner_caps": [{"partner": "P-nope", "cap": "1.00"}]}),
            zbb.ModelError,
            ("frame.partner_caps", "P-nope", "partner"),
            "unknown partner 'P-nope'",
        ),
        (
            lambda m: m.with_frame({"budget": "90071992547409.92"}),
            zbb.MoneyOverflowError,
            ("frame", "", "budget"),
            "beyond the numeric range",
        ),
    ],
)
def test_refusals(
    example_model: zbb.Model, edit: Any, cls: type[Exception], where: tuple[str, str, str], text: str
) -> None:
    before = example_model.to_json()
    with pytest.raises(cls) as info:
        edit(example_model)
    assert type(info.value) is cls
    error: Any = info.value
    assert (error.entity, error.id, error.field) == where
    assert text in str(error)
    assert example_model.to_json() == before


def test_float_shares_when_allowed(example_model: zbb.Model) -> None:
    edited = example_model.with_shares("A-case", {"P-ins": 0.75, "P-muni": 0.25}, allow_float_prices=True)
    assert edited == example_model
