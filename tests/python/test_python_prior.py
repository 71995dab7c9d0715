"""Goal tables and the comparison with a prior budget from Python: cross-footing, an independent
scipy computation of the goal tables, the same reports as the CLI, readers and refusals."""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from scipy.sparse.linalg import spsolve

import zbb

KINDS = ("activity", "resource", "category", "partner")


def _prior_path(repo: Path) -> Path:
    return repo / "examples" / "prior-year.csv"


@pytest.mark.parametrize("by", KINDS)
def test_goal_table_cross_foots_both_ways(example_model: zbb.Model, by: str) -> None:
    b = example_model.budget()
    t = b.goal_table(by)
    assert list(t.index) == list(b.by_goal.index)
    assert list(t.columns) == list(b.breakdown(by).index)
    assert t.sum(axis=1).tolist() == b.by_goal["amount"].tolist()
    assert t.sum(axis=0).tolist() == b.breakdown(by)["amount"].tolist()
    long = b.goal_table(by, wide=False)
    assert sum(long["amount"], Decimal(0)) == b.total
    # every cell is the floor or ceiling of its computed value
    assert (np.abs(long["amount_minor"].to_numpy() - long["value"].to_numpy()) < 1).all()


@pytest.mark.parametrize("seed", range(8))
def test_goal_tables_match_an_independent_scipy_computation(generated, seed: int) -> None:  # type: ignore[no-untyped-def]
    m = zbb.read_json(generated(seed, 4, 25, 8, 3, 4))
    b = m.budget()
    support = m.matrix("support").tocsc()
    n = support.shape[0]
    plan = b.plan_matrix().tocsc()
    x = np.column_stack(
        [
            spsolve(sparse.identity(n, format="csc") - support, plan[:, [g]].toarray().ravel())
            for g in range(plan.shape[1])
        ]
    )  # activity x goal
    cells = (b.unit_costs[:, None] * x).T * 10**b.minor_digits  # goal x activity, minor units
    t = b.goal_table("activity")
    amounts = np.array([[int(a * 10**b.minor_digits) for a in row] for row in t.to_numpy()], dtype=float)
    assert np.abs(amounts - cells).max() < 2.0  # within the rounding (docs/prior-year.md)
    assert t.sum(axis=1).tolist() == b.by_goal["amount"].tolist()
    assert t.sum(axis=0).tolist() == b.by_activity["amount"].tolist()


def test_prior_reports_equal_the_cli(example_path: Path, repo: Path, cli: Path) -> None:
    b = zbb.read_json(example_path).budget()
    c = b.compare_prior(_prior_path(repo))
    for flag, report in (("--json", c.report_json()), ("--csv", c.report_csv()), (None, c.report_text())):
        args = [str(cli), "budget", str(example_path), "--prior", str(_prior_path(repo))]
        out = subprocess.run(args + ([flag] if flag else []), capture_output=True, text=True, check=True).stdout
        assert out == report
    doc = json.loads(c.report_json())
    assert doc["prior"]["activity"]["A-daycentre"]["status"] == "stopped"
    assert doc["prior"]["activity"]["A-walkin-warnsveld"]["status"] == "new"


def test_waterfall_cross_foots_to_the_cent(example_model: zbb.Model, repo: Path) -> None:
    b = example_model.budget()
    for kind in ("activity", "partner"):
        c = b.compare_prior(_prior_path(repo), waterfall=kind)
        w = c.waterfall
        bars = sum(w["amount"][1:-1], Decimal(0))
        assert w["amount"].iloc[0] + bars == w["amount"].iloc[-1] == b.total
        assert w["running"].iloc[-2] == b.total
        t = c.table(kind)
        assert t["prior"].sum() + t["change"].sum() == b.total
        # the prior total of the kind starts the waterfall
        assert w["amount"].iloc[0] == t["prior"].sum()
    ax = c.plot_waterfall()
    assert len(ax.patches) == len(c.waterfall)


def test_a_prior_from_a_dataframe_and_its_refusals(example_model: zbb.Model) -> None:
    b = example_model.budget()
    frame = pd.DataFrame({"kind": ["activity", "activity"], "id": ["A-case", "A-old"], "amount": ["1000.00", 5]})
    c = b.compare_prior(frame)
    lines = c.table("activity")
    assert lines.loc["A-case", "prior"] == Decimal("1000.00")
    assert lines.loc["A-old", "status"] == "stopped"
    assert not lines.loc["A-old", "in_model"]
    with pytest.raises(zbb.ModelError, match="rounded to binary"):
        b.compare_prior(pd.DataFrame({"kind": ["activity"], "id": ["A-case"], "amount": [1.5]}))
    with pytest.raises(zbb.ModelError, match="missing columns amount"):
        b.compare_prior(pd.DataFrame({"kind": ["activity"], "id": ["A-case"]}))
    with pytest.raises(zbb.ModelError, match=r"line 3 \(activity 'A-case'\).*already on line 2"):
        b.compare_prior(pd.DataFrame({"kind": ["activity"] * 2, "id": ["A-case"] * 2, "amount": ["1", "2"]}))
    exponent = b.compare_prior(pd.DataFrame({"kind": ["activity"], "id": ["A-case"], "amount": [Decimal("1E+3")]}))
    assert exponent.table("activity").loc["A-case", "prior"] == Decimal("1000.00")
    with pytest.raises(zbb.ModelError, match="read with 3 decimals"):
        b.compare_prior(
            zbb.read_prior(pd.DataFrame({"kind": ["activity"], "id": ["A-case"], "amount": ["1"]}), minor_digits=3)
        )
    with pytest.raises(zbb.ModelError, match="no goal lines"):
        b.compare_prior(frame, waterfall="goal")
    with pytest.raises(zbb.ModelError, match="unknown goal table"):
        b.goal_table("goal")


def test_dutch_csv_and_last_years_report_read_as_priors(example_model: zbb.Model, tmp_path: Path) -> None:
    b = example_model.budget()
    dutch = tmp_path / "vorig-jaar.csv"
    dutch.write_bytes("\ufeffkind;id;amount\r\nactivity;A-case;1.180.000,00\r\nactivity;A-meet;-12,5\r\n".encode())
    p = zbb.read_prior(dutch)
    assert p.lines["amount"].tolist() == [Decimal("1180000.00"), Decimal("-12.50")]
    # last year's own report: every line the same, every bar zero
    last = tmp_path / "last.json"
    last.write_text(b.report_json())
    c = b.compare_prior(last)
    assert set(c.lines["status"]) == {"same"}
    assert all(a == 0 for a in c.waterfall["amount"][1:-1])
    bad = tmp_path / "bad.csv"
    bad.write_text("kind,id,amount\nactivity,A-case,12.345\n")
    with pytest.raises(zbb.ModelError, match=r"file '.*bad.csv', line 2 \(activity 'A-case'\).*more than 2 decimals"):
        zbb.read_prior(bad)
