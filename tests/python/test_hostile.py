"""The hostile-input suite: every case of tests/hostile/cases.json through every door.

Doors: the CLI (budget as text and JSON, validate, optimize, optimize --objective max-effect,
packages, simulate --json), Python (read_json, from_dict, from_dataframes, read_excel on a workbook
written by hand in zbb's layout; each answering budget, least cost, max effect, packages,
simulate) and, for the models zbb accepts, zbb's own writers (to_excel, pickling). Each case says
what every door must answer: an error of a given kind whose message contains a given text, or a
result. The same table drives tests/cpp/test_hostile.cpp (the C++ API).
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import pickle
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

import zbb

REPO = Path(__file__).resolve().parents[2]
SUITE = json.loads((REPO / "tests" / "hostile" / "cases.json").read_text(encoding="utf-8"))
CASES = {c["name"]: c for c in SUITE["cases"]}
CLASSES = {
    "model_error": zbb.ModelError,
    "money_overflow": zbb.MoneyOverflowError,
    "support_loop_error": zbb.SupportLoopError,
}
EXIT_OF = {"model_error": 1, "money_overflow": 1, "support_loop_error": 1}
DOORS = (
    "budget",
    "validate",
    "optimize",
    "max-effect",
    "packages",
    "simulate",
    "dataframes",
    "workbook",
)


def _pointer(doc: Any, pointer: str) -> tuple[Any, str | int]:
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.lstrip("/").split("/")]
    node = doc
    for p in parts[:-1]:
        node = node[int(p)] if isinstance(node, list) else node[p]
    last = parts[-1]
    return node, (int(last) if isinstance(node, list) else last)


def _rename(node: Any, old: str, new: str) -> Any:
    if isinstance(node, dict):
        return {k: _rename(v, old, new) for k, v in node.items()}
    if isinstance(node, list):
        return [_rename(v, old, new) for v in node]
    return new if node == old else node


def hostile_doc(case: dict[str, Any]) -> Any:
    """The base model with the suite's prelude and the case's changes (a dict, or text for nest)."""
    if "nest" in case:
        return "[" * case["nest"] + "]" * case["nest"]
    doc = json.loads((REPO / SUITE["base"]).read_text(encoding="utf-8"))
    for pointer, value in SUITE["prelude"] + case.get("set", []):
        node, key = _pointer(doc, pointer)
        node[key] = copy.deepcopy(value)
    for pointer, row in case.get("append", []):
        node, key = _pointer(doc, pointer)
        node[key].append(copy.deepcopy(row))
    for old, new in case.get("rename", []):
        doc = _rename(doc, old, new)
    return doc


def expected(case: dict[str, Any], door: str) -> dict[str, Any]:
    """{"error": {...}} or {"ok": {...}} or {"unrepresentable": reason} for one door."""
    override = case.get("doors", {}).get(door)
    if override is not None:
        return override
    return {k: case[k] for k in ("error", "ok") if k in case}


def write_text(tmp_path: Path, doc: Any) -> Path:
    path = tmp_path / "hostile.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def as_frames(doc: dict[str, Any]) -> dict[str, Any]:
    """The JSON document as zbb's tables (what an analyst holds as DataFrames)."""
    frames: dict[str, Any] = {}
    for table, columns in zbb.TABLE_COLUMNS.items():
        if table in ("levels", "packages", "package_volumes"):
            continue
        rows = doc.get(table, [])
        frames[table] = pd.DataFrame(rows, columns=[c for c in columns if any(c in r for r in rows)] or None)
    packages = doc.get("packages", [])
    frames["packages"] = pd.DataFrame(
        [{k: p[k] for k in ("unit", "level", "name", "priority") if k in p} for p in packages]
    )
    frames["package_volumes"] = pd.DataFrame(
        [{"unit": p["unit"], "level": p["level"], **v} for p in packages for v in p["volumes"]]
    )
    return frames


