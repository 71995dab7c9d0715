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


def _price_variant(k: int) -> zbb.Variant:
    """A variant of the case manager's hourly price (60.00 + k cents), and every fifth one also a
    higher carer target, so that the columns differ in goals as well as cost."""
    changes: list[dict[str, object]] = [{"set": "resource.price", "id": "R-cm", "value": f"{60 + k / 100:.2f}"}]
    if k % 5 == 0:
        changes.append({"set": "goal.target", "id": "G-carer", "value": 400 + k % 40})
    doc = {"format": "zbb-variant/1", "name": f"cm {k}", "changes": changes}
    return zbb.Variant(json.dumps(doc), f"cm-{k}.json")


def _same_comparison(here: zbb.VariantComparison, there: zbb.VariantComparison) -> None:
    assert there.report_json() == here.report_json()
    assert there.report_csv() == here.report_csv()
    assert there.report_text() == here.report_text()
    assert there.names == here.names


@pytest.mark.parametrize("objective", ["budget", "least-cost"])
def test_compare_on_an_executor_equals_one_process(example_model: zbb.Model, objective: str) -> None:
    from concurrent.futures import ProcessPoolExecutor

    unreachable = zbb.Variant(
        json.dumps(
            {
                "format": "zbb-variant/1",
                "name": "unreachable",
                "changes": [{"set": "goal.target", "id": "G-friendly", "value": 100000}],
            }
        )
    )
    variants = [*VARIANTS, unreachable, *(_price_variant(k) for k in range(12))]
    for reference in ("base", "insurer-split"):
        here = zbb.compare_variants(example_model, variants, objective=objective, reference=reference)
        for chunksize in (1, 4, 100):
            with ThreadPoolExecutor(2) as pool:
                there = zbb.compare_variants(
                    example_model,
                    variants,
                    objective=objective,
                    reference=reference,
                    executor=pool,
                    chunksize=chunksize,
                )
            _same_comparison(here, there)
    with ProcessPoolExecutor(2) as pool:
        there = zbb.compare_variants(example_model, variants, objective=objective, executor=pool, chunksize=3)
    _same_comparison(zbb.compare_variants(example_model, variants, objective=objective), there)
    status = there.summary["status"]
    assert status["unreachable"] == ("ok" if objective == "budget" else "infeasible")


def test_compare_on_an_executor_refuses_as_one_process(example_model: zbb.Model) -> None:
    bad = [*VARIANTS, BAD / "bad-unknown-goal.json"]
    with pytest.raises(zbb.ModelError) as one:
        zbb.compare_variants(example_model, bad)
    with ThreadPoolExecutor(2) as pool, pytest.raises(zbb.ModelError) as many:
        zbb.compare_variants(example_model, bad, executor=pool, chunksize=2)
    assert str(many.value) == str(one.value)
    assert many.value.__notes__ == ["in zbb.compare_variants, the task computing the columns 'unknown-goal'"]
    with ThreadPoolExecutor(2) as pool, pytest.raises(zbb.ModelError) as many:
        zbb.compare_variants(example_model, [*bad, *(_price_variant(k) for k in range(4))], executor=pool, chunksize=8)
    assert many.value.__notes__ == [
        "in zbb.compare_variants, the task computing the columns 'base', 'dearer-case-manager', "
        "'insurer-split' and 5 more"
    ]
    twice = [VARIANTS[0], VARIANTS[0]]
    with ThreadPoolExecutor(1) as pool:
        with pytest.raises(zbb.ModelError, match="two variants have this name"):
            zbb.compare_variants(example_model, twice, executor=pool)
        with pytest.raises(zbb.ModelError, match="unknown column 'nope'; use one of base, "):
            zbb.compare_variants(example_model, VARIANTS, reference="nope", executor=pool)
        for chunksize in (0, -1, 1.5, True):
            with pytest.raises(zbb.ModelError, match="field 'chunksize'"):
                zbb.compare_variants(example_model, VARIANTS, executor=pool, chunksize=chunksize)  # type: ignore[arg-type]
        with pytest.raises(zbb.ModelError, match="unknown rounding mode"):
            zbb.compare_variants(example_model, VARIANTS, executor=pool, rounding="sideways")


