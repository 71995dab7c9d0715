"""Python budgets equal the CLI's JSON report (`zbb budget MODEL --json`) to the cent, on every
example and on generated models, and agree with the exact reference (zbb_reference.py)."""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import zbb
from conftest import example_paths
from model_gen import write_model
from test_cross_check import CASE_IDS, CASES, SECTIONS, check_report
from zbb_reference import exact_budget, load_model

BY = {
    "by_goal": "goal",
    "by_activity": "activity",
    "by_resource": "resource",
    "by_partner": "partner",
    "by_category": "category",
}


def cli_report(cli: Path, path: Path, *args: str) -> tuple[str, dict[str, Any]]:
    proc = subprocess.run(
        [str(cli), "budget", str(path), "--json", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout, json.loads(proc.stdout, parse_float=Decimal)


def python_report(budget: zbb.Budget) -> dict[str, Any]:
    """The CLI report's content rebuilt from the Python API (DataFrames, Decimals, numpy arrays)."""
    model = budget.model
    goals = budget.goals
    return {
        "currency": budget.currency,
        "total": str(budget.total),
        **{sec: {k: str(v) for k, v in budget.breakdown(by)["amount"].items()} for sec, by in BY.items()},
        "volumes": dict(zip(model.activity_ids, (Decimal(repr(float(v))) for v in budget.volumes))),
        "goals": {
            g: {k: Decimal(repr(float(goals.loc[g, k]))) for k in ("baseline", "target", "projected")}
            for g in goals.index
        },
    }


def assert_same(budget: zbb.Budget, text: str, report: dict[str, Any]) -> None:
    assert budget.report_json() == text  # byte for byte
    assert budget.total == Decimal(report["total"])
    assert isinstance(budget.total, Decimal)
    for sec, by in BY.items():
        frame = budget.breakdown(by)
        assert list(frame.index) == list(report[sec])
        assert {k: v for k, v in frame["amount"].items()} == {k: Decimal(v) for k, v in report[sec].items()}
        assert sum(frame["amount"], Decimal(0)) == budget.total  # cross-footing
        assert int(frame["amount_minor"].sum()) == budget.total_minor
        digits = budget.minor_digits
        assert all(Decimal(int(m)).scaleb(-digits) == a for m, a in zip(frame["amount_minor"], frame["amount"]))
    volumes = np.array([float(report["volumes"][a]) for a in budget.model.activity_ids])
    assert np.array_equal(budget.volumes, volumes)
    projected = np.array([float(report["goals"][g]["projected"]) for g in budget.model.goal_ids])
    assert np.array_equal(budget.projected, projected)
    needs = np.array([float(report["resource_needs"][r]) for r in budget.model.resource_ids])
    assert np.array_equal(budget.resource_needs, needs)
    assert budget.warnings == report["warnings"]


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.name)
def test_examples_equal_cli(cli: Path, path: Path) -> None:
    text, report = cli_report(cli, path)
    budget = zbb.read_json(path).budget()
    assert_same(budget, text, report)
    # and the Python results satisfy the exact guarantees of the reference
    errors = check_report(python_report(budget), exact_budget(load_model(path)))
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("rounding", zbb.ROUNDING_MODES)
def test_rounding_modes_equal_cli(cli: Path, repo: Path, rounding: str) -> None:
    path = repo / "tests" / "cli" / "models" / "small.json"
    text, report = cli_report(cli, path, "--rounding", rounding)
    budget = zbb.read_json(path).budget(rounding=rounding)
    assert budget.rounding == rounding
    assert_same(budget, text, report)


def test_small_model_tie_rounds_by_mode(repo: Path) -> None:
    # small.json's total is exactly 1016860.345: a tie.
    model = zbb.read_json(repo / "tests" / "cli" / "models" / "small.json")
    assert model.budget().total == Decimal("1016860.34")
    assert model.budget(rounding="half-up").total == Decimal("1016860.35")
    assert model.budget(rounding="half_down").total == Decimal("1016860.34")


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_generated_equal_cli(cli: Path, tmp_path: Path, case: Any) -> None:
    path = write_model(case.model(), tmp_path / f"{case.name}.json")
    text, report = cli_report(cli, path)
    model = zbb.read_json(path)
    assert_same(model.budget(), text, report)
    # the same model rebuilt from DataFrames gives the same report, byte for byte
    rebuilt = zbb.from_dataframes(
        model.to_dataframes(),
        name=model.name,
        currency=model.currency,
        minor_units=model.minor_units,
        description=model.description,
        frame=model.frame,
    )
    assert rebuilt.budget().report_json() == text
    errors = check_report(python_report(model.budget()), exact_budget(load_model(path)))
    assert not errors, "\n".join(errors[:20])


def test_report_text_equals_cli(cli: Path, example_path: Path) -> None:
    proc = subprocess.run(
        [str(cli), "budget", str(example_path)], capture_output=True, text=True, encoding="utf-8", check=True
    )
    assert zbb.read_json(example_path).budget().report_text() == proc.stdout


def test_sections_cover_reference_sections() -> None:
    assert set(BY) == set(SECTIONS)
