"""Every documented error arrives as a zbb exception carrying .entity, .id and .field; no input
crashes the interpreter."""

from __future__ import annotations

import pickle
import subprocess
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import zbb
from conftest import bad_model_paths
from zbb import _core

M, L, OV = zbb.ModelError, zbb.SupportLoopError, zbb.MoneyOverflowError
FILE = object()  # the id is the model file's path

# bad-<case>.json -> (exception, entity, id, field); from the CLI's documented messages
# (tests/cli/CMakeLists.txt).
EXPECTED: dict[str, tuple[type[Exception], str, object, str]] = {
    "malformed-json": (M, "file", FILE, ""),
    "truncated-json": (M, "file", FILE, ""),
    "empty": (M, "file", FILE, ""),
    "deep-nesting": (M, "file", FILE, ""),
    "deep-nesting-objects": (M, "file", FILE, ""),
    "top-level-array": (M, "model", "", ""),
    "table-not-array": (M, "model", "", "partners"),
    "row-not-object": (M, "goals[1]", "", ""),
    "volume-infinite": (M, "file", FILE, "volume"),
    "weight-infinite": (M, "file", FILE, "weight"),
    "id-with-newline": (M, "activity", "A-course", "partner"),
    "dup-goal-id": (M, "goal", "G-home", "id"),
    "dup-activity-id": (M, "activity", "A-course", "id"),
    "dup-resource-id": (M, "resource", "R-mgr", "id"),
    "dup-partner-id": (M, "partner", "P-muni", "id"),
    "dup-effects-row": (M, "effects", "G-home -> A-case", ""),
    "dup-consumption-row": (M, "consumption", "A-course -> R-cm", ""),
    "dup-support-row": (M, "support", "A-mgmt -> A-course", ""),
    "dup-funding-row": (M, "funding", "A-case -> P-care", ""),
    "dup-plan-row": (M, "plan", "G-carer -> A-course", ""),
    "missing-goal-id": (M, "goals[1]", "", "id"),
    "missing-goal-target": (M, "goal", "G-carer", "target"),
    "missing-resource-price": (M, "resource", "R-mgr", "price"),
    "missing-plan-volume": (M, "plan", "G-carer -> A-course", "volume"),
    "missing-effects-per-unit": (M, "effects", "G-carer -> A-course", "per_unit"),
    "missing-consumption-per-unit": (M, "consumption", "A-course -> R-cm", "per_unit"),
    "missing-support-per-unit": (M, "support", "A-ict -> A-mgmt", "per_unit"),
    "missing-funding-share": (M, "funding", "A-case -> P-care", "share"),
    "missing-link-resource": (M, "consumption[1]", "", "resource"),
    "missing-format": (M, "model", "", "format"),
    "string-for-number": (M, "goal", "G-carer", "baseline"),
    "string-for-volume": (M, "plan", "G-carer -> A-course", "volume"),
    "price-as-number": (M, "resource", "R-mgr", "price"),
    "id-not-string": (M, "partners[1]", "", "id"),
    "unknown-key": (M, "model", "", "consumtion"),
    "unknown-key-in-row": (M, "resource", "R-mgr", "prize"),
    "unknown-key-in-link-row": (M, "consumption", "A-course -> R-cm", "per_unti"),
    "negative-price": (M, "resource", "R-mgr", "price"),
    "negative-volume": (M, "plan", "G-carer -> A-course", "volume"),
    "negative-consumption": (M, "consumption", "A-course -> R-cm", "per_unit"),
    "negative-support": (M, "support", "A-mgmt -> A-course", "per_unit"),
    "negative-share": (M, "funding", "A-case -> P-muni", "share"),
    "negative-min": (M, "activity", "A-course", "min"),
    "negative-weight": (M, "goal", "G-carer", "weight"),
    "negative-available": (M, "resource", "R-mgr", "available"),
    "min-above-max": (M, "activity", "A-case", "max"),
    **{
        f"decimal-{k}": (M, "resource", "R-mgr", "price")
        for k in (
            "comma",
            "exponent",
            "trailing-point",
            "leading-point",
            "leading-space",
            "letters",
            "plus-sign",
            "two-points",
            "empty",
        )
    },
    "share-malformed": (M, "funding", "A-case -> P-care", "share"),
    "price-40-digits": (OV, "resource", "R-mgr", "price"),
    "shares-sum-0.99": (M, "funding", "A-case", "share"),
    "shares-sum-1.01": (M, "funding", "A-case", "share"),
    "share-above-1": (M, "funding", "A-course -> P-muni", "share"),
    "nobody-pays": (M, "activity", "A-course", "partner"),
    "loop-mutual": (L, "support", "A-mgmt, A-ict", "per_unit"),
    "loop-self": (L, "support", "A-case", "per_unit"),
    "loop-three": (L, "support", "A-case, A-course, A-ict", "per_unit"),
    "loop-three-strong": (L, "support", "A-case, A-course, A-ict", "per_unit"),
    "amount-overflow": (OV, "activity", "A-course", "cost"),
    "price-beyond-range": (OV, "resource", "R-mgr", "price"),
    "frame-budget-beyond-range": (OV, "frame", "", "budget"),
    "coefficient-beyond-range": (M, "consumption", "A-mgmt -> R-mgr", "per_unit"),
    "coefficient-tiny": (M, "effects", "G-home -> A-case", "per_unit"),
    "volume-beyond-range": (M, "plan", "G-carer -> A-course", "volume"),
    "target-beyond-range": (M, "goal", "G-home", "target"),
    "weight-beyond-range": (M, "goal", "G-carer", "weight"),
    "support-amplification": (L, "support", "A-mgmt, A-ict, A-s1, A-s2, A-s3", "per_unit"),
    "unsupported-format": (M, "model", "", "format"),
    "unknown-currency": (M, "model", "", "currency"),
    "currency-not-iso": (M, "model", "", "currency"),
    "minor-units-out-of-range": (M, "model", "", "minor_units"),
    **{
        f"unknown-{k}": (M, e, i, f)
        for k, (e, i, f) in {
            "activity-partner": ("activity", "A-course", "partner"),
            "consumption-activity": ("consumption", "A-nope -> R-cm", "activity"),
            "consumption-resource": ("consumption", "A-course -> R-nope", "resource"),
            "effects-activity": ("effects", "G-carer -> A-nope", "activity"),
            "effects-goal": ("effects", "G-nope -> A-course", "goal"),
            "funding-activity": ("funding", "A-nope -> P-care", "activity"),
            "funding-partner": ("funding", "A-case -> P-nope", "partner"),
            "plan-activity": ("plan", "G-carer -> A-nope", "activity"),
            "plan-goal": ("plan", "G-nope -> A-course", "goal"),
            "support-consumer": ("support", "A-mgmt -> A-nope", "consumer"),
            "support-supplier": ("support", "A-nope -> A-course", "supplier"),
        }.items()
    },
}
BAD = bad_model_paths()


