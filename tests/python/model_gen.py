"""Random generator of valid zbb-model/1 models, for cross-checking the CLI.

Models are plain dicts. Non-integer JSON numbers are ``decimal.Decimal`` so that
the exact decimal text is preserved; prices and shares are decimal strings.
Use ``model_to_json``/``write_model`` to serialise them (the stdlib ``json``
module cannot emit ``Decimal``).

Guarantees of ``generate_model``:

* ids are unique per table and every reference resolves;
* every activity has an executing ``partner``;
* the support matrix ``S`` has non-negative entries and every column of the
  supplier block ``S_KK`` sums to at most 0.6, so ``rho(S) < 1`` (rows of
  non-suppliers are zero, hence ``spec(S) = spec(S_KK) + {0}``), ``I - S`` is
  invertible and all volumes are non-negative;
* funding shares of a funded activity sum to exactly 1 (2-3 distinct partners);
* plan volumes are non-negative; (goal, activity) pairs in each link table and
  in the plan are unique.
"""

from __future__ import annotations

import copy
import json
import random
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

Model = dict[str, Any]

_CATEGORIES = ["personnel", "material", "services", "overhead", "other"]
_NAMES = [
    "Case management",
    "Day care",
    "Home visits",
    "Ambulant Pflege",
    "Betreuung für Ältere",
    "Café «Vergissmeinnicht»",
    'IT "helpdesk"',
    "Training & coaching",
    "Back\\office",
    "Transport",
    "Outreach",
    "Respite care",
]


def _dec(units: int, places: int) -> Decimal:
    """``units * 10**-places`` as an exact Decimal keeping its trailing zeros."""
    return Decimal(units).scaleb(-places)


def _text(d: Decimal) -> str:
    """Plain (non-scientific) decimal text."""
    return format(d, "f")


def _per_unit(rng: random.Random, max_int: int, max_dec: int) -> int | Decimal:
    """A positive JSON number: an integer or a decimal with 1-3 places."""
    if rng.random() < 0.35:
        return rng.randint(1, max_int)
    places = rng.randint(1, 3)
    d = _dec(rng.randint(1, max_dec * 10**places), places)
    return d.normalize() if rng.random() < 0.3 else d


def _price(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.08:  # large, round
        return _text(_dec(rng.choice([125000, 80000, 45000, 250000]) * 100, 2))
    if roll < 0.16:  # tiny
        return rng.choice(["0.0125", "0.005", "0.0499", "0.010", "0.0001"])
    places = rng.randint(2, 4)
    units = rng.randint(1, rng.choice([5, 80, 400]) * 10**places)
    if rng.random() < 0.3:  # force trailing zeros, like "78.40" or "12.5000"
        units = max(10, units - units % 10 ** rng.randint(1, places))
    return _text(_dec(units, places))


def _shares(rng: random.Random, k: int) -> list[str]:
    """k positive decimal strings summing to exactly 1."""
    places = rng.randint(2, 4)
    total = 10**places
    cuts = sorted(rng.sample(range(1, total), k - 1))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, total])]
    return [_text(_dec(p, places)) for p in parts]


def _volume(rng: random.Random) -> int | Decimal:
    roll = rng.random()
    if roll < 0.05:
        return 0
    if roll < 0.6:
        return rng.randint(1, 1000)
    return _dec(rng.randint(1, 100000), rng.randint(1, 2))


def _name(rng: random.Random, fallback: str) -> str:
    return rng.choice(_NAMES) if rng.random() < 0.4 else fallback


