"""zbb's optimisation from Python, cross-checked against an independent solver.

On generated models the least-cost and max-effect linear programmes are built
again here, in Python, from the model document alone (docs/optimize.md, "The
linear programme"), and solved with scipy's HiGHS (``linprog(method="highs")``).
zbb (CLP behind ``zbb::least_cost`` / ``zbb::max_effect``) must agree on the
optimum, and its plan must satisfy every constraint when checked here.
Also: monotonicity, infeasible questions, the result API, and many variants
through Thread/Process pools and Dask distributed (``compute_variants``).
"""

from __future__ import annotations

import copy
import json
import math
import multiprocessing
import operator
import pickle
import random
import sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal
from typing import Any

import numpy as np
import pytest
from scipy.optimize import linprog

import zbb
from model_gen import generate_model, model_to_json

SEEDS = range(20)
CENT = Decimal("0.01")


# ---------------------------------------------------------------------- the generated questions
def _dec(x: float, rounding: str) -> Decimal:
    return Decimal(repr(float(x))).quantize(CENT, rounding=rounding)


def optimisation_model(seed: int) -> dict[str, Any]:
    """A generated model whose targets are reachable within its bounds and availabilities.

    A reference plan x0 = (I - S)^-1 d0 with random direct volumes d0 >= 0 is
    made; every activity gets max >= x0, some resources an availability >= C x0,
    and each goal the target baseline + u (E x0)_g with u in [0.3, 1] (rounded
    toward the baseline), so x0 is feasible and the least-cost LP has an optimum.
    """
    rng = random.Random(1000 + seed)
    doc = generate_model(
        rng,
        rng.randint(2, 6),
        rng.randint(4, 14),
        rng.randint(2, 6),
        rng.randint(1, 3),
        rng.randint(0, 3),
        omit_optional=0.0,
    )
    doc.pop("plan", None)
    lp = LP(doc)
    d0 = np.array([rng.uniform(0, 300) if rng.random() < 0.8 else 0.0 for _ in lp.acts])
    x0 = np.linalg.solve(np.eye(len(lp.acts)) - lp.S, d0)
    for a, row in enumerate(doc["activities"]):
        row["min"] = 0
        row["max"] = _dec(x0[a] * rng.uniform(1.0, 2.0) + rng.uniform(1, 50), ROUND_CEILING)
    need = lp.C @ x0
    for r, row in enumerate(doc["resources"]):
        row.pop("available", None)
        if rng.random() < 0.5:
            row["available"] = _dec(need[r] * rng.uniform(1.0, 1.3) + 1, ROUND_CEILING)
    # Diminishing returns on some activities (a separate stream, so the rest of the model does not
    # change with it): the first part of x0 at full effect, the rest up to max at a lower effect.
    # Only on activities that move every goal they touch in the direction of x0's progress (zbb's
    # optimiser refuses levels on an activity that moves a goal away from its target).
    lrng = random.Random(5000 + seed)
    linear = lp.E @ x0
    for a, row in enumerate(doc["activities"]):
        col = lp.E[:, a]
        if x0[a] <= 1 or lrng.random() > 0.4 or not np.all(col[col != 0] * linear[col != 0] > 0):
            continue
        first = _dec(x0[a] * lrng.uniform(0.3, 0.9), ROUND_DOWN)
        row["levels"] = [
            {"up_to": first, "effect": "1"},
            {"up_to": row["max"], "effect": lrng.choice(["0.8", "0.5", "0.25"])},
        ]
    lp = LP(doc)
    progress = lp.E @ lp.effective(x0)
    u = [rng.uniform(0.3, 1.0) for _ in doc["goals"]]
    for g, row in enumerate(doc["goals"]):
        row["target"] = Decimal(row["baseline"]) + _dec(progress[g] * u[g], ROUND_DOWN)
    lp = LP(doc)
    if any(np.any(lp.E[:, a][lp.E[:, a] != 0] * lp.sigma[lp.E[:, a] != 0] < 0) for a in lp.levels):
        for row in doc["activities"]:  # the levels would face a goal the wrong way: none at all
            row.pop("levels", None)
        progress = lp.E @ x0
        for g, row in enumerate(doc["goals"]):
            row["target"] = Decimal(row["baseline"]) + _dec(progress[g] * u[g], ROUND_DOWN)
    return doc