def case_of(path: Path) -> str:
    return path.name[len("bad-") : -len(".json")]


def test_every_expectation_has_a_bad_model() -> None:
    # (bad models added later without an entry here are still checked against the CLI below)
    assert set(EXPECTED) <= {case_of(p) for p in BAD}


@pytest.mark.parametrize("path", [p for p in BAD if case_of(p) in EXPECTED], ids=case_of)
def test_bad_model_raises_located_error(path: Path) -> None:
    cls, entity, ident, field = EXPECTED[case_of(path)]
    with pytest.raises(cls) as info:
        zbb.read_json(path).budget()
    err = info.value
    assert type(err) is cls
    assert (err.entity, err.field) == (entity, field)
    assert err.id == (str(path) if ident is FILE else ident)
    if err.id:
        assert err.id in str(err)
    if isinstance(err, zbb.SupportLoopError):
        assert err.activities == err.id.split(", ")
    # the Python classes derive from the documented builtins
    assert isinstance(err, OverflowError if cls is OV else ValueError)


@pytest.mark.parametrize("path", BAD, ids=case_of)
def test_bad_model_message_equals_cli(cli: Path, path: Path) -> None:
    proc = subprocess.run(
        [str(cli), "budget", str(path)], capture_output=True, text=True, encoding="utf-8", check=False
    )
    assert proc.returncode == 1
    with pytest.raises(zbb.ZbbError) as info:
        zbb.read_json(path).budget()
    assert proc.stderr == f"zbb: error: {info.value}\n"
    assert info.value.entity and (info.value.id in str(info.value))


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    with pytest.raises(zbb.ModelError, match="cannot open file") as info:
        zbb.read_json(path)
    assert (info.value.entity, info.value.id) == ("file", str(path))


