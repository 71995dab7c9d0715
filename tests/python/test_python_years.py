"""The multi-year estimate from Python (docs/years.md): Model.multi_year_budget against the CLI and
a hand-computed case, every year and every breakdown cross-footing, the years through every door
(JSON, dicts, DataFrames, pickling, workbooks), refusals naming id and field, and a model without
years unchanged."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import matplotlib
import pandas as pd
import pytest

import zbb
from conftest import REPO

matplotlib.use("Agg")

MULTI = REPO / "examples" / "dementia-friendly-multiyear.json"
AREAS = REPO / "examples" / "dementia-friendly-areas.json"
CLI = Path(os.environ.get("ZBB_CLI", REPO / "build" / "zbb"))


def cli(*args: str) -> str:
    out = subprocess.run([str(CLI), *args], capture_output=True, text=True, check=True, timeout=60)
    return out.stdout


def small(**years: Any) -> dict[str, Any]:
    """One goal, one activity, one resource at 10.00 per unit, 100 units planned; years
    2027-2029 with the series s at 1.1 (2028) and 1.05 (2029) and 120 units in 2029."""
    doc: dict[str, Any] = {
        "name": "small",
        "currency": "EUR",
        "goals": [{"id": "G", "baseline": 0, "target": 1}],
        "activities": [{"id": "A", "partner": "P"}],
        "resources": [
            {"id": "R", "price": "10.00", "category": "staff"},
            {"id": "Q", "price": "3.00", "category": "rent"},
        ],
        "partners": [{"id": "P"}],
        "effects": [{"goal": "G", "activity": "A", "per_unit": 0.01}],
        "consumption": [
            {"activity": "A", "resource": "R", "per_unit": 1},
            {"activity": "A", "resource": "Q", "per_unit": 1},
        ],
        "funding": [{"activity": "A", "partner": "P", "share": "1"}],
        "plan": [{"goal": "G", "activity": "A", "volume": 100}],
        "years": {
            "budget_year": 2027,
            "last_year": 2029,
            "index_series": [
                {"series": "s", "year": 2028, "factor": "1.1"},
                {"series": "s", "year": 2029, "factor": "1.05"},
            ],
            "indexation": [{"category": "staff", "series": "s"}],
            "volumes": [{"goal": "G", "activity": "A", "year": 2029, "volume": 120}],
        },
    }
    doc["years"].update(years)
    return doc


def test_hand_computed_indexation_and_volumes() -> None:
    # 2027: 100 x (10.00 + 3.00) = 1300.00; 2028: 100 x (11.00 + 3.00) = 1400.00;
    # 2029: 120 x (11.55 + 3.00) = 1746.00 (10.00 x 1.1 x 1.05 = 11.55; rent not indexed).
    est = zbb.from_dict(small()).multi_year_budget()
    assert est.years == [2027, 2028, 2029]
    assert list(est.by_year["amount"]) == [Decimal("1300.00"), Decimal("1400.00"), Decimal("1746.00")]
    assert est.total == Decimal("4446.00")
    assert est.total_minor == 444600
    assert est.prices.loc["R"].tolist() == [Decimal("10.00"), Decimal("11.00"), Decimal("11.55")]
    assert est.prices.loc["Q"].tolist() == [Decimal("3.00")] * 3
    cat = est.by_category
    assert cat.loc["staff"].tolist() == [Decimal("1000.00"), Decimal("1100.00"), Decimal("1386.00"), Decimal("3486.00")]
    assert cat.loc["rent"].tolist() == [Decimal("300.00"), Decimal("300.00"), Decimal("360.00"), Decimal("960.00")]


def test_matches_the_cli_to_the_cent() -> None:
    model = zbb.read_json(MULTI)
    est = model.multi_year_budget()
    doc = json.loads(cli("budget", str(MULTI), "--by", "year", "--json"))
    assert est.report_json() == cli("budget", str(MULTI), "--by", "year", "--json")
    assert est.report_text() == cli("budget", str(MULTI), "--by", "year")
    assert est.report_csv() == cli("budget", str(MULTI), "--by", "year", "--csv")
    assert doc["total"] == str(est.total)
    assert doc["by_year"] == {str(y): str(a) for y, a in est.by_year["amount"].items()}
    for kind in ("goal", "activity", "resource", "partner", "category", "area"):
        wide = est.breakdown(kind)
        for key, row in doc[f"by_{kind}"].items():
            assert {k: str(v) for k, v in wide.loc[key].items()} == {
                **{int(y): v for y, v in row.items() if y != "total"},
                "total": row["total"],
            }


@pytest.mark.parametrize("kind", ["goal", "activity", "resource", "partner", "category", "area"])
def test_every_breakdown_cross_foots_both_ways(kind: str) -> None:
    est = zbb.read_json(MULTI).multi_year_budget()
    wide = est.breakdown(kind)
    body = wide.drop(index="Total")
    for column in wide.columns:  # each year and the total: the keys sum to the Total row
        assert sum(body[column]) == wide.loc["Total", column]
    for _key, row in wide.iterrows():  # each key: its years sum to its total
        assert sum(row[y] for y in est.years) == row["total"]
    assert wide.loc["Total", "total"] == est.total
    long = est.breakdown(kind, wide=False)
    assert list(long.columns[:2]) == [kind, "year"]
    assert sum(long["amount"]) == est.total
    assert (long.groupby("year")["amount_minor"].sum() == est.by_year["amount_minor"]).all()


def test_each_year_is_a_budget_and_the_budget_year_is_the_models() -> None:
    model = zbb.read_json(MULTI)
    est = model.multi_year_budget()
    first = est.budget(2027)
    plain = model.budget()
    assert first.total == plain.total
    assert first.by_goal["amount"].tolist() == plain.by_goal["amount"].tolist()
    for year in est.years:
        b = est.budget(year)
        assert sum(b.by_goal["amount"]) == b.total == est.by_year.loc[year, "amount"]
        assert not b.model.has_years
    assert model.for_year(2030).budget().total == est.budget(2030).total
    # The areas example with the same plan has the same budget-year budget.
    assert plain.total == zbb.read_json(AREAS).budget().total


def test_budget_reports_show_every_year_as_the_cli() -> None:
    model = zbb.read_json(MULTI)
    b = model.budget()
    assert b.report_text() == cli("budget", str(MULTI))
    assert b.report_json() == cli("budget", str(MULTI), "--json")
    assert "Total per year of the estimate" in b.report_text()
    assert json.loads(b.report_json())["by_year"]["2030"] == str(model.multi_year_budget().by_year.loc[2030, "amount"])
    # Another plan than the model's: the estimate's years are not that plan's, so no by_year.
    other = model.budget(plan=model.table("plan").assign(volume=1.0))
    assert "by_year" not in json.loads(other.report_json())
    # A model without years reports as before.
    assert "by_year" not in json.loads(zbb.read_json(AREAS).budget().report_json())


def test_rounding_is_passed_to_every_year() -> None:
    model = zbb.from_dict(
        small(
            index_series=[
                {"series": "s", "year": 2028, "factor": "1.00005"},
                {"series": "s", "year": 2029, "factor": "1.00005"},
            ]
        )
    )
    up = model.multi_year_budget(rounding="ceiling")
    down = model.multi_year_budget(rounding="floor")
    assert up.rounding == "ceiling"
    assert all(up.budget(y).rounding == "ceiling" for y in up.years)
    # 2027 and 2028 are whole cents (1300.00, 1300.05); 2029 is 120 x 10.001000025 + 360 =
    # 1560.12003, so ceiling and floor differ by one cent there only.
    assert [up.budget(y).total - down.budget(y).total for y in up.years] == [0, 0, Decimal("0.01")]
    assert up.budget(2029).total == Decimal("1560.13")


def test_years_through_every_door(tmp_path: Path) -> None:
    model = zbb.read_json(MULTI)
    years = model.years
    assert years is not None and years["budget_year"] == 2027 and years["last_year"] == 2030
    assert model.has_years and model.estimate_years == [2027, 2028, 2029, 2030]
    assert zbb.from_dict(model.to_dict()) == model
    assert zbb.Model.from_json_text(model.to_json()) == model
    assert pickle.loads(pickle.dumps(model)) == model
    frames = model.to_dataframes()
    assert "index_series" not in frames  # the estimate comes apart, as the frame does
    again = zbb.from_dataframes(frames, name=model.name, description=model.description, frame=model.frame, years=years)
    assert again == model
    as_frames = {
        **years,
        "index_series": model.table("index_series"),
        "indexation": model.table("indexation"),
        "volumes": model.table("year_volumes"),
    }
    assert (
        zbb.from_dataframes(frames, name=model.name, description=model.description, frame=model.frame, years=as_frames)
        == model
    )
    model.to_excel(tmp_path / "m.xlsx")
    assert zbb.read_excel(tmp_path / "m.xlsx") == model
    t = model.table("index_series")
    assert t["year"].dtype == "int64" and t["factor"].iloc[0] == Decimal("1.035")
    assert model.with_years(None).years is None
    assert model.with_years(years) == model
    assert zbb.read_json(AREAS).table("year_volumes").empty


def test_a_model_without_years() -> None:
    model = zbb.read_json(AREAS)
    assert model.years is None and not model.has_years and model.estimate_years == []
    with pytest.raises(zbb.ModelError, match="no multi-year estimate") as e:
        model.multi_year_budget()
    assert e.value.entity == "years"
    with pytest.raises(zbb.ModelError, match="no multi-year estimate"):
        model.for_year(2027)


@pytest.mark.parametrize(
    ("change", "message", "entity", "field"),
    [
        ({"last_year": 2026}, "years, field 'last_year': 2026 is before the budget year 2027", "years", "last_year"),
        ({"last_year": 2040}, "is more than 9 years after the budget year", "years", "last_year"),
        (
            {"budget_year": 1800},
            "years, field 'budget_year': must be a whole number from 1900 to 2200",
            "years",
            "budget_year",
        ),
        ({"budget_year": 2027.5}, "field 'budget_year'", "years", "budget_year"),
        (
            {"index_series": [{"series": "s", "year": 2028, "factor": "3"}]},
            "years.index_series 's/2028', field 'factor'",
            "years.index_series",
            "factor",
        ),
        (
            {"index_series": [{"series": "s", "year": 2027, "factor": "1.1"}]},
            "years.index_series 's/2027', field 'year'",
            "years.index_series",
            "year",
        ),
        (
            {"index_series": [{"series": "s", "year": 2028, "factor": "1.1"}]},
            "years.index_series 's', field 'year': index series 's' has no factor for 2029",
            "years.index_series",
            "year",
        ),
        (
            {"indexation": [{"category": "nowhere", "series": "s"}]},
            "years.indexation 'nowhere', field 'category'",
            "years.indexation",
            "category",
        ),
        (
            {"volumes": [{"goal": "G", "activity": "B", "year": 2029, "volume": 1}]},
            "years.volumes 'G -> B in 2029', field 'activity'",
            "years.volumes",
            "activity",
        ),
        (
            {"volumes": [{"goal": "G", "activity": "A", "year": 2029, "volume": -1}]},
            "years.volumes 'G -> A in 2029', field 'volume'",
            "years.volumes",
            "volume",
        ),
        (
            {"volumes": [{"goal": "G", "activity": "A", "year": 2031, "volume": 1}]},
            "years.volumes 'G -> A in 2031', field 'year'",
            "years.volumes",
            "year",
        ),
        ({"colour": "red"}, "years, field 'colour'", "years", "colour"),
    ],
)
def test_refusals_name_id_and_field(change: dict[str, Any], message: str, entity: str, field: str) -> None:
    for build in (
        lambda d: zbb.from_dict(d),
        lambda d: zbb.from_dataframes(
            {
                k: pd.DataFrame(d[k])
                for k in ("goals", "activities", "resources", "partners", "effects", "consumption", "funding", "plan")
            },
            years=d["years"],
        ),
    ):
        with pytest.raises(zbb.ModelError) as e:
            build(small(**change))
        assert message in str(e.value)
        assert e.value.entity == entity and e.value.field == field


def test_factors_must_be_exact() -> None:
    doc = small(
        index_series=[{"series": "s", "year": 2028, "factor": 1.1}, {"series": "s", "year": 2029, "factor": "1.05"}]
    )
    with pytest.raises(zbb.ModelError, match="factor"):
        zbb.from_dict(doc)
    assert zbb.from_dict(doc, allow_float_prices=True).multi_year_budget().total == Decimal("4446.00")


def test_estimate_tables_need_years() -> None:
    doc = small()
    frames = {
        k: pd.DataFrame(doc[k])
        for k in ("goals", "activities", "resources", "partners", "effects", "consumption", "funding", "plan")
    }
    steps = pd.DataFrame(doc["years"]["index_series"])
    with pytest.raises(zbb.ModelError, match=r"a table of the multi-year estimate; give it in years=") as e:
        zbb.from_dataframes({**frames, "index_series": steps})
    assert e.value.field == "index_series"
    # The column path itself (what unpickling uses) refuses the rows without the years.
    from zbb._tables import frame_to_columns

    columns = {k: frame_to_columns(v, k) for k, v in frames.items()}
    columns["index_series"] = frame_to_columns(steps, "index_series")
    with pytest.raises(zbb.ModelError, match="needs the estimate's years") as e:
        zbb._core.build_model(columns, {"format": "zbb-model/1"})
    assert e.value.entity == "years" and e.value.field == "index_series"


def test_unknown_year_and_breakdown() -> None:
    est = zbb.from_dict(small()).multi_year_budget()
    with pytest.raises(zbb.ModelError, match="2031 is not a year of the estimate 2027-2029"):
        est.budget(2031)
    with pytest.raises(zbb.ModelError, match="not a year of the estimate"):
        est.model.for_year(2031)
    with pytest.raises(zbb.ModelError, match="unknown breakdown"):
        est.breakdown("colour")
    with pytest.raises(zbb.ModelError, match="no areas"):
        est.breakdown("area")


def test_indexed_price_overflow_names_resource_and_year() -> None:
    doc = small(
        last_year=2036,
        index_series=[{"series": "s", "year": y, "factor": "2"} for y in range(2028, 2037)],
        volumes=[],
    )
    doc["resources"][0]["price"] = "50000000000000.00"  # x 2^9 is beyond 2^53 cents
    doc["plan"][0]["volume"] = 0.001
    model = zbb.from_dict(doc)
    with pytest.raises(zbb.MoneyOverflowError) as e:
        model.multi_year_budget()
    assert "resource 'R', field 'price'" in str(e.value) and "indexed to 20" in str(e.value)


def test_plot_per_year() -> None:
    est = zbb.read_json(MULTI).multi_year_budget()
    for by in ("goal", "area"):
        ax = est.plot(by)
        assert len(ax.get_xticklabels()) == 4
        assert ax.get_title().startswith(f"Multi-year estimate by {by}")
    import matplotlib.pyplot as plt

    plt.close("all")


def test_budget_csv_with_year_lines_reads_back_as_a_prior(tmp_path: Path) -> None:
    csv = cli("budget", str(MULTI), "--csv")
    assert "\nyear,2030," in csv
    path = tmp_path / "last-year.csv"
    path.write_text(csv, encoding="utf-8")
    r = subprocess.run([str(CLI), "budget", str(MULTI), "--prior", str(path), "--json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    # The same budget: every kind's prior total is the budget year's, the year lines not compared.
    assert {t["prior"] for t in doc["prior_totals"].values()} == {doc["total"]}
    assert all(t["change"] == "0.00" for t in doc["prior_totals"].values())
    assert "year" not in doc["prior"]
    assert "year" not in set(zbb.read_prior(path).lines["kind"])


def test_sluitend_check_matches_the_cli_and_cross_foots() -> None:
    model = zbb.read_json(MULTI)
    est = model.multi_year_budget()
    assert est.has_balance
    doc = json.loads(cli("budget", str(MULTI), "--by", "year", "--json"))["balance"]
    assert doc["municipality"] == "P-muni"
    table = est.balance
    assert list(table.columns) == est.years
    for year in est.years:
        line = {k: str(v) for k, v in table[year].items()}
        assert line == {
            k: v for k, v in doc["years"][str(year)].items() if k not in ("structurally_balanced", "off_bound")
        }
        col = table[year]
        assert col["costs/total"] == est.by_year.loc[year, "amount"]
        assert col["costs/structural"] + col["costs/incidental"] == col["costs/total"]
        assert col["contributions/structural"] + col["municipality/structural"] == col["costs/structural"]
        assert col["contributions/incidental"] + col["municipality/incidental"] == col["costs/incidental"]
        by_partner = est.budget(year).by_partner["amount"]
        assert col["municipality/structural"] + col["municipality/incidental"] == by_partner["P-muni"]
        assert col["costs/incidental"] == est.budget(year).by_activity.loc["A-train", "amount"]
        kinds = ("general_grant", "levies", "other")
        for nature in ("structural", "incidental"):
            assert sum(col[f"income.{k}/{nature}"] for k in kinds) == col[f"income/{nature}"]
            assert col[f"balance/{nature}"] == col[f"income/{nature}"] - col[f"municipality/{nature}"]
        # A structural surplus may cover incidental costs; incidental income never a structural gap.
        surplus = max(Decimal(0), col["balance/structural"])
        assert col["shortfall/structural"] == max(Decimal(0), -col["balance/structural"])
        assert col["shortfall/incidental"] == max(Decimal(0), -(col["balance/incidental"] + surplus))
        assert col["shortfall/total"] == col["shortfall/structural"] + col["shortfall/incidental"]
        assert est.structurally_balanced[year] == (col["balance/structural"] >= 0)
        assert est.structurally_balanced[year] == doc["years"][str(year)]["structurally_balanced"]
    assert doc["structurally_balanced"] == all(est.structurally_balanced.values())
    text = est.report_text()
    assert "Balance (sluitend)" in text


def test_sluitend_check_by_hand() -> None:
    # small(): 2027 costs 1300.00, all of it the municipality's (P funds A). Income 2027: a grant
    # of 1000.00 and levies of 250.00 (structural): balance -50.00, short 50.00. 2028: costs
    # 1400.00, the grant 1500.00: +100.00. 2029: 1746.00, no income: short 1746.00.
    doc = small(
        municipality="P",
        income=[
            {"id": "grant", "year": 2027, "kind": "general_grant", "amount": "1000.00"},
            {"id": "ozb", "year": 2027, "kind": "levies", "amount": Decimal("250")},
            {"id": "grant", "year": 2028, "kind": "general_grant", "amount": 1500},
        ],
    )
    est = zbb.from_dict(doc).multi_year_budget()
    b = est.balance
    assert b.loc["balance/structural"].tolist() == [Decimal("-50.00"), Decimal("100.00"), Decimal("-1746.00")]
    assert b.loc["shortfall/total"].tolist() == [Decimal("50.00"), Decimal("0.00"), Decimal("1746.00")]
    assert b.loc["contributions/structural"].tolist() == [Decimal("0.00")] * 3
    assert est.structurally_balanced == {2027: False, 2028: True, 2029: False}
    model = est.model
    assert model.years is not None and model.years["income"][1]["amount"] == "250"
    assert zbb.from_dict(model.to_dict()) == model
    assert pickle.loads(pickle.dumps(model)) == model
    assert zbb.from_dict(small()).multi_year_budget().balance.empty
    assert not zbb.from_dict(small()).multi_year_budget().has_balance


def test_sluitend_inputs_are_refused_naming_id_and_field() -> None:
    def refused(message: str, **years: Any) -> None:
        with pytest.raises(zbb.ModelError) as e:
            zbb.from_dict(small(**years))
        assert message in str(e.value), str(e.value)

    line = {"id": "grant", "year": 2027, "kind": "general_grant", "amount": "1.00"}
    refused("years, field 'municipality': unknown partner 'X'", municipality="X")
    refused("years, field 'municipality': income needs the municipality", income=[line])
    refused(
        "years.income 'grant/2027', field 'kind': unknown kind 'tax'",
        municipality="P",
        income=[{**line, "kind": "tax"}],
    )
    refused("years.income 'grant/2027', field 'amount'", municipality="P", income=[{**line, "amount": 1.5}])
    refused("years.incidental 'Z', field 'activity': unknown activity 'Z'", incidental=[{"activity": "Z"}])
    ok = zbb.from_dict(small(municipality="P", income=[{**line, "amount": 1.5}]), allow_float_prices=True)
    assert ok.multi_year_budget().balance.loc["income/structural", 2027] == Decimal("1.50")