class LP:
    """The optimisation LP of a model document, built independently of zbb."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.goals = [g["id"] for g in doc["goals"]]
        self.acts = [a["id"] for a in doc["activities"]]
        self.res = [r["id"] for r in doc["resources"]]
        gi = {g: i for i, g in enumerate(self.goals)}
        ai = {a: i for i, a in enumerate(self.acts)}
        ri = {r: i for i, r in enumerate(self.res)}
        n = len(self.acts)
        self.E = np.zeros((len(self.goals), n))
        self.C = np.zeros((len(self.res), n))
        self.S = np.zeros((n, n))
        for e in doc.get("effects", []):
            self.E[gi[e["goal"]], ai[e["activity"]]] += float(e["per_unit"])
        for c in doc.get("consumption", []):
            self.C[ri[c["resource"]], ai[c["activity"]]] += float(c["per_unit"])
        for s in doc.get("support", []):
            self.S[ai[s["supplier"]], ai[s["consumer"]]] += float(s["per_unit"])
        prices = np.array([float(Decimal(r["price"])) for r in doc["resources"]])
        self.c = self.C.T @ prices
        self.lo = np.array([float(a.get("min", 0)) for a in doc["activities"]])
        self.hi = np.array([float(a["max"]) if "max" in a else np.inf for a in doc["activities"]])
        self.available = np.array([float(r["available"]) if "available" in r else np.inf for r in doc["resources"]])
        self.baseline = np.array([float(g["baseline"]) for g in doc["goals"]])
        self.target = np.array([float(g["target"]) for g in doc["goals"]])
        self.weight = np.array([float(g.get("weight", 1)) for g in doc["goals"]])
        self.sigma = np.where(self.target >= self.baseline, 1.0, -1.0)
        self.gap = np.abs(self.target - self.baseline)
        self.suppliers = [s for s in range(n) if np.any(self.S[s] != 0)]
        # Funding shares F (partner x activity); an activity without funding rows is paid by its partner.
        self.partners = [p["id"] for p in doc["partners"]]
        pi = {p: i for i, p in enumerate(self.partners)}
        self.F = np.zeros((len(self.partners), n))
        funded = set()
        for f in doc.get("funding", []):
            self.F[pi[f["partner"]], ai[f["activity"]]] += float(Decimal(f["share"]))
            funded.add(f["activity"])
        for a, act in enumerate(doc["activities"]):
            if act["id"] not in funded:
                self.F[pi[act["partner"]], a] = 1.0
        # Levels (docs/optimize.md): activity a's effective volume is sum_k effect_k y_ak over
        # segments y_ak in [0, up_to_k - up_to_(k-1)], with x_a = sum_k y_ak and x_a <= the last up_to.
        self.levels: dict[int, list[tuple[float, float]]] = {}
        for a, act in enumerate(doc["activities"]):
            if act.get("levels"):
                prev, segs = 0.0, []
                for lv in act["levels"]:
                    segs.append((float(lv["up_to"]) - prev, float(Decimal(lv["effect"]))))
                    prev = float(lv["up_to"])
                self.levels[a] = segs
                self.hi[a] = min(self.hi[a], prev)
        self.segments = [(a, width, eff) for a, segs in self.levels.items() for width, eff in segs]
        m = len(self.segments)
        self.Ex = self.E.copy()  # effects of the x columns (zero for activities with levels)
        self.Ey = np.zeros((len(self.goals), m))  # effects of the segment columns
        for a in self.levels:
            self.Ex[:, a] = 0.0
        for j, (a, _, eff) in enumerate(self.segments):
            self.Ey[:, j] = self.E[:, a] * eff

    def effective(self, x: np.ndarray) -> np.ndarray:
        """The effective volumes: each activity with levels filled level by level in order."""
        v = np.array(x, dtype=float)
        for a, segs in self.levels.items():
            rest, eff = float(x[a]), 0.0
            for width, e in segs:
                take = min(max(rest, 0.0), width)
                eff += e * take
                rest -= take
            v[a] = eff
        return v

    def level_rows(self, extra_cols: int) -> tuple[np.ndarray | None, np.ndarray | None]:
        """x_a - sum_k y_ak = 0 for every activity with levels, over [x, y, extra]."""
        n, m = len(self.acts), len(self.segments)
        if not self.levels:
            return None, None
        rows = []
        for a in self.levels:
            row = np.zeros(n + m + extra_cols)
            row[a] = 1.0
            for j, (b, _, _) in enumerate(self.segments):
                if b == a:
                    row[n + j] = -1.0
            rows.append(row)
        return np.array(rows), np.zeros(len(rows))

    def common_rows(self, extra_cols: int) -> tuple[list[np.ndarray], list[float]]:
        """Supplier and capacity rows as A_ub x <= b_ub (with ``extra_cols`` zero columns appended)."""
        n = len(self.acts)
        rows, rhs = [], []
        for s in self.suppliers:  # x_s - (S x)_s >= 0
            row = self.S[s].copy()
            row[s] -= 1.0
            rows.append(np.concatenate([row, np.zeros(extra_cols)]))
            rhs.append(0.0)
        for r in range(len(self.res)):  # C_r x <= available_r
            if np.isfinite(self.available[r]):
                rows.append(np.concatenate([self.C[r], np.zeros(extra_cols)]))
                rhs.append(self.available[r])
        assert all(len(r) == n + extra_cols for r in rows)
        return rows, rhs

    def least_cost(self, target: np.ndarray | None = None) -> Any:
        """min c^T x; baseline + E x >= target (<= for downward goals); bounds, supplier rows, capacities."""
        t = self.target if target is None else target
        m = len(self.segments)
        rows, rhs = self.common_rows(m)
        for g in range(len(self.goals)):  # sigma_g E_g v >= |t_g - b_g|  <=>  -sigma_g E_g v <= -gap_g
            rows.append(-self.sigma[g] * np.concatenate([self.Ex[g], self.Ey[g]]))
            rhs.append(-abs(t[g] - self.baseline[g]))
        a_eq, b_eq = self.level_rows(0)
        bounds = list(zip(self.lo, self.hi)) + [(0.0, width) for _, width, _ in self.segments]
        return linprog(
            np.concatenate([self.c, np.zeros(m)]),
            A_ub=np.array(rows),
            b_ub=np.array(rhs),
            A_eq=a_eq,
            b_eq=b_eq,
            bounds=bounds,
            method="highs",
        )

    def max_effect(self, budget: float, caps: dict[str, float] | None = None) -> Any:
        """max sum w_g a_g, a_g in [0, 1], a_g gap_g <= sigma_g E_g x, c^T x <= budget (with the documented margin)."""
        n, m = len(self.acts), len(self.segments)
        moving = [g for g in range(len(self.goals)) if self.gap[g] > 0]
        k = len(moving)
        rows, rhs = self.common_rows(m + k)
        for j, g in enumerate(moving):
            row = np.concatenate([-self.sigma[g] * self.Ex[g], -self.sigma[g] * self.Ey[g], np.zeros(k)])
            row[n + m + j] = self.gap[g]
            rows.append(row)
            rhs.append(0.0)
        rows.append(np.concatenate([self.c, np.zeros(m + k)]))
        # docs/optimize.md: the cap row's right-hand side is cap - max(one minor unit, 1e-7 x cap)
        rhs.append(max(0.0, budget - max(0.01, 1e-7 * budget)))
        for partner, cap in (caps or {}).items():  # (F (c o x))_p <= cap_p, with the same margin
            rows.append(np.concatenate([self.F[self.partners.index(partner)] * self.c, np.zeros(m + k)]))
            rhs.append(max(0.0, cap - max(0.01, 1e-7 * cap)))
        objective = np.concatenate([np.zeros(n + m), -self.weight[moving]])
        bounds = list(zip(self.lo, self.hi)) + [(0.0, width) for _, width, _ in self.segments] + [(0.0, 1.0)] * k
        a_eq, b_eq = self.level_rows(k)
        return linprog(
            objective, A_ub=np.array(rows), b_ub=np.array(rhs), A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs"
        ), moving

    def check_plan(self, x: np.ndarray, *, goals: bool = True) -> None:
        """Every constraint of the least-cost LP, checked on zbb's volumes (1e-6 relative)."""

        def tol(*scale: float) -> float:
            return 1e-6 * max(1.0, *(abs(s) for s in scale))

        assert np.all(x >= self.lo - 1e-6 * np.maximum(1, np.abs(self.lo)))
        finite = np.isfinite(self.hi)
        assert np.all(x[finite] <= self.hi[finite] + 1e-6 * np.maximum(1, self.hi[finite]))
        for s in self.suppliers:
            assert x[s] - self.S[s] @ x >= -tol(x[s], np.abs(self.S[s]) @ np.abs(x))
        need = self.C @ x
        for r in range(len(self.res)):
            if np.isfinite(self.available[r]):
                assert need[r] <= self.available[r] + tol(self.available[r])
        if goals:
            progress = self.sigma * (self.E @ self.effective(x))
            for g in range(len(self.goals)):
                assert progress[g] >= self.gap[g] - tol(self.gap[g], np.abs(self.E[g]) @ np.abs(x)), self.goals[g]


