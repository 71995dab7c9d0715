"""Property tests (hypothesis): every breakdown cross-foots to the total, each line is the floor or
ceiling of its computed value, the total follows the rounding mode, and the numbers agree with the
exact reference."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import zbb
from model_gen import generate_model
from zbb_reference import exact_budget

BYS = ("goal", "activity", "resource", "partner", "category")
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_cross_footing(budget: zbb.Budget) -> None:
    core = budget._core
    for by in BYS:
        frame = budget.breakdown(by)
        assert sum(frame["amount"], Decimal(0)) == budget.total, by
        assert int(np.sum(frame["amount_minor"])) == budget.total_minor, by
        values = np.asarray(core.values(by))
        minor = np.asarray(frame["amount_minor"], dtype=np.float64)
        # largest remainder: floor or ceiling of the computed value (rescaled when needed)
        assert np.all(np.abs(minor - values) < 1.0 + 1e-6 * np.maximum(1.0, np.abs(values))), by


sizes = st.tuples(
    st.integers(0, 10**6),
    st.integers(1, 6),
    st.integers(1, 20),
    st.integers(1, 8),
    st.integers(1, 5),
    st.integers(0, 6),
)


@SETTINGS
@given(sizes=sizes, rounding=st.sampled_from(zbb.ROUNDING_MODES))
def test_generated_models_cross_foot(sizes: tuple[int, ...], rounding: str) -> None:
    seed, goals, acts, res, parts, sup = sizes
    data = generate_model(random.Random(seed), goals, acts, res, parts, min(sup, acts))
    model = zbb.from_dict(data)
    budget = model.budget(rounding=rounding)
    check_cross_footing(budget)
    exact = exact_budget(data)
    ulp = Fraction(1, 100)
    assert abs(Fraction(budget.total) - exact["total"]) <= ulp
    scaled = exact["total"] * 100  # exact total in minor units
    minor = budget.total_minor
    tiny = Fraction(1, 10**9) * max(1, abs(scaled))  # floating-point noise of the core, relative
    if rounding in ("floor", "toward-zero"):  # totals are never negative
        assert scaled - 1 < minor <= scaled + tiny
    elif rounding in ("ceiling", "away-from-zero"):
        assert scaled - tiny <= minor < scaled + 1
    else:
        assert abs(minor - scaled) <= Fraction(1, 2) + tiny
    for by, section in (("goal", "by_goal"), ("resource", "by_resource"), ("partner", "by_partner")):
        for key, amount in budget.breakdown(by)["amount"].items():
            assert abs(Fraction(amount) - exact[section][key]) <= ulp, (by, key)


def decimal_texts(places: int) -> st.SearchStrategy[str]:
    return st.integers(0, 10**6).map(lambda n: format(Decimal(n).scaleb(-places), "f"))


@st.composite
def frame_models(draw: Any) -> dict[str, pd.DataFrame]:
    n_act = draw(st.integers(1, 12))
    n_res = draw(st.integers(1, 6))
    n_goal = draw(st.integers(1, 4))
    acts = [f"A{i}" for i in range(n_act)]
    res = [f"R{i}" for i in range(n_res)]
    goals = [f"G{i}" for i in range(n_goal)]
    places = draw(st.integers(0, 4))
    prices = draw(st.lists(decimal_texts(places), min_size=n_res, max_size=n_res))
    price_objs = [Decimal(p) if draw(st.booleans()) else p for p in prices]
    cons = draw(st.sets(st.tuples(st.sampled_from(acts), st.sampled_from(res)), min_size=1))
    plan = draw(st.sets(st.tuples(st.sampled_from(goals), st.sampled_from(acts)), min_size=0))
    volume = st.floats(0, 1e5, allow_nan=False, allow_infinity=False)
    # coefficients within the numeric range policy: 0, or 1e-9 to 1e9 (docs/errors.md)
    per_unit = st.one_of(st.just(0.0), st.floats(1e-9, 50, allow_nan=False, allow_infinity=False))
    n_sup = draw(st.integers(0, min(3, n_act)))
    support = [(acts[k], a) for k in range(n_sup) for a in acts[n_sup:] if draw(st.booleans())]
    return {
        "goals": pd.DataFrame({"id": goals, "baseline": 0.0, "target": 10.0}),
        "activities": pd.DataFrame({"id": acts, "partner": "P"}),
        "resources": pd.DataFrame({"id": res, "price": pd.Series(price_objs, dtype=object)}),
        "partners": pd.DataFrame({"id": ["P", "Q"]}),
        "consumption": pd.DataFrame(
            {
                "activity": [a for a, _ in sorted(cons)],
                "resource": [r for _, r in sorted(cons)],
                "per_unit": [draw(per_unit) for _ in cons],
            }
        ),
        "support": pd.DataFrame(
            {
                "supplier": [s for s, _ in support],
                "consumer": [c for _, c in support],
                "per_unit": [draw(st.one_of(st.just(0.0), st.floats(1e-9, 0.5))) for _ in support],
            }
        ),
        "funding": pd.DataFrame(
            {"activity": [acts[0], acts[0]], "partner": ["P", "Q"], "share": ["0.3", Decimal("0.7")]}
        ),
        "plan": pd.DataFrame(
            {
                "goal": [g for g, _ in sorted(plan)],
                "activity": [a for _, a in sorted(plan)],
                "volume": [draw(volume) for _ in plan],
            }
        ),
    }


@SETTINGS
@given(tables=frame_models(), rounding=st.sampled_from(zbb.ROUNDING_MODES))
def test_dataframe_models_cross_foot_and_round_trip(tables: dict[str, pd.DataFrame], rounding: str) -> None:
    model = zbb.from_dataframes(tables)
    budget = model.budget(rounding=rounding)
    check_cross_footing(budget)
    again = zbb.from_dataframes(model.to_dataframes())
    assert again == model
    assert again.budget(rounding=rounding).report_json() == budget.report_json()
    # the model's exact prices are the ones given, digit for digit
    given_prices = [str(p) for p in tables["resources"]["price"]]
    assert [format(p, "f") for p in model.table("resources")["price"]] == given_prices


@SETTINGS
@given(k=st.integers(2, 50), seed=st.integers(0, 1000))
def test_scaling_the_plan_scales_the_budget(k: int, seed: int) -> None:
    model = zbb.from_dict(generate_model(random.Random(seed), 3, 10, 4, 3, 3))
    plan = model.table("plan")
    base, scaled = model.budget(), model.budget(plan=plan.assign(volume=plan["volume"] * k))
    assert abs(scaled.total - k * base.total) <= Decimal("0.01") * k
    assert np.allclose(scaled.volumes, k * np.asarray(base.volumes), rtol=1e-12, atol=1e-9)
