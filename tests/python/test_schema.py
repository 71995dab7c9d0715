"""The JSON Schema of zbb-model/1 (docs/zbb-model-1.schema.json) against the reader, the CLI test
models and the docs (docs/model-format.md, docs/errors.md).

- the schema is a valid draft 2020-12 schema; its keys, required keys and kinds per table are the
  library's one description of the tables (zbb/tables.hpp) and its currency list is zbb's table
  (money.hpp);
- every example model and every ```json block of docs/model-format.md validates, and the CLI
  (``$ZBB_CLI`` or build/zbb; a missing binary fails, it is not skipped) accepts the blocks;
- every bad CLI test model is classified: refused by the schema (with the expected error), not
  loadable as JSON, or beyond a schema (cross-references, sums, loops, amounts) and accepted by it;
- every message quoted in docs/errors.md is what the CLI prints, and every test it names exists.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # scripts/requirements.txt; pip install jsonschema

import zbb

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
SCHEMA_PATH = DOCS / "zbb-model-1.schema.json"
FORMAT_DOC = DOCS / "model-format.md"
ERRORS_DOC = DOCS / "errors.md"
MODELS = REPO / "tests" / "cli" / "models"
SMALL = MODELS / "small.json"
MONEY_HPP = REPO / "libzbb" / "include" / "zbb" / "money.hpp"
CLI_CMAKE = REPO / "tests" / "cli" / "CMakeLists.txt"

# ---- classification of tests/cli/models/bad-<case>.json -------------------------------------------
# Refused by the schema: case -> (JSON path of the instance, schema keyword) of an error the
# schema must report for that defect (types, missing required, unknown keys, malformed decimals,
# negative values, format, currency, minor_units, numbers beyond a double).
SCHEMA_REJECTS: dict[str, tuple[str, str]] = {
    "top-level-array": ("$", "type"),
    "frame-budget-number": ("$.frame.budget", "oneOf"),
    "table-not-array": ("$.partners", "type"),
    "row-not-object": ("$.goals[1]", "type"),
    "volume-infinite": ("$.plan[0].volume", "maximum"),  # 1e999: Python reads inf
    "weight-infinite": ("$.goals[1].weight", "minimum"),  # -1E400: Python reads -inf
    "missing-goal-id": ("$.goals[1]", "required"),
    "missing-goal-target": ("$.goals[1]", "required"),
    "missing-resource-price": ("$.resources[1]", "required"),
    "missing-plan-volume": ("$.plan[2]", "required"),
    "missing-effects-per-unit": ("$.effects[2]", "required"),
    "missing-consumption-per-unit": ("$.consumption[1]", "required"),
    "missing-support-per-unit": ("$.support[4]", "required"),
    "missing-funding-share": ("$.funding[1]", "required"),
    "missing-link-resource": ("$.consumption[1]", "required"),
    "missing-format": ("$", "required"),
    "string-for-number": ("$.goals[1].baseline", "type"),
    "string-for-volume": ("$.plan[2].volume", "type"),
    "price-as-number": ("$.resources[1].price", "type"),
    "id-not-string": ("$.partners[1].id", "type"),
    "unknown-key": ("$", "additionalProperties"),
    "unknown-key-in-row": ("$.resources[1]", "additionalProperties"),
    "unknown-key-in-link-row": ("$.consumption[1]", "additionalProperties"),
    "negative-price": ("$.resources[1].price", "pattern"),
    "negative-volume": ("$.plan[2].volume", "minimum"),
    "negative-consumption": ("$.consumption[1].per_unit", "minimum"),
    "negative-support": ("$.support[1].per_unit", "minimum"),
    "negative-share": ("$.funding[0].share", "pattern"),
    "negative-min": ("$.activities[1].min", "minimum"),
    "negative-weight": ("$.goals[1].weight", "minimum"),
    "negative-available": ("$.resources[1].available", "minimum"),
    "decimal-comma": ("$.resources[1].price", "pattern"),
    "decimal-exponent": ("$.resources[1].price", "pattern"),
    "decimal-trailing-point": ("$.resources[1].price", "pattern"),
    "decimal-leading-point": ("$.resources[1].price", "pattern"),
    "decimal-leading-space": ("$.resources[1].price", "pattern"),
    "decimal-letters": ("$.resources[1].price", "pattern"),
    "decimal-plus-sign": ("$.resources[1].price", "pattern"),
    "decimal-two-points": ("$.resources[1].price", "pattern"),
    "decimal-empty": ("$.resources[1].price", "pattern"),
    "share-malformed": ("$.funding[1].share", "pattern"),
    "share-above-1": ("$.funding[2].share", "pattern"),
    "unsupported-format": ("$.format", "const"),
    "unknown-currency": ("$.currency", "enum"),
    "currency-not-iso": ("$.currency", "pattern"),
    "minor-units-out-of-range": ("$.minor_units", "maximum"),
    "levels-effect-number": ("$.activities[0].levels[1].effect", "type"),
    "packages-level-not-whole": ("$.packages[1].level", "type"),
    # the numeric range policy (docs/errors.md); prices and money caps depend on minor_units
    "coefficient-beyond-range": ("$.consumption[2].per_unit", "maximum"),
    "coefficient-tiny": ("$.effects[0].per_unit", "not"),
    "volume-beyond-range": ("$.plan[2].volume", "maximum"),
    "target-beyond-range": ("$.goals[0].target", "minimum"),
    "weight-beyond-range": ("$.goals[1].weight", "maximum"),
}

# Not JSON that a schema validator can load: syntax errors, or nesting deeper than Python's json
# recursion limit (zbb refuses more than 32 levels before parsing).
NOT_JSON: set[str] = {"malformed-json", "truncated-json", "empty", "deep-nesting", "deep-nesting-objects"}

# Beyond JSON Schema, checked by zbb::linked_model or the budget: the schema accepts these models
# (the list "Cross-reference rules" in docs/model-format.md).
BEYOND_SCHEMA: set[str] = {
    "frame-unknown-partner",
    "unknown-effects-goal",
    "unknown-effects-activity",
    "unknown-consumption-activity",
    "unknown-consumption-resource",
    "unknown-support-supplier",
    "unknown-support-consumer",
    "unknown-funding-activity",
    "unknown-funding-partner",
    "unknown-plan-goal",
    "unknown-plan-activity",
    "unknown-activity-partner",
    "id-with-newline",
    "dup-goal-id",
    "dup-activity-id",
    "dup-resource-id",
    "dup-partner-id",
    "dup-effects-row",
    "dup-consumption-row",
    "dup-support-row",
    "dup-funding-row",
    "dup-plan-row",
    "min-above-max",
    "shares-sum-0.99",
    "shares-sum-1.01",
    "nobody-pays",
    "loop-mutual",
    "loop-self",
    "loop-three",
    "loop-three-strong",
    "price-40-digits",  # the 30-digit limit is not in the decimal pattern
    "amount-overflow",
    "support-amplification",
    "price-beyond-range",
    "frame-budget-beyond-range",  # 2^53 minor units: depends on minor_units
    "levels-increasing",
    "levels-up-to-order",
    "levels-volume-beyond",
    "packages-level-gap",
    "packages-unknown-activity",
}


def bad_cases() -> list[str]:
    return sorted(p.name[len("bad-") : -len(".json")] for p in MODELS.glob("bad-*.json"))


# ---- helpers ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def zbb_cli() -> Path:
    """The zbb CLI: $ZBB_CLI or build/zbb. Missing is a failure, not a skip."""
    path = Path(os.environ.get("ZBB_CLI") or REPO / "build" / "zbb")
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"zbb CLI not found at {path}: build it (cmake --build build) or set ZBB_CLI", pytrace=False)
    return path


def run_cli(cli: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(cli), *args], cwd=REPO, capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=60
    )


def json_blocks(markdown: Path) -> list[str]:
    return re.findall(r"^```json\n(.*?)^```", markdown.read_text(encoding="utf-8"), re.M | re.S)


def errors_of(validator: Draft202012Validator, doc: Any) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(doc)]


# ---- the schema itself --------------------------------------------------------------------------
def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """A schema node with its $ref followed (within this document)."""
    while "$ref" in node:
        node = {**schema["$defs"][node["$ref"].rsplit("/", 1)[1]], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _types(schema: dict[str, Any], node: dict[str, Any]) -> set[str]:
    node = _resolve(schema, node)
    if "oneOf" in node:
        return set().union(*(_types(schema, n) for n in node["oneOf"]))
    t = node.get("type", [])
    return {t} if isinstance(t, str) else set(t)


def _is_decimal(schema: dict[str, Any], node: dict[str, Any]) -> bool:
    node = _resolve(schema, node)
    if "oneOf" in node:
        return any(_is_decimal(schema, n) for n in node["oneOf"])
    return "pattern" in node and "string" in _types(schema, node)


def _schema_objects(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The schema of each table's row (and of the model and the frame), found from the root."""
    tables = zbb._core.model_tables()
    out: dict[str, dict[str, Any]] = {"model": schema}
    for t in tables:
        if t["name"] == "model":
            continue
        parent = out[t["parent"] or "model"] if t["parent"] != "model" else schema
        node = _resolve(schema, parent["properties"][t["json_key"]])
        out[t["name"]] = node if t["name"] in ("frame", "years") else _resolve(schema, node["items"])
    return out