def load(doc: dict[str, Any]) -> zbb.Model:
    return zbb.Model.from_json_text(model_to_json(doc), source="generated")


# ---------------------------------------------------------------------- least-cost against HiGHS
@pytest.mark.parametrize("seed", SEEDS)
def test_least_cost_agrees_with_highs(seed: int) -> None:
    doc = optimisation_model(seed)
    lp = LP(doc)
    model = load(doc)
    highs = lp.least_cost()
    assert highs.status == 0, highs.message
    result = model.least_cost()
    assert result.status == "optimal", result.message
    assert result.budget is not None and result.total is not None and result.objective_value is not None
    obj = highs.fun
    assert abs(result.total - Decimal(repr(float(obj)))) <= Decimal(repr(float(1e-7 * abs(obj)))) + CENT
    assert math.isclose(result.objective_value, obj, rel_tol=1e-7, abs_tol=1e-9)
    # The exact money of the plan: the goals' parts sum to the total, to the cent.
    assert sum(result.budget.by_goal["amount"]) == result.total
    assert result.volumes is not None
    assert list(result.volumes.index) == lp.acts
    lp.check_plan(result.volumes.to_numpy())
    assert result.marginal_cost is not None and (result.marginal_cost >= -1e-9).all()

    # Monotonicity: moving one target further (in its direction) never lowers the least cost.
    g = seed % len(lp.goals)
    step = max(1.0, 0.1 * lp.gap[g])
    harder = model.with_target(lp.goals[g], lp.target[g] + lp.sigma[g] * step).least_cost()
    assert harder.status in ("optimal", "infeasible")
    if harder.total is not None:
        assert harder.total >= result.total - CENT
        raised = lp.target.copy()
        raised[g] += lp.sigma[g] * step
        assert harder.objective_value is not None
        assert math.isclose(harder.objective_value, lp.least_cost(raised).fun, rel_tol=1e-7, abs_tol=1e-9)
    else:
        assert (
            lp.least_cost(np.where(np.arange(len(lp.goals)) == g, lp.target + lp.sigma * step, lp.target)).status == 2
        )