def test_translation_of_every_core_exception() -> None:
    for kind, cls, base in (
        ("model", zbb.ModelError, ValueError),
        ("loop", zbb.SupportLoopError, ValueError),
        ("infeasible", zbb.InfeasibleError, ValueError),
        ("overflow", zbb.MoneyOverflowError, OverflowError),
        ("int128", zbb.MoneyOverflowError, OverflowError),
    ):
        with pytest.raises(cls) as info:
            _core._raise_for_test(kind, "G-x")
        assert isinstance(info.value, base)
        if kind != "int128":
            assert info.value.id.startswith("G-x")
    with pytest.raises(RuntimeError):
        _core._raise_for_test("other")


def test_errors_pickle() -> None:
    err = zbb.SupportLoopError("loop", id="A, B", activities=["A", "B"])
    back = pickle.loads(pickle.dumps(err))
    assert (type(back), str(back), back.id, back.activities) == (zbb.SupportLoopError, "loop", "A, B", ["A", "B"])


def test_unknown_rounding_mode(example_model: zbb.Model) -> None:
    with pytest.raises(zbb.ModelError, match="unknown rounding mode") as info:
        example_model.budget(rounding="sideways")
    assert (info.value.entity, info.value.field) == ("option", "rounding")


# ---------------------------------------------------------------------- Python-side inputs
def frames(model: zbb.Model) -> dict[str, pd.DataFrame]:
    return model.to_dataframes()


def test_float_price_refused_unless_allowed(example_model: zbb.Model) -> None:
    tables = frames(example_model)
    tables["resources"]["price"] = tables["resources"]["price"].astype(float)
    with pytest.raises(zbb.ModelError, match="allow_float_prices") as info:
        zbb.from_dataframes(tables)
    assert (info.value.entity, info.value.id, info.value.field) == ("resource", "R-cm", "price")
    model = zbb.from_dataframes(
        tables, allow_float_prices=True, name=example_model.name, description=example_model.description
    )
    assert model.budget().total == example_model.budget().total
    assert model.table("resources")["price"][0] == Decimal("78.4")  # through repr(78.4)


def test_float_share_refused(example_model: zbb.Model) -> None:
    tables = frames(example_model)
    tables["funding"]["share"] = tables["funding"]["share"].astype(float)
    with pytest.raises(zbb.ModelError) as info:
        zbb.from_dataframes(tables)
    assert (info.value.entity, info.value.id, info.value.field) == ("funding", "A-case -> P-ins", "share")


def test_float_price_in_dict_and_with_price(example_model: zbb.Model) -> None:
    data = example_model.to_dict()
    data["resources"][0]["price"] = 78.4
    with pytest.raises(zbb.ModelError, match="float") as info:
        zbb.from_dict(data)
    assert info.value.id == "R-cm"
    assert zbb.from_dict(data, allow_float_prices=True).table("resources")["price"][0] == Decimal("78.4")
    with pytest.raises(zbb.ModelError):
        example_model.with_price("R-cm", 80.5)
    assert example_model.with_price("R-cm", 80.5, allow_float_prices=True).table("resources")["price"][0] == Decimal(
        "80.5"
    )