def test_a_column_from_elsewhere_must_be_a_column_of_this_model(example_model: zbb.Model) -> None:
    from zbb import _core

    states = _core.compare_column_states(example_model._core, [None, zbb.read_variant(VARIANTS[0])._core])
    assert _core.assemble_comparison(example_model._core, states).names == ["base", VARIANTS[0].stem]
    with pytest.raises(zbb.ModelError, match="bytes after the column"):
        _core.assemble_comparison(example_model._core, [states[0] + b"\0"])
    small = zbb.read_json(REPO / "tests" / "cli" / "models" / "small.json")
    with pytest.raises(zbb.ModelError, match="other lines than the model's"):
        _core.assemble_comparison(small._core, states)


def test_a_thousand_variants_compared_on_a_dask_cluster_equal_one_process(
    example_model: zbb.Model, capsys: pytest.CaptureFixture[str]
) -> None:
    """Item 4 of the comparison issue: zbb.compare_variants through Dask distributed's
    concurrent.futures interface, a thousand variants, identical to the comparison in one process."""
    import distributed

    variants = [_price_variant(k) for k in range(1000)]
    here = zbb.compare_variants(example_model, variants)
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None)
    try:
        with distributed.Client(cluster) as client:
            there = zbb.compare_variants(
                example_model, variants, executor=client.get_executor(), chunksize=25, progress=True
            )
    finally:
        cluster.close()
    _same_comparison(here, there)
    assert "1001/1001" in capsys.readouterr().err  # the progress bar
    s = there.summary
    assert len(s) == 1001 and s["total"].nunique() > 900
    # The base's case manager (78.40 an hour) is dearer than every variant's: with the same goals
    # (cm 1 and cm 2 keep the targets) the base is dominated by both; dominators never cost more.
    assert {"cm 1", "cm 2"} <= set(s.loc["base", "dominated_by"])
    for name in ("base", "cm 1", "cm 999"):
        assert all(s.loc[d, "total"] <= s.loc[name, "total"] for d in s.loc[name, "dominated_by"])
    assert all(there.change("goal")[name].sum() == s.loc[name, "change"] for name in ("cm 1", "cm 5", "cm 999"))


def test_a_comparison_pickles_as_its_columns(example_model: zbb.Model) -> None:
    c = zbb.compare_variants(example_model, VARIANTS, objective="least-cost", reference="insurer-split")
    again = pickle.loads(pickle.dumps(c))
    assert again.report_json() == c.report_json() and again.report_text() == c.report_text()
    assert (again.reference, again.objective, again.names) == (c.reference, c.objective, c.names)
    assert again.summary.equals(c.summary)


def test_the_first_failing_column_raises_on_an_executor_as_in_one_process(example_model: zbb.Model) -> None:
    """Columns are made in order, applying and computing each variant in turn: "big" applies but
    its cost overflows, "unknown" does not apply; whichever comes first raises, either way."""
    from concurrent.futures import ProcessPoolExecutor

    big = zbb.Variant(
        json.dumps(
            {
                "format": "zbb-variant/1",
                "name": "big",
                "changes": [{"set": "resource.price", "id": "R-cm", "value": "90071992547409.91"}],
            }
        )
    )
    unknown = zbb.read_variant(BAD / "bad-unknown-goal.json")
    with ProcessPoolExecutor(2) as pool:
        for order, cls, start in (
            ([big, unknown], zbb.MoneyOverflowError, "variant 'big': activity 'A-case', field 'cost'"),
            ([unknown, big], zbb.ModelError, "variant 'unknown-goal', changes[0] (goal.target)"),
        ):
            with pytest.raises(cls) as one:
                zbb.compare_variants(example_model, order)
            for chunksize in (1, 2):
                with pytest.raises(cls) as many:
                    zbb.compare_variants(example_model, order, executor=pool, chunksize=chunksize)
                assert str(many.value) == str(one.value) and str(one.value).startswith(start)
                assert type(many.value) is type(one.value)