# ---------------------------------------------------------------------- max-effect against HiGHS
@pytest.mark.parametrize("seed", SEEDS)
def test_max_effect_agrees_with_highs(seed: int) -> None:
    doc = optimisation_model(seed)
    lp = LP(doc)
    model = load(doc)
    full = float(model.least_cost().raise_for_status().total or 0)
    previous = -1.0
    for fraction in (0.25, 0.6, 1.2):
        cap = Decimal(repr(float(full * fraction))).quantize(CENT)
        # Odd seeds: the first partner may pay at most half of the budget.
        caps = {lp.partners[0]: (cap / 2).quantize(CENT)} if seed % 2 else None
        result = model.max_effect(budget=cap, partner_caps=caps)
        assert result.status == "optimal", result.message
        highs, moving = lp.max_effect(float(cap), None if caps is None else {p: float(v) for p, v in caps.items()})
        assert highs.status == 0, highs.message
        assert result.attainment is not None and result.volumes is not None and result.total is not None
        ours = float(np.dot(lp.weight[moving], result.attainment.to_numpy()[moving]))
        assert math.isclose(ours, -highs.fun, rel_tol=1e-7, abs_tol=1e-9)
        assert result.total <= cap  # the frame holds in exact money
        if caps is not None:
            assert result.budget is not None
            for partner, limit in caps.items():
                assert result.budget.by_partner.loc[partner, "amount"] <= limit
        lp.check_plan(result.volumes.to_numpy(), goals=False)
        assert result.marginal_effect_per_currency_unit is not None and result.marginal_effect_per_currency_unit >= 0
        # A larger budget never lowers the weighted attainment.
        assert result.weighted_attainment >= previous - 1e-9
        previous = result.weighted_attainment
    if seed % 2 == 0:  # 1.2 x the least cost reaches every target
        assert previous == pytest.approx(float(lp.weight.sum()), rel=1e-9)