def test_schema_is_the_table_description() -> None:
    """Keys, required keys and the kind of every column of every table: the schema says what the
    library's one description of the tables (zbb/tables.hpp, via zbb._core.model_tables) says."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    tables = zbb._core.model_tables()
    objects = _schema_objects(schema)
    assert set(objects) == {t["name"] for t in tables}
    kinds = {"text": "string", "number": "number", "integer": "integer"}
    for t in tables:
        row = objects[t["name"]]
        own = t["columns"][t["parent_columns"] :]
        children = {
            c["json_key"]
            for c in tables
            if c["name"] != "model" and (c["parent"] == t["name"] or (t["name"] == "model" and c["parent"] == ""))
        }
        extra = {"$schema"} if t["name"] == "model" else set()
        assert set(row["properties"]) == {c["name"] for c in own} | children | extra, t["name"]
        assert row["additionalProperties"] is False, t["name"]
        assert set(row.get("required", [])) == {c["name"] for c in own if c["required"]}, t["name"]
        for c in own:
            node = row["properties"][c["name"]]
            where = f"{t['name']}.{c['name']}"
            if c["kind"] == "exact":
                assert _is_decimal(schema, node), where
            elif c["name"] != "format":  # format is a const
                assert kinds[c["kind"]] in _types(schema, node), where
            if not c["required"]:
                assert "null" in _types(schema, node) or c["name"] == "format", where


def test_table_description_is_what_python_uses() -> None:
    tables = {t["name"]: t for t in zbb._core.model_tables()}
    for name, columns in zbb.TABLE_COLUMNS.items():
        assert columns == [c["name"] for c in tables[name]["columns"]], name
    assert list(zbb.TABLE_COLUMNS) == [
        n for n, t in tables.items() if n not in ("model", "frame", "years") and t["parent"] not in ("frame", "years")
    ]


def test_schema_currencies_are_zbbs_table() -> None:
    table = re.findall(r'\{"([A-Z]{3})", [0-9]\}', MONEY_HPP.read_text(encoding="utf-8"))
    assert len(table) >= 20
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    listed = schema["else"]["properties"]["currency"]["enum"]
    assert [c for c in listed if c is not None] == table
    # The doc lists the same codes.
    doc = FORMAT_DOC.read_text(encoding="utf-8")
    assert all(re.search(rf"\b{code}\b", doc) for code in table)


# ---- valid models -------------------------------------------------------------------------------
VALID_MODELS = sorted(REPO.glob("examples/*.json")) + [SMALL] + sorted(MODELS.glob("ok-*.json"))


@pytest.mark.parametrize("path", VALID_MODELS, ids=lambda p: str(p.relative_to(REPO)))
def test_valid_models_validate(validator: Draft202012Validator, path: Path) -> None:
    assert errors_of(validator, json.loads(path.read_text(encoding="utf-8"))) == []


def test_format_doc_example_validates_and_the_cli_accepts_it(
    validator: Draft202012Validator, zbb_cli: Path, tmp_path: Path
) -> None:
    blocks = json_blocks(FORMAT_DOC)
    assert blocks, "docs/model-format.md has no ```json block"
    for i, text in enumerate(blocks):
        doc = json.loads(text)
        assert errors_of(validator, doc) == [], f"```json block {i}"
        path = tmp_path / f"model-format-{i}.json"
        path.write_text(text, encoding="utf-8")
        r = run_cli(zbb_cli, "validate", str(path))
        assert r.returncode == 0, f"```json block {i}: {r.stderr}"
        assert "valid zbb-model/1" in r.stdout
        assert r.stderr == ""


def test_null_means_absent_in_the_schema_as_in_the_reader(
    validator: Draft202012Validator, zbb_cli: Path, tmp_path: Path
) -> None:
    doc = json.loads(SMALL.read_text(encoding="utf-8"))
    doc.update({"name": None, "currency": None, "minor_units": None, "support": None})
    doc["activities"][0]["max"] = None
    doc["resources"][0]["category"] = None
    doc["goals"][0]["weight"] = None
    assert errors_of(validator, doc) == []
    path = tmp_path / "nulls.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    r = run_cli(zbb_cli, "validate", str(path))
    assert r.returncode == 0, r.stderr


# ---- bad models ---------------------------------------------------------------------------------
def test_every_bad_model_is_classified() -> None:
    groups = [set(SCHEMA_REJECTS), NOT_JSON, BEYOND_SCHEMA]
    assert not (groups[0] & groups[1] or groups[0] & groups[2] or groups[1] & groups[2])
    assert set().union(*groups) == set(bad_cases())


@pytest.mark.parametrize("case", sorted(SCHEMA_REJECTS))
def test_schema_rejects(validator: Draft202012Validator, case: str) -> None:
    doc = json.loads((MODELS / f"bad-{case}.json").read_text(encoding="utf-8"))
    found = {(e.json_path, e.validator) for e in validator.iter_errors(doc)}
    assert SCHEMA_REJECTS[case] in found, f"{case}: expected {SCHEMA_REJECTS[case]}, got {sorted(found)}"


@pytest.mark.parametrize("case", sorted(NOT_JSON))
def test_not_json(case: str) -> None:
    with pytest.raises((ValueError, RecursionError)):
        json.loads((MODELS / f"bad-{case}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", sorted(BEYOND_SCHEMA))
def test_beyond_schema_is_accepted_by_the_schema(validator: Draft202012Validator, case: str) -> None:
    doc = json.loads((MODELS / f"bad-{case}.json").read_text(encoding="utf-8"))
    assert errors_of(validator, doc) == []


# ---- variant files (docs/variants.md) -----------------------------------------------------------
VARIANT_SCHEMA_PATH = DOCS / "zbb-variant-1.schema.json"


@pytest.mark.parametrize(
    "path",
    sorted(REPO.glob("examples/variants/*.json")) + [MODELS.parent / "variants" / "unreachable.json"],
    ids=lambda p: str(p.relative_to(REPO)),
)
def test_variant_files_validate(path: Path) -> None:
    schema = json.loads(VARIANT_SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    assert errors_of(validator, json.loads(path.read_text(encoding="utf-8"))) == []


def test_variant_schema_refuses_what_the_reader_refuses() -> None:
    validator = Draft202012Validator(json.loads(VARIANT_SCHEMA_PATH.read_text(encoding="utf-8")))
    base = {"format": "zbb-variant/1", "name": "v"}
    bad = [
        {**base, "changes": [{"set": "resource.price", "id": "R-cm", "value": 81.2}]},
        {**base, "changes": [{"set": "goal.baseline", "id": "G-home", "value": 1}]},
        {**base, "changes": [{"set": "plan.volume", "goal": "G-home", "value": 1}]},
        {**base, "changes": [{"set": "goal.target", "id": "G-home", "value": None}]},
        {**base, "changes": [], "extra": 1},
        {"format": "zbb-variant/1", "changes": []},
    ]
    for doc in bad:
        assert errors_of(validator, doc) != [], doc


# ---- docs/errors.md -----------------------------------------------------------------------------
def _cli_test_names() -> set[str]:
    text = CLI_CMAKE.read_text(encoding="utf-8")
    names = set(re.findall(r"^zbb_cli_test\((\S+)", text, re.M))
    for case, rest in re.findall(r"^zbb_cli_bad\((\S+) (.*)$", text, re.M):
        names.add(f"cli.bad.{case}")
        if not rest.rstrip().endswith("BUDGET_ONLY)"):
            names.add(f"cli.bad.{case}.validate")
    return names


_SMALL_ARG = "tests/cli/models/small.json"
# Tests that do not run a bad-<case>.json: their arguments (from tests/cli/CMakeLists.txt).
CLI_ARGS: dict[str, list[str]] = {
    "cli.bad.missing-file": ["budget", "tests/cli/models/does-not-exist.json"],
    "cli.bad.model-is-directory": ["budget", "tests/cli/models"],
    "cli.bad.usage-no-command": [],
    "cli.bad.usage-unknown-command": ["frobnicate", _SMALL_ARG],
    "cli.bad.usage-unknown-option": ["budget", _SMALL_ARG, "--jsno"],
    "cli.bad.usage-missing-file-argument": ["budget"],
    "cli.bad.usage-bad-rounding": ["budget", _SMALL_ARG, "--rounding", "sideways"],
    "cli.bad.usage-rounding-without-mode": ["budget", _SMALL_ARG, "--rounding"],
    "cli.bad.usage-extra-argument": ["budget", _SMALL_ARG, "extra.json"],
    "cli.bad.usage-help-unknown": ["help", "nope"],
    "cli.bad.usage-validate-json": ["validate", _SMALL_ARG, "--json"],
}
# zbb compare (docs/variants.md): the example and a variant file.
_EXAMPLE_ARG = "examples/dementia-friendly.json"
_SPLIT_ARG = "examples/variants/insurer-split.json"
CLI_ARGS.update(
    {
        f"cli.bad.variant-{case}": ["compare", _EXAMPLE_ARG, f"tests/cli/variants/bad-{case}.json"]
        for case in (
            "unknown-goal",
            "unknown-field",
            "price-number",
            "shares-sum",
            "volume-beyond-range",
            "malformed",
            "name-base",
        )
    }
)
CLI_ARGS.update(
    {
        "cli.bad.variant-duplicate-name": ["compare", _EXAMPLE_ARG, _SPLIT_ARG, _SPLIT_ARG],
        "cli.bad.compare-unknown-reference": ["compare", _EXAMPLE_ARG, _SPLIT_ARG, "--reference", "nope"],
        "cli.bad.compare-usage-no-variant": ["compare", _EXAMPLE_ARG],
        "cli.bad.compare-usage-bad-objective": ["compare", _EXAMPLE_ARG, _SPLIT_ARG, "--objective", "sideways"],
    }
)


def _row(doc: dict[str, Any], table: str, **match: Any) -> dict[str, Any]:
    return next(r for r in doc[table] if all(r.get(k) == v for k, v in match.items()))


def _singular(d: dict[str, Any]) -> None:
    d["support"] = [
        {"supplier": "A-mgmt", "consumer": "A-mgmt", "per_unit": 0.9999999},
        {"supplier": "A-ict", "consumer": "A-ict", "per_unit": 0.9999999},
        {"supplier": "A-mgmt", "consumer": "A-ict", "per_unit": 1},
        {"supplier": "A-ict", "consumer": "A-case", "per_unit": 1},
    ]


def _total_overflow(d: dict[str, Any]) -> None:
    d["support"], d["funding"] = [], []
    _row(d, "resources", id="R-cm")["price"] = "50000000"
    _row(d, "resources", id="R-mgr")["price"] = "50000000"
    d["consumption"] = [
        {"activity": "A-case", "resource": "R-cm", "per_unit": 1},
        {"activity": "A-course", "resource": "R-mgr", "per_unit": 1},
    ]
    d["plan"] = [
        {"goal": "G-home", "activity": "A-case", "volume": 1e6},
        {"goal": "G-carer", "activity": "A-course", "volume": 1e6},
    ]


# The rows marked "no test" in docs/errors.md: small.json changed as the row describes.
DERIVED: dict[str, Callable[[dict[str, Any]], None]] = {
    "empty-id": lambda d: _row(d, "goals", id="G-home").update(id=""),
    "31-decimals": lambda d: _row(d, "resources", id="R-cm").update(price="0." + "0" * 30 + "1"),
    "empty-category": lambda d: _row(d, "resources", id="R-cm").update(category=""),
    "singular-support": _singular,
    "total-overflow": _total_overflow,
}
DERIVED_ARGS: dict[str, list[str]] = {"demo-model-json": ["demo", "--model", "--json"]}


def _error_rows() -> list[tuple[str, str]]:
    """(message, test cell) of every error row of errors.md: a table row whose last cell names a
    test (`cli.bad.*`) or says "no test"."""
    rows = []
    for line in ERRORS_DOC.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| "):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if not (cells[-1].startswith("`cli.bad.") or cells[-1].startswith("no test")):
            continue
        messages = [m for c in cells for m in re.findall(r"`(zbb: (?:usage )?error: [^`]*)`", c)]
        assert len(messages) == 1, line
        rows.append((messages[0], cells[-1]))
    return rows


def test_errors_doc_names_every_bad_model_and_only_real_tests() -> None:
    text = ERRORS_DOC.read_text(encoding="utf-8")
    named = set(re.findall(r"`(cli\.bad\.[a-z0-9.\-]+?)`", text))
    assert named - _cli_test_names() == set()
    missing = [c for c in bad_cases() if f"cli.bad.{c}" not in named]
    assert missing == []


def test_errors_doc_messages_are_what_the_cli_prints(zbb_cli: Path) -> None:
    rows = _error_rows()
    assert len(rows) > 40
    checked = 0
    for message, tests in rows:
        first = re.search(r"`(cli\.bad\.[a-z0-9.\-]+?)`", tests)
        if not first:
            assert tests.startswith("no test"), tests
            continue
        name = first.group(1).removesuffix(".validate")
        case = name[len("cli.bad.") :]
        if (MODELS / f"bad-{case}.json").exists():
            args = ["budget", f"tests/cli/models/bad-{case}.json"]
        else:
            assert name in CLI_ARGS, f"no arguments known for {name}"
            args = CLI_ARGS[name]
        r = run_cli(zbb_cli, *args)
        assert r.stdout == "", name
        assert r.stderr == message + "\n", name
        checked += 1
    assert checked >= 40


def test_errors_doc_untested_examples_are_real(zbb_cli: Path, tmp_path: Path) -> None:
    rows = _error_rows()
    untested = {m for m, tests in rows if tests.startswith("no test")}
    printed = set()
    small = json.loads(SMALL.read_text(encoding="utf-8"))
    for name, change in DERIVED.items():
        doc = copy.deepcopy(small)
        change(doc)
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        r = run_cli(zbb_cli, "budget", str(path))
        assert r.returncode == 1 and r.stdout == "", name
        printed.add(r.stderr.rstrip("\n"))
    for name, args in DERIVED_ARGS.items():
        r = run_cli(zbb_cli, *args)
        assert r.returncode == 2 and r.stdout == "", name
        printed.add(r.stderr.rstrip("\n"))
    assert untested == printed


def test_errors_doc_warnings_are_real(zbb_cli: Path, tmp_path: Path) -> None:
    text = ERRORS_DOC.read_text(encoding="utf-8")
    section = text[text.index("## Warnings") :]
    expected = re.search(r"```text\n(.*?)```", section, re.S).group(1).splitlines()
    doc = json.loads(json_blocks(FORMAT_DOC)[0])
    _row(doc, "plan", goal="G-home", activity="A-case")["volume"] = 300
    _row(doc, "activities", id="A-mgmt")["min"] = 1000
    _row(doc, "resources", id="R-mgr")["available"] = 400
    path = tmp_path / "warnings.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    r = run_cli(zbb_cli, "budget", str(path), "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["warnings"] == expected
