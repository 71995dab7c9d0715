"""Cross-check the zbb CLI (`zbb budget MODEL.json --json`) against the exact
Python reference on generated models and on the repository's examples.

The CLI is taken from $ZBB_CLI, default <repo>/build/zbb. Tests whose name
contains "reference" check only the Python reference and the generator:

    python3 -m pytest tests/python/test_cross_check.py -k reference
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from model_gen import generate_model, scale_plan, write_model  # noqa: E402
from zbb_reference import decimal_string, exact_budget, load_model, number  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SECTIONS = ("by_goal", "by_activity", "by_resource", "by_partner", "by_category")
REL_TOL = Fraction(1, 10**9)
ABS_TOL = Fraction(1, 10**9)
TIE_WINDOW = Fraction(1, 10**6)  # in minor units (cents)


# ----------------------------------------------------------------------------
# generated cases
# ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    seed: int
    n_goals: int
    n_activities: int
    n_resources: int
    n_partners: int
    n_support: int
    scale: int = 1
    empty_plan: bool = False

    def model(self) -> dict[str, Any]:
        m = generate_model(
            random.Random(self.seed),
            self.n_goals,
            self.n_activities,
            self.n_resources,
            self.n_partners,
            self.n_support,
            empty_plan=self.empty_plan,
        )
        return scale_plan(m, self.scale) if self.scale != 1 else m


def _cases() -> list[Case]:
    cases = []
    for i in range(30):  # small random models, 3-30 activities
        r = random.Random(1000 + i)
        n = r.randint(3, 30)
        cases.append(
            Case(f"small{i}", i, r.randint(1, 8), n, r.randint(1, 12), r.randint(1, 6), r.randint(0, min(n, 8)))
        )
    cases += [
        Case("no-support", 101, 3, 12, 5, 3, 0),
        Case("one-supplier", 102, 2, 8, 4, 3, 1),
        Case("all-suppliers", 103, 2, 6, 4, 3, 6),
        Case("single-partner", 104, 4, 10, 3, 1, 3),
        Case("empty-plan", 105, 3, 10, 4, 3, 3, empty_plan=True),
        Case("large80", 201, 10, 80, 25, 6, 10),
        Case("large140", 202, 15, 140, 30, 8, 15),
        Case("large200", 203, 20, 200, 40, 10, 25),
        Case("scaled7", 7, 4, 25, 8, 4, 5, scale=7),
        Case("scaled100", 11, 5, 30, 10, 5, 6, scale=100),
    ]
    return cases


CASES = _cases()
CASE_IDS = [c.name for c in CASES]


# ----------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------


def cli_path() -> Path:
    return Path(os.environ.get("ZBB_CLI") or REPO / "build" / "zbb")


def require_cli() -> Path:
    """The CLI binary; a missing binary FAILS the test (it is not skipped)."""
    path = cli_path()
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(
            f"zbb CLI binary not found or not executable at {path}. Build it first "
            f"(e.g. cmake -S . -B build && cmake --build build) or set ZBB_CLI=/path/to/zbb.",
            pytrace=False,
        )
    return path


def run_cli(cli: Path, model_path: Path, *options: str) -> dict[str, Any]:
    cmd = [str(cli), "budget", str(model_path), "--json", *options]
    proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == 0, (
        f"{' '.join(cmd)} exited with {proc.returncode}\nstderr:\n{proc.stderr}\nstdout:\n{proc.stdout[:2000]}"
    )
    try:
        report: dict[str, Any] = json.loads(proc.stdout, parse_float=Decimal)
    except json.JSONDecodeError as e:
        raise AssertionError(f"{' '.join(cmd)} did not print valid JSON ({e}):\n{proc.stdout[:2000]}") from e
    return report


def close(reported: Fraction, exact: Fraction) -> bool:
    return abs(reported - exact) <= REL_TOL * abs(exact) + ABS_TOL


def _json_number(value: Any) -> Fraction | None:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return None
    return Fraction(value)


def check_report(report: dict[str, Any], exact: dict[str, Any]) -> list[str]:
    """All violations of guarantees (1)-(6) of the CLI report vs the exact budget."""
    errors: list[str] = []
    minor = exact["minor_units"]
    ulp = Fraction(1, 10**minor)
    amount_re = re.compile(r"-?[0-9]+\." + "[0-9]" * minor if minor else r"-?[0-9]+")

    def amount(where: str, text: Any) -> Decimal | None:
        if not isinstance(text, str) or not amount_re.fullmatch(text):
            errors.append(f"{where}: {text!r} is not a decimal string with exactly {minor} decimals")
            return None
        return Decimal(text)

    if report.get("currency") != exact["currency"]:
        errors.append(f"currency: {report.get('currency')!r} != {exact['currency']!r}")

    # total: within one minor unit, and round-half-even unless near a half-unit tie  (3), (4)
    total = amount("total", report.get("total"))
    exact_total = exact["total"]
    if total is not None:
        diff = Fraction(total) - exact_total
        if abs(diff) > ulp:
            errors.append(f"total {total} is more than one minor unit from exact {float(exact_total)!r}")
        scaled = exact_total / ulp
        frac = scaled - (scaled.numerator // scaled.denominator)
        if abs(frac - Fraction(1, 2)) > TIE_WINDOW and Fraction(total) != round(scaled) * ulp:
            errors.append(
                f"total {total} != exact {exact_total} ({float(exact_total)!r}) "
                f"rounded half-even ({Fraction(round(scaled)) * ulp})"
            )

    # sections: ids (1), cross-footing (2), per-line accuracy (3)
    for sec in SECTIONS:
        got = report.get(sec)
        want: dict[str, Fraction] = exact[sec]
        if not isinstance(got, dict):
            errors.append(f"{sec}: missing or not an object")
            continue
        if set(got) != set(want):
            missing, unexpected = sorted(set(want) - set(got)), sorted(set(got) - set(want))
            errors.append(f"{sec}: ids missing {missing}, unexpected {unexpected}")
        lines = {k: amount(f"{sec}[{k!r}]", v) for k, v in got.items()}
        if None in lines.values():
            continue
        for k, v in lines.items():
            if k in want and abs(Fraction(v) - want[k]) > ulp:
                errors.append(f"{sec}[{k!r}] = {v} is more than one minor unit from exact {float(want[k])!r}")
        if total is not None and sum(lines.values(), Decimal(0)) != total:
            errors.append(f"{sec}: amounts sum to {sum(lines.values(), Decimal(0))}, not total {total}")

    # volumes (5)
    volumes = report.get("volumes")
    if not isinstance(volumes, dict) or set(volumes) != set(exact["volumes"]):
        errors.append(f"volumes: missing or ids differ from the activities: {volumes!r:.200}")
    else:
        for a, x in exact["volumes"].items():
            v = _json_number(volumes[a])
            if v is None or not close(v, x):
                errors.append(f"volumes[{a!r}] = {volumes[a]!r}, exact {x} ({float(x)!r})")

    # goals: projected (6); baseline/target echo the model
    goals = report.get("goals")
    if not isinstance(goals, dict) or set(goals) != set(exact["goals"]):
        errors.append(f"goals: missing or ids differ from the model goals: {goals!r:.200}")
    else:
        for g, want_g in exact["goals"].items():
            got_g = goals[g]
            if not isinstance(got_g, dict):
                errors.append(f"goals[{g!r}]: not an object")
                continue
            for key in ("baseline", "target", "projected"):
                v = _json_number(got_g.get(key))
                if v is None or not close(v, want_g[key]):
                    errors.append(f"goals[{g!r}].{key} = {got_g.get(key)!r}, exact {float(want_g[key])!r}")
    return errors


def assert_report_ok(report: dict[str, Any], model: dict[str, Any], label: str) -> None:
    errors = check_report(report, exact_budget(model))
    assert not errors, f"{label}: {len(errors)} violation(s):\n" + "\n".join(errors[:40])


# ----------------------------------------------------------------------------
# CLI cross-checks
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_cli_generated(case: Case, tmp_path: Path) -> None:
    zbb_cli = require_cli()
    path = write_model(case.model(), tmp_path / f"{case.name}.json")
    model = load_model(path)  # exactly what the CLI reads
    assert_report_ok(run_cli(zbb_cli, path), model, f"{case.name} ({path})")


# Members of the benchmark family (benchmarks/family.hpp) small enough for the exact reference,
# written by benchmarks/make_family; every support solver must give the exact budget to the cent.
FAMILY = [("a", 300), ("b", 240), ("c", 600), ("d", 24), ("e", 240), ("f", 200)]


def family_writer() -> Path:
    path = Path(os.environ.get("ZBB_MAKE_FAMILY") or cli_path().parent / "benchmarks" / "make_family")
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(
            f"make_family not found at {path}: build it (cmake --build build) or set ZBB_MAKE_FAMILY", pytrace=False
        )
    return path


@pytest.mark.parametrize("member, size", FAMILY, ids=[f"{m}{n}" for m, n in FAMILY])
def test_cli_family_every_support_solver(member: str, size: int, tmp_path: Path) -> None:
    zbb_cli = require_cli()
    path = tmp_path / f"{member}.json"
    subprocess.run([str(family_writer()), member, str(size), str(path), "11"], check=True, capture_output=True)
    model = load_model(path)
    exact = exact_budget(model)
    for solver in ("auto", "direct", "iterative"):
        errors = check_report(run_cli(zbb_cli, path, "--support-solver", solver), exact)
        assert not errors, f"{member}{size} --support-solver {solver}:\n" + "\n".join(errors[:40])


def test_cli_examples() -> None:
    zbb_cli = require_cli()
    paths = sorted((REPO / "examples").glob("*.json"))
    models = [(p, load_model(p)) for p in paths]
    models = [(p, m) for p, m in models if isinstance(m, dict) and m.get("format") == "zbb-model/1"]
    assert models, f"no zbb-model/1 example models found in {REPO / 'examples'}/*.json"
    failures = []
    for path, model in models:
        try:
            assert_report_ok(run_cli(zbb_cli, path), model, str(path.relative_to(REPO)))
        except AssertionError as e:
            failures.append(str(e))
    assert not failures, "\n\n".join(failures)


# ----------------------------------------------------------------------------
# reference-only checks
# ----------------------------------------------------------------------------

HAND_MODEL = """
{
  "format": "zbb-model/1", "name": "two support + two operating departments", "currency": "EUR",
  "goals": [
    {"id": "G1", "baseline": 10, "target": 30},
    {"id": "G2", "baseline": 50, "target": 45, "weight": 2}
  ],
  "activities": [
    {"id": "A-it",  "partner": "P-city"},
    {"id": "A-hr",  "partner": "P-city"},
    {"id": "A-op1", "partner": "P-ins"},
    {"id": "A-op2", "partner": "P-city"}
  ],
  "resources": [
    {"id": "R-hour", "price": "50.00", "category": "personnel"},
    {"id": "R-mat",  "price": "2.50",  "category": "material"}
  ],
  "partners": [{"id": "P-city"}, {"id": "P-fed"}, {"id": "P-ins"}, {"id": "P-idle"}],
  "effects": [
    {"goal": "G1", "activity": "A-op1", "per_unit": 0.1},
    {"goal": "G1", "activity": "A-it",  "per_unit": 0.02},
    {"goal": "G2", "activity": "A-op2", "per_unit": -0.05}
  ],
  "consumption": [
    {"activity": "A-it",  "resource": "R-hour", "per_unit": 2},
    {"activity": "A-hr",  "resource": "R-hour", "per_unit": 1},
    {"activity": "A-op1", "resource": "R-hour", "per_unit": 3},
    {"activity": "A-op1", "resource": "R-mat",  "per_unit": 4},
    {"activity": "A-op2", "resource": "R-mat",  "per_unit": 10}
  ],
  "support": [
    {"supplier": "A-it", "consumer": "A-op1", "per_unit": 0.5},
    {"supplier": "A-it", "consumer": "A-op2", "per_unit": 0.25},
    {"supplier": "A-it", "consumer": "A-hr",  "per_unit": 0.5},
    {"supplier": "A-hr", "consumer": "A-op1", "per_unit": 1},
    {"supplier": "A-hr", "consumer": "A-op2", "per_unit": 0.5},
    {"supplier": "A-hr", "consumer": "A-it",  "per_unit": 0.4}
  ],
  "funding": [
    {"activity": "A-it",  "partner": "P-city", "share": "0.6"},
    {"activity": "A-it",  "partner": "P-fed",  "share": "0.4"},
    {"activity": "A-op2", "partner": "P-ins",  "share": "0.75"},
    {"activity": "A-op2", "partner": "P-city", "share": "0.25"}
  ],
  "plan": [
    {"goal": "G1", "activity": "A-op1", "volume": 100},
    {"goal": "G2", "activity": "A-op1", "volume": 50},
    {"goal": "G2", "activity": "A-op2", "volume": 200}
  ]
}
"""


def test_reference_hand_example() -> None:
    # Direct volumes: d_op1 = 100 + 50 = 150, d_op2 = 200, d_it = d_hr = 0.
    # Total volumes, (I - S) x = d:
    #   x_it = 0.5*150 + 0.25*200 + 0.5*x_hr = 125 + 0.5 x_hr
    #   x_hr = 1*150   + 0.5*200  + 0.4*x_it = 250 + 0.4 x_it
    #   => x_it = 125 + 125 + 0.2 x_it => x_it = 250/0.8 = 312.5, x_hr = 250 + 125 = 375
    # Direct unit costs c = price . C:
    #   c_it = 2*50 = 100, c_hr = 1*50 = 50, c_op1 = 3*50 + 4*2.5 = 160, c_op2 = 10*2.5 = 25
    # by_activity = c*x: it 31250, hr 18750, op1 160*150 = 24000, op2 25*200 = 5000; total 79000
    # Full unit costs, u_a = c_a + sum_k S[k,a] u_k:
    #   u_it = 100 + 0.4 u_hr, u_hr = 50 + 0.5 u_it => u_it = 120 + 0.2 u_it => u_it = 150, u_hr = 125
    #   u_op1 = 160 + 0.5*150 + 1*125 = 360, u_op2 = 25 + 0.25*150 + 0.5*125 = 125
    # by_goal: G1 = 360*100 = 36000, G2 = 360*50 + 125*200 = 43000 (sum 79000)
    # by_resource: hours (2*312.5 + 375 + 3*150) = 1450 h * 50 = 72500,
    #              material (4*150 + 10*200) = 2600 * 2.5 = 6500 (sum 79000)
    # by_partner: it split 0.6/0.4 city/fed: 18750/12500; hr -> city 18750; op1 -> ins 24000;
    #   op2 split 0.75/0.25 ins/city: 3750/1250
    #   city = 18750 + 18750 + 1250 = 38750, fed = 12500, ins = 27750, idle = 0 (sum 79000)
    # projected: G1 = 10 + 0.1*150 + 0.02*312.5 = 31.25, G2 = 50 - 0.05*200 = 40
    model = json.loads(HAND_MODEL, parse_float=Decimal)
    F = Fraction
    for reduced in (True, False):
        r = exact_budget(model, reduced=reduced)
        assert r["volumes"] == {"A-it": F("312.5"), "A-hr": 375, "A-op1": 150, "A-op2": 200}
        assert r["unit_cost"] == {"A-it": 100, "A-hr": 50, "A-op1": 160, "A-op2": 25}
        assert r["full_unit_cost"] == {"A-it": 150, "A-hr": 125, "A-op1": 360, "A-op2": 125}
        assert r["total"] == 79000
        assert r["by_activity"] == {"A-it": 31250, "A-hr": 18750, "A-op1": 24000, "A-op2": 5000}
        assert r["by_goal"] == {"G1": 36000, "G2": 43000}
        assert r["by_resource"] == {"R-hour": 72500, "R-mat": 6500}
        assert r["by_category"] == {"personnel": 72500, "material": 6500}
        assert r["by_partner"] == {"P-city": 38750, "P-fed": 12500, "P-ins": 27750, "P-idle": 0}
        assert r["goals"] == {
            "G1": {"baseline": 10, "target": 30, "projected": F("31.25")},
            "G2": {"baseline": 50, "target": 45, "projected": 40},
        }
        assert r["minor_units"] == 2 and r["currency"] == "EUR"


def _support_matrix(model: dict[str, Any]) -> dict[tuple[str, str], Fraction]:
    return {(s["supplier"], s["consumer"]): number(s["per_unit"], "support") for s in model.get("support") or []}


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_reference_identities_generated(case: Case, tmp_path: Path) -> None:
    model = case.model()
    r = exact_budget(model)
    total = r["total"]
    for sec in SECTIONS:
        assert sum(r[sec].values(), Fraction(0)) == total, sec
    if case.n_activities <= 60:
        assert exact_budget(model, reduced=False) == r
    # the file round trip is exact
    assert exact_budget(load_model(write_model(model, tmp_path / "m.json"))) == r

    # residuals, computed straight from the model rows
    acts = [a["id"] for a in model["activities"]]
    S = _support_matrix(model)
    x, d, c, u = r["volumes"], r["direct_volumes"], r["unit_cost"], r["full_unit_cost"]
    for a in acts:
        assert x[a] - sum((s * x[j] for (k, j), s in S.items() if k == a), Fraction(0)) == d[a]
        assert u[a] - sum((s * u[k] for (k, j), s in S.items() if j == a), Fraction(0)) == c[a]
        assert x[a] >= d[a] >= 0
    if case.empty_plan:
        assert total == 0 and all(v == 0 for v in x.values())
    else:
        assert total > 0


def test_reference_scale_linearity() -> None:
    for case in CASES[:10]:
        k = 13
        base, scaled = exact_budget(case.model()), exact_budget(scale_plan(case.model(), k))
        for sec in (*SECTIONS, "volumes", "direct_volumes"):
            assert scaled[sec] == {i: k * v for i, v in base[sec].items()}, (case.name, sec)
        assert scaled["total"] == k * base["total"]
        assert scaled["full_unit_cost"] == base["full_unit_cost"]


def test_reference_generator_models_valid() -> None:
    """The generator's guarantees hold on every generated case."""
    price_re = re.compile(r"[0-9]+\.[0-9]{2,4}")
    seen_prices: list[str] = []
    for case in CASES:
        m = case.model()
        for table in ("goals", "activities", "resources", "partners"):
            ids = [row["id"] for row in m[table]]
            assert len(ids) == len(set(ids)), (case.name, table)
        acts = [a["id"] for a in m["activities"]]
        parts = {p["id"] for p in m["partners"]}
        assert all(a.get("partner") in parts for a in m["activities"])
        for res in m["resources"]:
            assert price_re.fullmatch(res["price"]), res["price"]
            seen_prices.append(res["price"])
        # column sums of the supplier block <= 0.6, all entries >= 0
        S = _support_matrix(m)
        suppliers = {k for k, _ in S}
        assert all(v >= 0 for v in S.values())
        for j in suppliers:
            assert sum((v for (k, jj), v in S.items() if jj == j and k in suppliers), Fraction(0)) <= Fraction("0.6")
        if len(suppliers) >= 2:  # at least one reciprocal loop
            assert any((j, k) in S for (k, j) in S if k != j and k in suppliers and j in suppliers), case.name
        # funding shares sum to exactly 1 over 2-3 distinct partners
        shares: dict[str, list[tuple[str, Fraction]]] = {}
        for f in m.get("funding") or []:
            shares.setdefault(f["activity"], []).append((f["partner"], decimal_string(f["share"], "share")))
        for rows in shares.values():
            assert 2 <= len(rows) <= 3 and len({p for p, _ in rows}) == len(rows)
            assert sum(s for _, s in rows) == 1 and all(s > 0 for _, s in rows)
        # plan: non-negative, unique (goal, activity)
        plan = [(p["goal"], p["activity"]) for p in m.get("plan") or []]
        assert len(plan) == len(set(plan))
        assert all(number(p["volume"], "volume") >= 0 for p in m.get("plan") or [])
        assert all(a in acts for _, a in plan)
    assert any(p.endswith("0") for p in seen_prices)  # trailing zeros
    assert any(Decimal(p) >= 10000 for p in seen_prices)  # large
    assert any(Decimal(p) < Decimal("0.05") for p in seen_prices)  # tiny


def test_reference_self_support_reduced_matches_full() -> None:
    # S[k, k] > 0 (a department using its own services) is valid as long as rho(S) < 1.
    for seed in range(10):
        m = generate_model(random.Random(seed), 3, 12, 5, 3, 5, self_support=True)
        assert exact_budget(m) == exact_budget(m, reduced=False)