# ---------------------------------------------------------------------- infeasible questions
@pytest.mark.parametrize("seed", range(0, 20, 4))
def test_unreachable_goal_is_explained(seed: int) -> None:
    doc = optimisation_model(seed)
    lp = LP(doc)
    # The furthest goal 0 can move toward its target within the bounds and capacities (HiGHS).
    g = next(i for i in range(len(lp.goals)) if np.any(lp.E[i] != 0))
    rows, rhs = lp.common_rows(0)
    best = linprog(
        -lp.sigma[g] * lp.E[g],
        A_ub=np.array(rows) if rows else None,
        b_ub=np.array(rhs) if rhs else None,
        bounds=list(zip(lp.lo, lp.hi)),
        method="highs",
    )
    assert best.status == 0
    reach = -best.fun
    bad = copy.deepcopy(doc)
    bad["goals"][g]["target"] = Decimal(bad["goals"][g]["baseline"]) + _dec(
        lp.sigma[g] * (abs(reach) + 10), ROUND_CEILING
    )
    result = load(bad).least_cost()
    assert result.status == "infeasible"
    assert result.budget is None and result.volumes is None and result.marginal_cost is None
    assert result.explanation is not None and f"goal '{lp.goals[g]}'" in result.explanation
    assert lp.goals[g] in result.unreachable.index
    with pytest.raises(zbb.InfeasibleError, match=lp.goals[g]) as info:
        result.raise_for_status()
    assert (info.value.entity, info.value.field) == ("goal", "target")
    assert info.value.id in result.unreachable.index
    assert info.value.explanation == result.explanation and info.value.status == "infeasible"
    again = pickle.loads(pickle.dumps(info.value))
    assert (again.id, again.status, again.explanation) == (info.value.id, "infeasible", result.explanation)