def generate_model(
    rng: random.Random,
    n_goals: int,
    n_activities: int,
    n_resources: int,
    n_partners: int,
    n_support: int,
    *,
    funded_fraction: float = 0.4,
    self_support: bool = False,
    empty_plan: bool = False,
    omit_optional: float = 0.3,
) -> Model:
    """Generate a valid random model.

    ``n_support`` activities (a random subset) are support activities
    (suppliers); they support each other in reciprocal loops (a 2-cycle and,
    with >= 3 suppliers, a 3-cycle) and support ordinary activities.
    ``self_support`` also allows ``S[k, k] > 0``. ``omit_optional`` is the
    probability of leaving out each optional field / empty table.
    """
    if min(n_goals, n_activities, n_resources, n_partners) < 1:
        raise ValueError("need at least one goal, activity, resource and partner")
    if not 0 <= n_support <= n_activities:
        raise ValueError("n_support must be within [0, n_activities]")

    def maybe(d: dict[str, Any], key: str, value: Any) -> None:
        if rng.random() >= omit_optional:
            d[key] = value

    goal_ids = [f"G-{i:03d}" for i in range(n_goals)]
    act_ids = [f"A-{rng.choice(['case', 'care', 'it', 'hr', 'ops'])}-{i}" for i in range(n_activities)]
    res_ids = [f"R-{i}" for i in range(n_resources)]
    part_ids = [f"P-{i}" for i in range(n_partners)]

    goals: list[dict[str, Any]] = []
    for g in goal_ids:
        baseline: int | Decimal = rng.randint(0, 1000) if rng.random() < 0.7 else _dec(rng.randint(0, 10**5), 2)
        row: dict[str, Any] = {"id": g}
        maybe(row, "name", _name(rng, f"Goal {g}"))
        maybe(row, "unit", "people")
        row["baseline"] = baseline
        row["target"] = baseline + rng.randint(0, 200)
        maybe(row, "weight", rng.choice([1, 2, Decimal("0.5"), Decimal("1.25")]))
        goals.append(row)

    activities: list[dict[str, Any]] = []
    for a in act_ids:
        row = {"id": a}
        maybe(row, "name", _name(rng, f"Activity {a}"))
        maybe(row, "unit", rng.choice(["client-year", "hour", "visit", ""]))
        row["partner"] = rng.choice(part_ids)
        if rng.random() >= omit_optional:
            row["min"] = 0
            row["max"] = 10**7
        activities.append(row)

    resources: list[dict[str, Any]] = []
    for r in res_ids:
        row = {"id": r}
        maybe(row, "name", f"Resource {r}")
        maybe(row, "unit", rng.choice(["hour", "piece", "m2", "km"]))
        row["price"] = _price(rng)
        maybe(row, "category", rng.choice(_CATEGORIES))
        if rng.random() < 0.4:
            row["available"] = rng.randint(10**6, 10**9)
        resources.append(row)

    partners: list[dict[str, Any]] = []
    for p in part_ids:
        row = {"id": p}
        maybe(row, "name", f"Partner {p}")
        partners.append(row)

    # --- support ---------------------------------------------------------
    suppliers = sorted(rng.sample(range(n_activities), n_support))
    supplier_set = set(suppliers)
    support: dict[tuple[int, int], int | Decimal] = {}
    budget = {j: 600 for j in suppliers}  # column budget of S_KK in thousandths

    def add_kk(k: int, j: int, thousandths: int) -> None:
        if (k, j) in support or thousandths < 1 or thousandths > budget[j]:
            return
        budget[j] -= thousandths
        d = _dec(thousandths, 3)
        support[(k, j)] = d.normalize() if rng.random() < 0.3 else d

    if n_support >= 2:
        s0, s1 = rng.sample(suppliers, 2)
        add_kk(s0, s1, rng.randint(50, 250))
        add_kk(s1, s0, rng.randint(50, 250))
    if n_support >= 3:
        t0, t1, t2 = rng.sample(suppliers, 3)
        add_kk(t0, t1, rng.randint(20, 150))
        add_kk(t1, t2, rng.randint(20, 150))
        add_kk(t2, t0, rng.randint(20, 150))
    for j in suppliers:
        others = [k for k in suppliers if k != j]
        for k in rng.sample(others, min(len(others), rng.randint(0, 3))):
            if budget[j] > 0:
                add_kk(k, j, rng.randint(1, budget[j]))
        if self_support and rng.random() < 0.5 and budget[j] > 0:
            add_kk(j, j, rng.randint(1, budget[j]))
    for j in range(n_activities):
        if j in supplier_set or not suppliers:
            continue
        for k in rng.sample(suppliers, min(len(suppliers), rng.randint(0, 3))):
            support[(k, j)] = _per_unit(rng, 4, 5)

    # --- consumption, effects --------------------------------------------
    consumption: list[dict[str, Any]] = []
    for a in range(n_activities):
        for r in sorted(rng.sample(range(n_resources), min(n_resources, rng.randint(1, 4)))):
            big = Decimal(resources[r]["price"]) >= 10000
            q = _dec(rng.randint(1, 50), 3) if big else _per_unit(rng, 40, 12)
            consumption.append({"activity": act_ids[a], "resource": res_ids[r], "per_unit": q})
    rng.shuffle(consumption)

    effects: list[dict[str, Any]] = []
    for g in range(n_goals):
        for a in rng.sample(range(n_activities), min(n_activities, rng.randint(1, 4))):
            e: int | Decimal = _per_unit(rng, 3, 2)
            if rng.random() < 0.25:
                e = -e
            effects.append({"goal": goal_ids[g], "activity": act_ids[a], "per_unit": e})

    # --- funding -----------------------------------------------------------
    funding: list[dict[str, Any]] = []
    if n_partners >= 2:
        for a in range(n_activities):
            if rng.random() < funded_fraction:
                k = rng.randint(2, min(3, n_partners))
                for p, share in zip(rng.sample(part_ids, k), _shares(rng, k)):
                    funding.append({"activity": act_ids[a], "partner": p, "share": share})

    # --- plan --------------------------------------------------------------
    plan: list[dict[str, Any]] = []
    if not empty_plan:
        ordinary = [a for a in range(n_activities) if a not in supplier_set] or list(range(n_activities))
        shared = rng.choice(ordinary)  # planned under several goals
        for g in range(n_goals):
            picks = set(rng.sample(ordinary, min(len(ordinary), rng.randint(1, 6))))
            if g < 3:
                picks.add(shared)
            if suppliers and rng.random() < 0.15:
                picks.add(rng.choice(suppliers))  # direct volume of a support activity
            for a in sorted(picks):
                plan.append({"goal": goal_ids[g], "activity": act_ids[a], "volume": _volume(rng)})

    model: Model = {
        "format": "zbb-model/1",
        "name": f"generated model ({n_activities} activities)",
        "currency": "EUR",
        "goals": goals,
        "activities": activities,
        "resources": resources,
        "partners": partners,
        "effects": effects,
        "consumption": consumption,
        "support": [{"supplier": act_ids[k], "consumer": act_ids[j], "per_unit": v} for (k, j), v in support.items()],
        "funding": funding,
        "plan": plan,
    }
    for table in ("effects", "support", "funding", "plan"):
        if not model[table] and rng.random() < omit_optional:
            del model[table]
    return model