@pytest.mark.parametrize(
    "table, column, value, entity, ident, field, match",
    [
        ("goals", "baseline", "620", "goal", "G-home", "baseline", "must be a number"),
        ("goals", "target", True, "goal", "G-home", "target", "must be a number"),
        ("goals", "target", None, "goal", "G-home", "target", "required field is missing"),
        ("goals", "target", float("inf"), "goal", "G-home", "target", "must be a finite number"),
        ("goals", "id", 17, "goals[0]", "", "id", "must be a string"),
        ("goals", "id", None, "goals[0]", "", "id", "required field is missing"),
        ("plan", "volume", -1.0, "plan", "G-home -> A-case", "volume", "must not be negative"),
        ("plan", "activity", "A-nope", "plan", "G-home -> A-nope", "activity", "unknown id"),
        ("resources", "price", "7,50", "resource", "R-cm", "price", "malformed decimal"),
        ("resources", "price", Decimal("NaN"), "resource", "R-cm", "price", "finite"),
        ("resources", "price", None, "resource", "R-cm", "price", "required field is missing"),
        ("resources", "price", [1], "resource", "R-cm", "price", "must be a decimal"),
        ("funding", "share", "1.5", "funding", "A-case -> P-ins", "share", "exceeds 1"),
    ],
)
def test_bad_cells_in_dataframes(
    example_model: zbb.Model, table: str, column: str, value: object, entity: str, ident: str, field: str, match: str
) -> None:
    tables = frames(example_model)
    frame = tables[table].astype({column: object})
    frame.at[0, column] = value
    tables[table] = frame
    with pytest.raises(zbb.ModelError, match=match) as info:
        zbb.from_dataframes(tables)
    assert (info.value.entity, info.value.id, info.value.field) == (entity, ident, field)


def test_unknown_column_and_table(example_model: zbb.Model) -> None:
    tables = frames(example_model)
    tables["resources"] = tables["resources"].rename(columns={"price": "prize"})
    with pytest.raises(zbb.ModelError, match="unknown column") as info:
        zbb.from_dataframes(tables)
    assert (info.value.entity, info.value.field) == ("resources", "prize")
    with pytest.raises(zbb.ModelError, match="unknown table") as info:
        zbb.from_dataframes({"goal": tables["goals"]})
    assert info.value.field == "goal"


def test_scenario_errors(example_model: zbb.Model) -> None:
    with pytest.raises(zbb.ModelError) as info:
        example_model.with_target("G-nope", 1.0)
    assert (info.value.entity, info.value.id) == ("goal", "G-nope")
    with pytest.raises(zbb.ModelError) as info:
        example_model.with_price("R-nope", "1.00")
    assert (info.value.entity, info.value.id) == ("resource", "R-nope")
    with pytest.raises(zbb.ModelError, match="must be a finite number"):
        example_model.with_target("G-home", float("nan"))
    with pytest.raises(zbb.ModelError, match="unknown id") as info:
        example_model.with_plan_volume("G-home", "A-nope", 5)
    assert info.value.entity == "plan"
    with pytest.raises(zbb.ModelError, match="must not be negative"):
        example_model.budget(plan=[{"goal": "G-home", "activity": "A-case", "volume": -5}])


def test_support_loop_from_dataframes(example_model: zbb.Model) -> None:
    tables = frames(example_model)
    loop = pd.DataFrame({"supplier": ["A-case"], "consumer": ["A-case"], "per_unit": [1.5]})
    tables["support"] = pd.concat([tables["support"], loop], ignore_index=True)
    with pytest.raises(zbb.SupportLoopError) as info:
        zbb.from_dataframes(tables)
    assert info.value.activities == ["A-case"]