def test_the_example_with_levels_agrees_with_highs(example_path: Any, example_model: zbb.Model) -> None:
    """The built-in example has levels (A-case, A-respite) and a frame with a partner cap."""
    doc = json.loads(example_path.read_text(encoding="utf-8"), parse_float=Decimal)
    lp = LP(doc)
    assert lp.levels, "the example should exercise diminishing returns"
    least = example_model.least_cost()
    highs = lp.least_cost()
    assert least.status == "optimal" and highs.status == 0
    assert least.objective_value is not None and least.volumes is not None
    assert math.isclose(least.objective_value, highs.fun, rel_tol=1e-7)
    lp.check_plan(least.volumes.to_numpy())
    frame = doc["frame"]
    caps = {c["partner"]: float(Decimal(c["cap"])) for c in frame["partner_caps"]}
    best = example_model.max_effect()
    ref, moving = lp.max_effect(float(Decimal(frame["budget"])), caps)
    assert best.status == "optimal" and ref.status == 0
    assert math.isclose(best.weighted_attainment, -ref.fun, rel_tol=1e-7)
    # Which goals fall short and by how much: the shortfall is the gap minus the progress made.
    goals = best.goals
    assert goals is not None
    gap = (goals["target"] - goals["baseline"]).abs()
    progress = (goals["projected"] - goals["baseline"]) * np.sign(goals["target"] - goals["baseline"])
    assert np.allclose(goals["shortfall"], np.maximum(0.0, gap - progress), atol=1e-6)
    assert set(goals.index[goals["shortfall"] > 1e-6]) == set(goals.index[goals["attainment"] < 1 - 1e-9])
    assert json.loads(best.report_json())["shortfall"] == pytest.approx(goals["shortfall"].to_dict())
    assert best.volumes is not None
    lp.check_plan(best.volumes.to_numpy(), goals=False)
    # Levels bind: without them the same targets are cheaper.
    for row in doc["activities"]:
        row.pop("levels", None)
    assert LP(doc).least_cost().fun < highs.fun - 1


def test_result_api_on_the_example(example_model: zbb.Model) -> None:
    least = example_model.least_cost()
    assert least.raise_for_status() is least
    assert least.total is not None and least.budget is not None and least.total == least.budget.total
    assert least.marginal_effect_per_currency_unit is None
    assert list(least.binding["id"]) == ["A-respite"]
    assert least.goals is not None and sum(least.goals["cost"]) == least.total
    assert f"{least.total:,}" in least._repr_html_()  # e.g. 1,932,857.30
    assert '"status": "optimal"' in least.report_json()
    assert least.report_text().startswith("zbb optimize (least-cost)")
    best = example_model.max_effect()
    assert best.total is not None and best.total <= Decimal(example_model.frame["budget"])  # type: ignore[index]
    assert best.marginal_effect_per_currency_unit is not None and best.marginal_effect_per_currency_unit > 0
    assert "Weighted attainment" in best._repr_html_()
    smaller = example_model.max_effect(budget="1000000.00", partner_caps={"P-muni": Decimal("700000")})
    assert smaller.weighted_attainment <= best.weighted_attainment
    assert smaller.budget is not None
    assert smaller.budget.by_partner.loc["P-muni", "amount"] <= Decimal("700000")


def test_misuse_raises(example_model: zbb.Model) -> None:
    with pytest.raises(zbb.ModelError) as info:
        example_model.with_frame(None).max_effect()
    assert info.value.field == "budget"
    with pytest.raises(zbb.ModelError, match="give it as text") as info:
        example_model.max_effect(budget=1.5e6)  # type: ignore[arg-type]  # floats are refused
    assert "allow_float_prices" not in str(info.value)  # not an option of max_effect
    with pytest.raises(zbb.ModelError, match="give it as text"):
        example_model.packages(budget=1e6)  # type: ignore[arg-type]
    with pytest.raises(zbb.ModelError):
        example_model.max_effect(partner_caps={"P-nope": "1"})
    with pytest.raises(zbb.ModelError):
        example_model.least_cost(rounding="up")
    with pytest.raises(zbb.ModelError):
        example_model.least_cost(time_limit=-1)