def scale_plan(model: Model, k: int) -> Model:
    """Copy of ``model`` with every plan volume multiplied by the integer ``k``."""
    out = copy.deepcopy(model)
    with localcontext() as ctx:
        ctx.prec = 1000  # exact for any realistic volume
        for row in out.get("plan") or []:
            row["volume"] = row["volume"] * k
    return out


def _encode(value: Any, indent: int, level: int) -> str:
    pad, inner = "\n" + " " * (indent * level), "\n" + " " * (indent * (level + 1))
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{json.dumps(k, ensure_ascii=False)}: {_encode(v, indent, level + 1)}" for k, v in value.items()]
        if level >= 2:  # keep table rows on one line
            return "{" + ", ".join(items) + "}"
        return "{" + inner + ("," + inner).join(items) + pad + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[" + inner + ("," + inner).join(_encode(v, indent, level + 1) for v in value) + pad + "]"
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot encode {value!r}")
        return _text(value)
    if isinstance(value, float):
        raise TypeError("floats are not allowed in generated models; use Decimal")
    return json.dumps(value, ensure_ascii=False)


def model_to_json(model: Model, indent: int = 2) -> str:
    """Serialise a model, writing Decimals as their exact plain decimal text."""
    return _encode(model, indent, 0) + "\n"


def write_model(model: Model, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(model_to_json(model), encoding="utf-8")
    return path