@pytest.mark.parametrize(
    "junk",
    [
        None,
        3,
        "text",
        b"bytes",
        [1, 2],
        {"goals": 5},
        {"goals": [1, 2]},
        {"goals": [{"id": None}]},
        {"format": 7},
        {"resources": [{"id": "R", "price": object()}]},
        {"minor_units": 1.5},
        {"currency": "EURO"},
        {"goals": [{"id": "G", "baseline": float("nan"), "target": 1}]},
    ],
)
def test_junk_dicts_raise_cleanly(junk: object) -> None:
    with pytest.raises((zbb.ZbbError, TypeError, ValueError)):
        zbb.from_dict(junk)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "junk",
    [
        {"goals": np.zeros((2, 2))},
        {"goals": {"id": np.array([1.0, 2.0])}},
        {"goals": pd.DataFrame({"id": ["G"], "baseline": [1], "target": [2], "weight": ["x"]})},
        {"plan": pd.DataFrame({"goal": [None], "activity": ["A"], "volume": [1]})},
        {"partners": pd.DataFrame({"id": ["P", "P"]})},
        {"partners": pd.DataFrame({"id": ["\ud800"]})},
    ],
)
def test_junk_tables_raise_cleanly(junk: dict[str, object]) -> None:
    with pytest.raises((zbb.ZbbError, TypeError, ValueError)):
        zbb.from_dataframes(junk)


def test_core_rejects_malformed_columns_without_crashing() -> None:
    for tables in (
        {"goals": {"id": np.zeros((2, 2), dtype=object)}},
        {"goals": {"id": np.array(["G"], dtype=object), "baseline": np.array([1], dtype=np.int32)}},
        {"goals": {"id": np.array(["G", "H"], dtype=object), "baseline": np.zeros(1)}},
        {"goals": {"id": [1, 2]}},
        {"goals": 5},
        {"nope": {}},
    ):
        with pytest.raises(zbb.ModelError):
            _core.build_model(tables)  # type: ignore[arg-type]


def test_frame_errors_from_dataframes(example_model: zbb.Model) -> None:
    frames = example_model.to_dataframes()
    with pytest.raises(zbb.ModelError, match="frame: must be a mapping") as err:
        zbb.from_dataframes(frames, frame=["1000.00"])  # type: ignore[arg-type]
    assert err.value.entity == "frame"
    with pytest.raises(zbb.ModelError, match="frame, field 'cap': unknown key") as err:
        zbb.from_dataframes(frames, frame={"cap": "1000.00"})
    assert (err.value.entity, err.value.field) == ("frame", "cap")
    # The core refuses the same through its own door (the column path a pickle takes).
    header, tables = example_model._core.state()
    tables["frame"] = ["1000.00"]
    with pytest.raises(zbb.ModelError, match="frame: must be a mapping"):
        _core.from_state(header, tables)
    header, tables = example_model._core.state()
    tables["frame"] = None
    tables["partner_caps"] = {"partner": np.array(["P-muni"], dtype=object), "cap": np.array(["5.00"], dtype=object)}
    with pytest.raises(zbb.ModelError, match="partner caps need a frame") as err:
        _core.from_state(header, tables)
    assert (err.value.entity, err.value.field) == ("frame", "partner_caps")


def test_duplicate_column_is_a_zbb_error(example_model: zbb.Model) -> None:
    # A DataFrame with the same column twice used to raise AttributeError ('DataFrame' object has
    # no attribute 'dtype') from deep inside the column path.
    frames = example_model.to_dataframes()
    plan = frames["plan"]
    frames["plan"] = pd.concat([plan, plan[["volume"]]], axis=1)
    with pytest.raises(zbb.ModelError, match="plan, field 'volume': duplicate column") as err:
        zbb.from_dataframes(frames, name=example_model.name)
    assert (err.value.entity, err.value.field) == ("plan", "volume")
    goals = frames["goals"]
    frames["plan"] = plan
    frames["goals"] = pd.concat([goals, goals[["id"]]], axis=1)
    with pytest.raises(zbb.ModelError, match="goals, field 'id': duplicate column"):
        zbb.from_dataframes(frames, name=example_model.name)