# ---------------------------------------------------------------------- many variants through executors
def _variants(model: zbb.Model) -> dict[str, Any]:
    return {
        "carer 420": operator.methodcaller("with_target", "G-carer", 420),
        "dearer case manager": operator.methodcaller("with_price", "R-cm", "81.20"),
        "as a model": model.with_target("G-crisis", 40),
    }


def _check_table(table: Any, model: zbb.Model, what: str) -> None:
    assert list(table.index) == ["base", "carer 420", "dearer case manager", "as a model"]
    goal_columns = [f"goal:{g}" for g in model.goal_ids]
    assert list(table.columns[-len(goal_columns) :]) == goal_columns
    for name, row in table.iterrows():
        assert isinstance(row["total"], Decimal)
        assert sum(row[goal_columns]) == row["total"], name
        assert row["change"] == row["total"] - table.loc["base", "total"]
    if what == "budget":
        assert table.loc["base", "total"] == model.budget().total
        assert table.loc["carer 420", "total"] == model.with_target("G-carer", 420).budget().total
    else:
        assert table.loc["base", "total"] == model.least_cost().total
        expected = model.with_price("R-cm", "81.20").least_cost().total
        assert table.loc["dearer case manager", "total"] == expected


@pytest.mark.parametrize("what", ["budget", "least-cost"])
def test_compute_variants_with_threads(example_model: zbb.Model, what: str) -> None:
    with ThreadPoolExecutor(max_workers=3) as pool:
        table = zbb.compute_variants(example_model, _variants(example_model), what=what, executor=pool)
    _check_table(table, example_model, what)
    default = zbb.compute_variants(example_model, _variants(example_model), what=what)  # its own thread pool
    assert default["total"].equals(table["total"])


def test_compute_variants_max_effect_and_options(example_model: zbb.Model) -> None:
    table = zbb.compute_variants(
        example_model, [("smaller", lambda m: m)], what="max-effect", budget="900000.00", base=None
    )
    assert list(table.index) == ["smaller"] and "change" not in table.columns
    assert table.loc["smaller", "total"] <= Decimal("900000.00")
    assert 0 < table.loc["smaller", "weighted_attainment"] < 4
    with pytest.raises(zbb.ModelError):
        zbb.compute_variants(example_model, {"a": example_model}, what="cheapest")
    with pytest.raises(zbb.ModelError):
        zbb.compute_variants(example_model, [("a", example_model), ("a", example_model)])
    with pytest.raises(zbb.ModelError, match="G-nope") as info:
        zbb.compute_variants(example_model, {"bad": operator.methodcaller("with_target", "G-nope", 1)})
    if sys.version_info >= (3, 11):
        assert "in zbb.compute_variants, variant 'bad'" in info.value.__notes__


def test_models_pickle(example_model: zbb.Model) -> None:
    again = pickle.loads(pickle.dumps(example_model))
    assert again == example_model and again.frame == example_model.frame


def test_compute_variants_with_processes(example_model: zbb.Model) -> None:
    # spawn: forking a process that already runs threads is deprecated (a warning, hence an error here).
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
        table = zbb.compute_variants(example_model, _variants(example_model), executor=pool)
    _check_table(table, example_model, "budget")


def test_compute_variants_with_dask(example_model: zbb.Model) -> None:
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None)
    try:
        with distributed.Client(cluster) as client:
            table = zbb.compute_variants(
                example_model, _variants(example_model), what="least-cost", executor=client.get_executor()
            )
    finally:
        cluster.close()
    _check_table(table, example_model, "least-cost")


