"""Variant files from Python: zbb.read_variant, Variant(model), zbb.compare_variants (the same
numbers as ``zbb compare``), compute_variants taking variant files, and the refusals."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest

import zbb

REPO = Path(__file__).resolve().parents[2]
VARIANTS = sorted((REPO / "examples" / "variants").glob("*.json"))
BAD = REPO / "tests" / "cli" / "variants"
CLI = Path(os.environ.get("ZBB_CLI", REPO / "build" / "zbb"))
BREAKDOWNS = ("goal", "partner", "activity", "resource", "category")


def test_the_examples_read_and_name_themselves() -> None:
    assert len(VARIANTS) == 3
    for path in VARIANTS:
        v = zbb.read_variant(path)
        assert v.name == json.loads(path.read_text())["name"] == v.__name__
        assert list(v.changes.columns) == ["set", "keys", "value"]
        assert len(v.changes) == len(json.loads(path.read_text())["changes"])
    shares = zbb.read_variant(REPO / "examples" / "variants" / "insurer-split.json").changes
    assert list(shares["set"]) == ["funding.share", "funding.share"]
    assert shares["keys"][0] == {"activity": "A-case", "partner": "P-ins"}
    assert shares["value"][0] == "0.70"  # exact text, never a float


def test_a_variant_is_the_hand_edited_model(example_model: zbb.Model) -> None:
    v = zbb.read_variant(REPO / "examples" / "variants" / "insurer-split.json")
    by_variant = v(example_model).budget()
    by_hand = example_model.with_shares("A-case", {"P-ins": "0.70", "P-muni": "0.30"}).budget()
    assert by_variant.report_json() == by_hand.report_json()
    assert example_model.budget().total == zbb.read_json(REPO / "examples" / "dementia-friendly.json").budget().total


def test_compare_equals_separate_budgets_to_the_cent(example_model: zbb.Model) -> None:
    variants = [zbb.read_variant(p) for p in VARIANTS]
    c = zbb.compare_variants(example_model, variants)
    assert c.names == ["base"] + [v.name for v in variants]
    budgets = {"base": example_model.budget()} | {v.name: v(example_model).budget() for v in variants}
    summary = c.summary
    for name, b in budgets.items():
        assert summary.loc[name, "total"] == b.total
        assert summary.loc[name, "status"] == "ok"
        for by in BREAKDOWNS:
            expected = b.breakdown(by)["amount"]
            assert c.breakdown(by)[name].to_dict() == expected.to_dict(), (name, by)
    # Changes: exact per line, summing to the change of the total; unchanged lines exactly 0.
    for name in c.names:
        change_total = summary.loc[name, "total"] - summary.loc["base", "total"]
        assert summary.loc[name, "change"] == change_total
        for by in BREAKDOWNS:
            changes = c.change(by)[name]
            assert sum(changes, Decimal(0)) == change_total, (name, by)
    # The insurer split changes who pays, not what any goal costs: every goal's change is exactly 0.
    assert all(x == 0 for x in c.change("goal")["insurer-split"])
    # It moves money between two partners only; the other partners show 0.00.
    partners = c.change("partner")["insurer-split"]
    assert partners["P-ins"] == -partners["P-muni"] != 0
    assert all(partners[p] == 0 for p in partners.index if p not in ("P-ins", "P-muni"))


def test_dominance_and_the_cli_agree(example_model: zbb.Model, example_path: Path) -> None:
    c = zbb.compare_variants(example_model, VARIANTS)  # paths work as well as Variant objects
    summary = c.summary
    # Dearer case-manager hours cost more and deliver the same: dominated by the base.
    assert "base" in summary.loc["dearer-case-manager", "dominated_by"]
    assert summary.loc["base", "dominated_by"] == []
    # The insurer split costs and delivers exactly what the base does: neither dominates.
    assert "insurer-split" not in summary.loc["base", "dominated_by"]
    assert "base" not in summary.loc["insurer-split", "dominated_by"]
    cli = subprocess.run(
        [str(CLI), "compare", str(example_path), *map(str, VARIANTS), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(cli.stdout) == json.loads(c.report_json())
    csv = c.report_csv()
    assert csv.splitlines()[0] == "variant,breakdown,key,amount,change"
    assert "dearer-case-manager" in c.report_text()


def test_compare_with_another_reference_and_objective(example_model: zbb.Model) -> None:
    c = zbb.compare_variants(example_model, VARIANTS, reference="dearer-case-manager")
    assert c.reference == "dearer-case-manager"
    assert c.summary.loc["dearer-case-manager", "change"] == 0
    least = zbb.compare_variants(example_model, VARIANTS[:1], objective="least-cost")
    assert least.objective == "least-cost"
    plan = zbb.read_variant(VARIANTS[0])(example_model).least_cost()
    assert least.summary.loc[VARIANTS[0].stem, "total"] == plan.budget.total


@pytest.mark.parametrize(
    ("file", "needle"),
    [
        ("bad-unknown-goal.json", "variant 'unknown-goal', changes[0] (goal.target): goal 'G-nope', field 'id'"),
        ("bad-unknown-field.json", "changes[0] (goal.baseline): unknown field 'baseline'"),
        ("bad-price-number.json", "changes[0] (resource.price): value must be a decimal string"),
        ("bad-volume-beyond-range.json", "field 'volume': 1e+300 is beyond the numeric range"),
        ("bad-malformed.json", "bad-malformed.json': invalid JSON"),
    ],
)
def test_bad_variant_files_are_refused_naming_the_change(example_model: zbb.Model, file: str, needle: str) -> None:
    with pytest.raises(zbb.ModelError) as err:
        zbb.compare_variants(example_model, [BAD / file])
    assert needle in str(err.value)


def test_shares_that_no_longer_sum_to_one_and_names_are_refused(example_model: zbb.Model) -> None:
    with pytest.raises(zbb.ModelError, match=r"changes\[0\] \(funding.share\).*sum to 0.95, not exactly 1"):
        zbb.read_variant(BAD / "bad-shares-sum.json")(example_model)
    with pytest.raises(zbb.ModelError, match="names the base model's column"):
        zbb.compare_variants(example_model, [BAD / "bad-name-base.json"])
    with pytest.raises(zbb.ModelError, match="no-such-file.json"):
        zbb.read_variant(BAD / "no-such-file.json")
    with pytest.raises(TypeError):
        zbb.compare_variants(example_model, [42])  # type: ignore[list-item]


def test_variants_pickle_and_feed_compute_variants(example_model: zbb.Model) -> None:
    v = zbb.read_variant(VARIANTS[1])
    again = pickle.loads(pickle.dumps(v))
    assert again.name == v.name and again(example_model).budget().total == v(example_model).budget().total
    with ThreadPoolExecutor(2) as pool:
        table = zbb.compute_variants(example_model, [*VARIANTS, ("again", again)], executor=pool, base="base")
    assert list(table.index) == ["base", *(p.stem for p in VARIANTS), "again"]
    assert table.loc["again", "total"] == table.loc[v.name, "total"]
    c = zbb.compare_variants(example_model, VARIANTS)
    for p in VARIANTS:
        assert table.loc[p.stem, "total"] == c.summary.loc[p.stem, "total"]


def test_the_chart_marks_dominated_variants(example_model: zbb.Model) -> None:
    import matplotlib

    matplotlib.use("Agg")
    ax = zbb.compare_variants(example_model, VARIANTS).plot()
    labels = [t.get_text() for t in ax.texts]
    assert "dearer-case-manager (dominated)" in labels and "base" in labels
    assert len(ax.collections) == 4


def test_a_thousand_variants_on_a_dask_cluster_equal_one_process(
    example_model: zbb.Model, capsys: pytest.CaptureFixture[str]
) -> None:
    """Past one machine: the same call through Dask distributed's concurrent.futures interface."""
    import operator

    import pandas as pd

    distributed = pytest.importorskip("distributed")
    variants = {f"cm {k}": operator.methodcaller("with_price", "R-cm", f"{60 + k / 100:.2f}") for k in range(1000)}
    with ThreadPoolExecutor(max_workers=1) as one:
        here = zbb.compute_variants(example_model, variants, executor=one, progress=False)
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None)
    try:
        with distributed.Client(cluster) as client:
            there = zbb.compute_variants(example_model, variants, executor=client.get_executor(), progress=True)
    finally:
        cluster.close()
    pd.testing.assert_frame_equal(here, there)
    assert len(there) == 1001 and there["total"].nunique() > 900
    assert "1001/1001" in capsys.readouterr().err  # the progress bar