def as_workbook(doc: dict[str, Any], path: Path) -> Path:
    """The model as a workbook in zbb's layout, written with openpyxl (as a user would)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "model"
    ws.append(["key", "value"])
    for key in ("format", "name", "currency"):
        ws.append([key, doc.get(key)])
    for title, frame in as_frames(doc).items():
        sheet = wb.create_sheet(title)
        sheet.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            sheet.append([None if isinstance(v, float) and v != v else v for v in row])
    if "frame" in doc:
        sheet = wb.create_sheet("frame")
        sheet.append(["key", "value"])
        sheet.append(["budget", doc["frame"]["budget"]])
        for table, key in (("partner_caps", "partner"), ("area_caps", "area")):
            if doc["frame"].get(table):
                sheet = wb.create_sheet(table)
                sheet.append([key, "cap"])
                for cap in doc["frame"][table]:
                    sheet.append([cap[key], cap["cap"]])
    if "years" in doc:  # the multi-year estimate: a key/value sheet and one sheet per part
        years = doc["years"]
        sheet = wb.create_sheet("years")
        sheet.append(["key", "value"])
        for key in ("budget_year", "last_year", "municipality"):
            if years.get(key) is not None:
                sheet.append([key, years[key]])
        for title, key in (
            ("index_series", "index_series"),
            ("indexation", "indexation"),
            ("year_volumes", "volumes"),
            ("income", "income"),
            ("incidental", "incidental"),
        ):
            rows = years.get(key) or []
            if rows:
                sheet = wb.create_sheet(title)
                columns = list(rows[0])
                sheet.append(columns)
                for row in rows:
                    sheet.append([row.get(c) for c in columns])
    wb.save(path)
    return path


def check_error(call: Any, error: dict[str, Any]) -> None:
    cls = CLASSES[error["kind"]]
    with pytest.raises(zbb.ZbbError) as info:
        call()
    assert isinstance(info.value, cls), f"{type(info.value).__name__}: {info.value}"
    assert error["message"] in str(info.value)


def raw_controls(text: str) -> list[str]:
    """Characters that would reach a terminal raw: C0 controls but the line break, DEL, and the
    bidirectional controls (U+202A to U+202E, U+2066 to U+2069)."""
    return [
        ch
        for ch in text
        if (ord(ch) < 0x20 and ch != "\n")
        or ord(ch) == 0x7F
        or 0x202A <= ord(ch) <= 0x202E
        or 0x2066 <= ord(ch) <= 0x2069
    ]


# ---- the CLI ----------------------------------------------------------------------------------
def cli_args(door: str, path: Path) -> list[str]:
    return {
        "budget": ["budget", str(path)],
        "validate": ["validate", str(path)],
        "optimize": ["optimize", str(path)],
        "max-effect": ["optimize", str(path), "--objective", "max-effect"],
        "packages": ["packages", str(path)],
        "simulate": ["simulate", str(path), "--draws", "64", "--seed", "7", "--json"],
    }[door]


@pytest.mark.parametrize("door", DOORS[:6])
@pytest.mark.parametrize("name", list(CASES))
def test_cli(name: str, door: str, zbb_cli: Path, tmp_path: Path) -> None:
    case = CASES[name]
    path = write_text(tmp_path, hostile_doc(case))
    want = expected(case, door)
    runs = [cli_args(door, path)] + ([["budget", str(path), "--json"]] if door == "budget" else [])
    for args in runs:
        r = subprocess.run([str(zbb_cli), *args], capture_output=True, timeout=60)
        stderr = r.stderr.decode("utf-8", "replace")
        stdout = r.stdout.decode("utf-8", "replace")
        assert r.returncode >= 0, f"killed by signal {-r.returncode}"
        if "error" in want:
            assert r.returncode == EXIT_OF[want["error"]["kind"]], stderr
            assert stdout == ""
            assert stderr.startswith("zbb: error: ") and stderr.count("\n") == 1, stderr
            assert want["error"]["message"] in stderr
        elif "status" in want["ok"]:  # a trusted verdict: infeasible, naming what conflicts
            assert want["ok"]["status"] == "infeasible"
            assert r.returncode == 3, stderr
            assert want["ok"]["message"] in stderr
        else:
            assert r.returncode == 0, stderr
            key = "json" if "--json" in args else "text"
            if door == "budget" and key in want["ok"]:
                assert want["ok"][key] in stdout
            if key == "text":
                assert not raw_controls(stdout)
        assert not raw_controls(stderr)


@pytest.fixture(scope="module")
def zbb_cli() -> Path:
    path = Path(os.environ.get("ZBB_CLI") or REPO / "build" / "zbb")
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"zbb CLI not found at {path}: build it or set ZBB_CLI", pytrace=False)
    return path


# ---- Python -----------------------------------------------------------------------------------
def questions(model: zbb.Model) -> dict[str, Any]:
    return {
        "budget": model.budget,
        "optimize": model.least_cost,
        "max-effect": model.max_effect,
        "packages": model.packages,
        "simulate": lambda: model.simulate(draws=64, seed=7),
    }


def check_python(model_of: Any, case: dict[str, Any], door: str | None) -> None:
    """A model reader (`model_of()`) and each question against the case's expectations; `door`
    overrides the expectation for the reader (dataframes, workbook)."""
    reader = case.get("doors", {}).get(door) if door else None
    for question in ("budget", "optimize", "max-effect", "packages", "simulate"):
        want = reader if reader and "error" in reader else expected(case, question)
        if "error" in want:
            check_error(lambda q=question: questions(model_of())[q](), want["error"])
            continue
        result = questions(model_of())[question]()
        if question == "budget":
            text = result.report_text()
            if "text" in want["ok"]:
                assert want["ok"]["text"] in text
            if "json" in want["ok"]:
                assert want["ok"]["json"] in result.report_json()
            assert sum(result.by_partner["amount"]) == result.total  # cross-foots to the cent
        elif question == "simulate":
            doc = json.loads(result.report_json())
            assert doc["draws"] == 64 and doc["seed"] == 7
            assert all(0 <= g["p_reach"] <= 1 for g in doc["variants"]["base"]["goals"].values())
        else:
            assert result.status == want["ok"].get("status", "optimal"), result.status
            if result.status == "infeasible":
                assert want["ok"]["message"] in result.report_text()


@pytest.mark.parametrize("name", list(CASES))
def test_python_read_json(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    path = write_text(tmp_path, hostile_doc(case))
    check_python(lambda: zbb.read_json(path), case, None)


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if "nest" not in c])
def test_python_from_dict(name: str) -> None:
    case = CASES[name]
    check_python(lambda: zbb.from_dict(hostile_doc(case)), case, None)


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if "nest" not in c])
def test_python_from_dataframes(name: str) -> None:
    case = CASES[name]
    doc = hostile_doc(case)

    def model() -> zbb.Model:
        return zbb.from_dataframes(
            as_frames(doc), name=doc["name"], currency=doc["currency"], frame=doc["frame"], years=doc.get("years")
        )

    check_python(model, case, "dataframes")


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if "nest" not in c])
def test_python_read_excel(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    doc = hostile_doc(case)
    want = expected(case, "workbook")
    if "unrepresentable" in want:
        # The text cannot be stored in an .xlsx cell: openpyxl refuses to write a control character
        # and cuts a text beyond 32,767 characters, which zbb's reader then refuses; zbb's own
        # writers say so as a zbb error naming the cell, not openpyxl's exception or a cut id.
        try:
            as_workbook(doc, tmp_path / "by-hand.xlsx")
        except openpyxl.utils.exceptions.IllegalCharacterError:
            pass
        else:
            with pytest.raises(zbb.ModelError, match="the most an .xlsx cell holds, so it may have been cut"):
                zbb.read_excel(tmp_path / "by-hand.xlsx")
        model = zbb.from_dict(doc)
        with pytest.raises(zbb.ModelError, match="an .xlsx cell"):
            model.to_excel(tmp_path / "m.xlsx")
        with pytest.raises(zbb.ModelError, match="an .xlsx cell"):
            model.budget().to_excel(tmp_path / "b.xlsx")
        return
    path = as_workbook(doc, tmp_path / "hostile.xlsx")
    check_python(lambda: zbb.read_excel(path), case, "workbook")


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if "ok" in c])
def test_accepted_models_survive_zbb_writers(name: str, tmp_path: Path) -> None:
    """A hostile model zbb accepts goes through its own writers and back unchanged: JSON, pickle
    (zbb's state path) and, where the cells can hold it, the workbook."""
    model = zbb.from_dict(hostile_doc(CASES[name]))
    assert zbb.Model.from_json_text(model.to_json()) == model
    again = pickle.loads(pickle.dumps(model))
    assert again == model
    assert again.budget().total == model.budget().total
    if "unrepresentable" not in expected(CASES[name], "workbook"):
        model.to_excel(tmp_path / "m.xlsx")
        assert zbb.read_excel(tmp_path / "m.xlsx") == model


def test_the_suite_covers_the_issue_values() -> None:
    """The extreme values the hostile-input issue lists each have a case."""
    text = json.dumps(SUITE["cases"])
    for needle in (
        "1e+308",
        "999999999999999999999999999999",
        "\\u0000",
        "\\n",
        "\\u202e",
        "5e-324",
        "9007199254740993",
        "0.9999999",
    ):
        assert needle in text, needle
    assert any(c.get("nest") == 1_000_000 for c in SUITE["cases"])
    assert set(DOORS) >= {d for c in SUITE["cases"] for d in c.get("doors", {})}
    assert all(("error" in c) != ("ok" in c) for c in SUITE["cases"])
    assert Decimal(CASES["price-largest-in-range"]["set"][0][1]) * 100 == 2**53 - 1


def test_scenario_edits_meet_the_range_policy() -> None:
    """Every scenario edit and an explicit plan go through the same range policy as a file."""
    model = zbb.read_json(REPO / "tests" / "cli" / "models" / "small.json")
    edits = {
        "plan volume": (
            lambda: model.with_plan_volume("G-home", "A-case", 1e300),
            zbb.ModelError,
            "plan 'G-home -> A-case', field 'volume': 1e+300 is beyond the numeric range",
        ),
        "target": (
            lambda: model.with_target("G-home", 1e300),
            zbb.ModelError,
            "goal 'G-home', field 'target': 1e+300 is beyond the numeric range",
        ),
        "price": (
            lambda: model.with_price("R-cm", "90071992547409.92"),
            zbb.MoneyOverflowError,
            "resource 'R-cm', field 'price': \"90071992547409.92\" is beyond the numeric range",
        ),
        "frame": (lambda: model.with_frame({"budget": "9" * 30}), zbb.MoneyOverflowError, "frame, field 'budget'"),
        "explicit plan": (
            lambda: model.budget(plan=[{"goal": "G-home", "activity": "A-case", "volume": 2e12}]),
            zbb.ModelError,
            "field 'volume': 2000000000000 is beyond the numeric range",
        ),
        "max-effect budget": (
            lambda: model.max_effect(budget="90071992547409.92"),
            zbb.MoneyOverflowError,
            "field 'budget': \"90071992547409.92\" is beyond the numeric range",
        ),
    }
    for name, (edit, cls, text) in edits.items():
        with pytest.raises(cls) as info:
            edit()
        assert type(info.value) is cls, name
        assert text in str(info.value), (name, str(info.value))
    # The largest values in range are accepted.
    assert model.with_plan_volume("G-home", "A-case", 1e12).with_target("G-home", -1e12) is not None


# ---- variant and prior files (tests/hostile/files.json) ----------------------------------------
FILES = json.loads((REPO / "tests" / "hostile" / "files.json").read_text(encoding="utf-8"))
VARIANT_CASES = {c["name"]: c for c in FILES["variants"]}
PRIOR_CASES = {c["name"]: c for c in FILES["priors"]}


def file_bytes(case: dict[str, Any], content: str) -> bytes:
    """The bytes of a variant or prior case: the document, nest N (inside `around`), or hex."""
    if "nest" in case:
        nested = "[" * case["nest"] + "]" * case["nest"]
        return case.get("around", "%s").replace("%s", nested).encode()
    if "prior_hex" in case:
        return bytes.fromhex(case["prior_hex"])
    if content == "variant":
        return json.dumps(case["variant"], ensure_ascii=False).encode("utf-8")
    return str(case[content]).encode("utf-8")


def hostile_base(tmp_path: Path) -> Path:
    return write_text(tmp_path, hostile_doc({}))


def check_cli_run(args: list[str], want: dict[str, Any], zbb_cli: Path) -> str:
    """Runs the CLI and checks it against an expectation; returns standard output."""
    r = subprocess.run([str(zbb_cli), *args], capture_output=True, timeout=60)
    stderr = r.stderr.decode("utf-8", "replace")
    stdout = r.stdout.decode("utf-8", "replace")
    assert r.returncode >= 0, f"killed by signal {-r.returncode}"
    assert not raw_controls(stderr)
    if "error" in want:
        assert r.returncode == EXIT_OF[want["error"]["kind"]], stderr
        assert stdout == ""
        assert stderr.startswith("zbb: error: ") and stderr.count("\n") == 1, stderr
        assert want["error"]["message"] in stderr
        return stdout
    assert r.returncode == 0, stderr
    return stdout


def check_cli_file_case(
    args: list[str], case: dict[str, Any], zbb_cli: Path, check_report: Any, csv_header: str
) -> None:
    """The text, --json and --csv runs of a command on a file case; `check_report(report)` checks
    the parsed JSON report of a case that is accepted, and its CSV starts with `csv_header`."""
    for flag in ("", "--json", "--csv"):
        out = check_cli_run([*args, *([flag] if flag else [])], case, zbb_cli)
        if "ok" not in case:
            continue
        if flag == "":
            assert not raw_controls(out)
            assert case["ok"].get("text", "") in out
        elif flag == "--json":
            assert case["ok"].get("json", "") in out
            check_report(json.loads(out))
        else:
            rows = list(csv.reader(io.StringIO(out, newline="")))
            assert ",".join(rows[0]) == csv_header and len(rows) > 1
            assert all(len(r) == len(rows[0]) for r in rows)


def changes_cross_foot(report: dict[str, Any]) -> None:
    for column in report["variants"].values():
        for section, lines in column["change"].items():
            if section != "total":
                assert sum(Decimal(v) for v in lines.values()) == Decimal(column["change"]["total"])


def waterfall_cross_foots(report: dict[str, Any]) -> None:
    steps = [Decimal(s["amount"]) for s in report["waterfall"]]
    assert steps[0] + sum(steps[1:-1]) == steps[-1] == Decimal(report["total"])


@pytest.mark.parametrize("name", list(VARIANT_CASES))
def test_cli_variant_files(name: str, zbb_cli: Path, tmp_path: Path) -> None:
    case = VARIANT_CASES[name]
    variant = tmp_path / "v.json"
    variant.write_bytes(file_bytes(case, "variant"))
    args = ["compare", str(hostile_base(tmp_path)), str(variant)]
    check_cli_file_case(args, case, zbb_cli, changes_cross_foot, "variant,breakdown,key,amount,change")


@pytest.mark.parametrize("name", list(PRIOR_CASES))
def test_cli_prior_files(name: str, zbb_cli: Path, tmp_path: Path) -> None:
    case = PRIOR_CASES[name]
    prior = tmp_path / case.get("file", "p.csv")
    prior.write_bytes(file_bytes(case, "prior"))
    args = ["budget", str(hostile_base(tmp_path)), "--prior", str(prior)]
    check_cli_file_case(args, case, zbb_cli, waterfall_cross_foots, "kind,id,prior,zero_based,change,status")


@pytest.mark.parametrize("name", list(VARIANT_CASES))
def test_python_variant_files(name: str, tmp_path: Path) -> None:
    """zbb.read_variant and compare_variants, in one process and on an executor."""
    from concurrent.futures import ThreadPoolExecutor

    case = VARIANT_CASES[name]
    model = zbb.read_json(hostile_base(tmp_path))
    path = tmp_path / "v.json"
    path.write_bytes(file_bytes(case, "variant"))
    with ThreadPoolExecutor(1) as pool:
        calls = [
            lambda: zbb.compare_variants(model, [path]),
            lambda: zbb.compare_variants(model, [path], executor=pool),
        ]
        if "error" in case:
            for call in calls:
                check_error(call, case["error"])
            # compute_variants: the same error; one raised while budgeting names the variant in a
            # note rather than in the message.
            error = case["error"]
            with pytest.raises(CLASSES[error["kind"]]) as info:
                zbb.compute_variants(model, [path], executor=pool)
            if error["message"].startswith("variant 'v': "):
                assert error["message"].removeprefix("variant 'v': ") in str(info.value)
                assert info.value.__notes__ == ["in zbb.compute_variants, variant 'v'"]
            else:
                assert error["message"] in str(info.value)
            return
        here, there = calls[0](), calls[1]()
    assert here.report_json() == there.report_json()
    assert not raw_controls(here.report_text())
    assert case["ok"].get("text", "") in here.report_text()
    assert case["ok"].get("json", "") in here.report_json()


@pytest.mark.parametrize("name", list(PRIOR_CASES))
def test_python_prior_files(name: str, tmp_path: Path) -> None:
    """zbb.read_prior (a path) and Budget.compare_prior."""
    case = PRIOR_CASES[name]
    budget = zbb.read_json(hostile_base(tmp_path)).budget()
    path = tmp_path / case.get("file", "p.csv")
    path.write_bytes(file_bytes(case, "prior"))
    if "error" in case:
        check_error(lambda: budget.compare_prior(zbb.read_prior(path)), case["error"])
        check_error(lambda: budget.compare_prior(path), case["error"])
        return
    c = budget.compare_prior(zbb.read_prior(path))
    assert not raw_controls(c.report_text())
    assert case["ok"].get("text", "") in c.report_text()
    assert case["ok"].get("json", "") in c.report_json()
    w = c.waterfall
    assert w["amount"].iloc[0] + sum(w["amount"].iloc[1:-1]) == w["amount"].iloc[-1] == budget.total