def test_the_solve_releases_the_gil() -> None:
    """While the core solves (a max-effect LP of 4,000 activities), another Python thread runs."""
    import threading
    import time

    from zbb import _core

    doc = generate_model(random.Random(7), 800, 4000, 60, 3, 10, omit_optional=0.0)
    doc.pop("plan")
    for e in doc["effects"]:
        e["per_unit"] = abs(e["per_unit"])
    for g in doc["goals"]:
        g["target"] = g["baseline"] + 50
    for a in doc["activities"]:
        a.pop("max", None)
    model = load(doc)
    total = model.least_cost().raise_for_status().total
    assert total is not None
    counter = [0]
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            counter[0] += 1

    spinner = threading.Thread(target=spin)
    spinner.start()
    try:
        before = counter[0]
        time.sleep(0.02)  # what the spinner counts in 20 ms of its own
        in_20ms = counter[0] - before
        before = counter[0]
        start = time.perf_counter()
        core = _core.optimize(model._core, "max-effect", budget=str(total / 2))
        seconds = time.perf_counter() - start
        during = counter[0] - before
    finally:
        stop.set()
        spinner.join()
    assert core.status == "optimal"
    # Holding the GIL, the call would leave the spinner at most a switch interval (5 ms) on each side.
    if seconds < 0.06:  # pragma: no cover - a fast machine
        pytest.skip(f"the solve took {seconds:.3f} s, too quick to tell")
    assert during > in_20ms


def test_hostile_prices_never_kill_the_interpreter(example_path: Any) -> None:
    # A price of 1e25 and more used to reach CLP unchecked and abort the process (its assertion
    # fabs(obj[i]) < 1.0e25). Run in a child process so that an abort would fail this test, not
    # the test run.
    import subprocess

    script = f"""
import zbb
m = zbb.read_json({str(example_path)!r})
for price in ("9" * 30, "1" + "0" * 25, "1" + "0" * 20, "90071992547409.92"):
    try:
        m.with_price("R-cm", price)
        raise SystemExit("accepted " + price)
    except zbb.MoneyOverflowError as e:  # the numeric range policy, before any solver
        assert "is beyond the numeric range" in str(e) and e.id == "R-cm" and e.field == "price", e
for price in ("90071992547409.91", "1000000000000.00"):  # the largest in range
    hostile = m.with_price("R-cm", price)
    for question in (lambda: hostile.least_cost(), lambda: hostile.max_effect(budget="2000000.00")):
        try:
            r = question()
            print(price[:3], len(price), r.status)
            assert r.status in ("optimal", "error"), r.status
        except zbb.MoneyOverflowError as e:
            print(price[:3], len(price), "money overflow:", e)
print("done")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("done")


def test_budget_and_optimiser_share_one_goal_reached_rule(example_path: Any) -> None:
    """Budget.goals and OptimizationResult.goals say "reached" by the same rule (zbb/goals.hpp)."""
    from zbb import _core

    plan = zbb.read_json(example_path).least_cost()
    assert plan.status == "optimal"
    budget_goals = plan.budget.goals
    optimiser_goals = plan.goals
    assert list(budget_goals["reached"]) == list(optimiser_goals["shortfall"] == 0)
    assert all(budget_goals["reached"])
    assert list(budget_goals["gap"]) == list(optimiser_goals["shortfall"])
    at = _core.goal_progress(
        np.array([100.0, 50.0, 7.0]), np.array([120.0, 30.0, 7.0]), np.array([120 - 1e-7 * 120 * 0.99, 40.0, 6.0])
    )
    assert list(at["reached"]) == [True, False, False]
    assert list(at["shortfall"]) == [0.0, 10.0, pytest.approx(1.0)]
    assert _core.goal_tolerance == 1e-7


def test_marginal_effect_per_euro_is_a_deprecated_alias(example_model: zbb.Model) -> None:
    best = example_model.max_effect(budget="1000000.00")
    with pytest.warns(DeprecationWarning, match="marginal_effect_per_currency_unit"):
        old = best.marginal_effect_per_euro
    assert old is not None and old == best.marginal_effect_per_currency_unit
    doc = json.loads(best.report_json())
    assert doc["marginal_effect_per_currency_unit"] == doc["marginal_effect_per_euro"] == old
