"""Exact reference implementation of the zbb budget semantics (zbb-model/1).

Independent of the C++ library: written only from the model format and the
budget semantics, using ``fractions.Fraction`` throughout (no floats).

Semantics, with activities indexed in file order:

* ``S[k, j]``  support per_unit: units of supplier activity k per unit of consumer j
* ``C[r, a]``  consumption per_unit, ``E[g, a]`` effects per_unit
* ``d[g, a]``  plan volume, ``d[a] = sum_g d[g, a]``
* total volumes ``x`` solve ``(I - S) x = d``
* direct unit cost ``c[a] = sum_r price[r] * C[r, a]``
* full unit cost ``u`` solves ``(I - S)^T u = c``
* ``by_resource[r] = price[r] * (C x)[r]``, ``by_activity[a] = c[a] * x[a]``,
  ``by_goal[g] = sum_a u[a] * d[g, a]``,
  ``by_partner[p] = sum_a share[p, a] * c[a] * x[a]`` (an activity without
  funding rows is paid entirely by its executing ``partner``),
  ``by_category[k] = sum of by_resource over resources of category k``
* ``total = sum(by_activity)``; ``projected[g] = baseline[g] + sum_a E[g, a] * x[a]``

Only rows of activities that supply support are non-trivial in ``I - S``
(``x[a] = d[a]`` for every non-supplier), so by default the solves are reduced
to the supplier block; ``exact_budget(model, reduced=False)`` performs the
full ``n x n`` elimination instead (used to cross-check the reduction).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

FORMAT = "zbb-model/1"

#: ISO 4217 minor-unit decimals for the currencies the reference knows about.
MINOR_UNITS: dict[str, int] = {
    "EUR": 2,
    "USD": 2,
    "GBP": 2,
    "CHF": 2,
    "SEK": 2,
    "NOK": 2,
    "DKK": 2,
    "PLN": 2,
    "CZK": 2,
    "CAD": 2,
    "AUD": 2,
    "JPY": 0,
    "KRW": 0,
    "KWD": 3,
    "BHD": 3,
}

_PLAIN_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")

Model = Mapping[str, Any]
Matrix = list[list[Fraction]]


def load_model(path: str | Path) -> dict[str, Any]:
    """Load a model file; non-integer JSON numbers become exact ``Decimal``s."""
    with open(path, encoding="utf-8") as f:
        model: dict[str, Any] = json.load(f, parse_float=Decimal)
    return model


def number(value: Any, what: str) -> Fraction:
    """Exact value of a JSON number field (``int`` or ``Decimal``; never ``float``)."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise TypeError(
            f"{what}: expected a JSON number parsed exactly (int or Decimal), got "
            f"{type(value).__name__} {value!r}; load models with load_model()"
        )
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{what}: non-finite number {value!r}")
    return Fraction(value)


def decimal_string(value: Any, what: str) -> Fraction:
    """Exact value of a decimal-string field such as a price or a share."""
    if not isinstance(value, str) or not _PLAIN_DECIMAL.fullmatch(value):
        raise ValueError(f'{what}: expected a plain decimal string like "123.45", got {value!r}')
    return Fraction(value)


def _ids(model: Model, table: str) -> list[str]:
    ids = [row["id"] for row in model.get(table) or []]
    seen: set[str] = set()
    for i in ids:
        if not isinstance(i, str) or not i:
            raise ValueError(f"{table}: invalid id {i!r}")
        if i in seen:
            raise ValueError(f"{table}: duplicate id {i!r}")
        seen.add(i)
    return ids


def _ref(index: Mapping[str, int], key: Any, what: str) -> int:
    if key not in index:
        raise ValueError(f"{what}: unknown id {key!r}")
    return index[key]


def _links(
    model: Model,
    table: str,
    row_key: str,
    row_index: Mapping[str, int],
    col_key: str,
    col_index: Mapping[str, int],
    value_key: str,
) -> dict[tuple[int, int], Fraction]:
    """Sparse (row, col) -> per_unit/volume map; duplicate pairs are rejected."""
    out: dict[tuple[int, int], Fraction] = {}
    for n, row in enumerate(model.get(table) or []):
        what = f"{table}[{n}]"
        key = (_ref(row_index, row[row_key], f"{what}.{row_key}"), _ref(col_index, row[col_key], f"{what}.{col_key}"))
        if key in out:
            raise ValueError(f"{what}: duplicate ({row[row_key]!r}, {row[col_key]!r}) row")
        out[key] = number(row[value_key], f"{what}.{value_key}")
    return out


def solve(a: Matrix, b: Sequence[Fraction]) -> list[Fraction]:
    """Solve ``a x = b`` exactly by Gaussian elimination over Fractions."""
    n = len(b)
    m = [list(row) + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = next((r for r in range(col, n) if m[r][col] != 0), None)
        if pivot is None:
            raise ValueError("I - S is singular: support loops do not converge")
        m[col], m[pivot] = m[pivot], m[col]
        p = m[col]
        for r in range(n):
            if r != col and m[r][col] != 0:
                f = m[r][col] / p[col]
                row = m[r]
                for k in range(col, n + 1):
                    if p[k] != 0:
                        row[k] -= f * p[k]
    return [m[i][n] / m[i][i] for i in range(n)]


def _solve_support(
    n: int,
    support: Mapping[tuple[int, int], Fraction],
    rhs: Sequence[Fraction],
    transpose: bool,
    reduced: bool,
) -> list[Fraction]:
    """Solve ``(I - S) y = rhs`` (or ``(I - S)^T y = rhs``) for all n activities."""
    if not reduced:
        a = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
        for (k, j), s in support.items():
            if transpose:
                a[j][k] -= s
            else:
                a[k][j] -= s
        return solve(a, rhs)

    suppliers = sorted({k for k, _ in support})
    pos = {k: i for i, k in enumerate(suppliers)}
    m = len(suppliers)
    a = [[Fraction(int(i == j)) for j in range(m)] for i in range(m)]
    b = [rhs[k] for k in suppliers]
    y = list(rhs)
    if not transpose:
        # x_k - sum_{j supplier} S[k,j] x_j = d_k + sum_{j non-supplier} S[k,j] d_j
        for (k, j), s in support.items():
            if j in pos:
                a[pos[k]][pos[j]] -= s
            else:
                b[pos[k]] += s * rhs[j]
        for k, v in zip(suppliers, solve(a, b)):
            y[k] = v
    else:
        # u_a = c_a + sum_{k supplier} S[k,a] u_k: solve the supplier block first
        for (k, j), s in support.items():
            if j in pos:
                a[pos[j]][pos[k]] -= s
        u_sup = solve(a, b)
        for k, v in zip(suppliers, u_sup):
            y[k] = v
        for (k, j), s in support.items():
            if j not in pos:
                y[j] += s * u_sup[pos[k]]
    return y


def exact_budget(model: Model, *, reduced: bool = True) -> dict[str, Any]:
    """Compute the exact budget of a zbb-model/1 model (all amounts as Fractions).

    Amounts are in currency units (not minor units). Returns the keys
    ``currency, minor_units, total, by_goal, by_activity, by_resource,
    by_partner, by_category, volumes, direct_volumes, unit_cost,
    full_unit_cost, goals`` (``goals[g]`` has ``baseline, target, projected``).
    """
    if model.get("format") != FORMAT:
        raise ValueError(f"format must be {FORMAT!r}, got {model.get('format')!r}")
    currency = model["currency"]
    if currency not in MINOR_UNITS:
        raise ValueError(f"reference does not know the minor units of currency {currency!r}")

    goals, acts, ress, parts = (_ids(model, t) for t in ("goals", "activities", "resources", "partners"))
    gi = {g: i for i, g in enumerate(goals)}
    ai = {a: i for i, a in enumerate(acts)}
    ri = {r: i for i, r in enumerate(ress)}
    pi = {p: i for i, p in enumerate(parts)}
    n = len(acts)

    res_rows = model.get("resources") or []
    price = [decimal_string(r["price"], f"resources[{r['id']!r}].price") for r in res_rows]
    category = [r.get("category", "other") for r in res_rows]
    executor: list[int | None] = []
    for act in model.get("activities") or []:
        p = act.get("partner")
        executor.append(None if p is None else _ref(pi, p, f"activities[{act['id']!r}].partner"))

    effects = _links(model, "effects", "goal", gi, "activity", ai, "per_unit")
    consumption = _links(model, "consumption", "resource", ri, "activity", ai, "per_unit")
    support = _links(model, "support", "supplier", ai, "consumer", ai, "per_unit")
    plan = _links(model, "plan", "goal", gi, "activity", ai, "volume")

    shares: dict[int, dict[int, Fraction]] = {}
    for n_row, row in enumerate(model.get("funding") or []):
        what = f"funding[{n_row}]"
        a = _ref(ai, row["activity"], f"{what}.activity")
        p = _ref(pi, row["partner"], f"{what}.partner")
        if p in shares.setdefault(a, {}):
            raise ValueError(f"{what}: duplicate ({row['activity']!r}, {row['partner']!r}) row")
        shares[a][p] = decimal_string(row["share"], f"{what}.share")
    for a, by_p in shares.items():
        if sum(by_p.values()) != 1:
            raise ValueError(f"funding shares of {acts[a]!r} sum to {sum(by_p.values())}, not 1")
    for a in range(n):
        if a not in shares:
            if executor[a] is None:
                raise ValueError(f"activity {acts[a]!r} has neither funding rows nor a partner")
            shares[a] = {executor[a]: Fraction(1)}

    zero = Fraction(0)
    d = [zero] * n
    for (_, a), v in plan.items():
        d[a] += v
    x = _solve_support(n, support, d, transpose=False, reduced=reduced)
    c = [zero] * n
    for (r, a), q in consumption.items():
        c[a] += price[r] * q
    u = _solve_support(n, support, c, transpose=True, reduced=reduced)

    by_activity = [c[a] * x[a] for a in range(n)]
    used = [zero] * len(ress)
    for (r, a), q in consumption.items():
        used[r] += q * x[a]
    by_resource = [price[r] * used[r] for r in range(len(ress))]
    by_goal = [zero] * len(goals)
    for (g, a), v in plan.items():
        by_goal[g] += u[a] * v
    by_partner = [zero] * len(parts)
    for a, by_p in shares.items():
        for p, s in by_p.items():
            by_partner[p] += s * by_activity[a]
    by_category: dict[str, Fraction] = {}
    for r, k in enumerate(category):
        by_category[k] = by_category.get(k, zero) + by_resource[r]

    goal_rows = model.get("goals") or []
    baseline = [number(g["baseline"], f"goals[{g['id']!r}].baseline") for g in goal_rows]
    target = [number(g["target"], f"goals[{g['id']!r}].target") for g in goal_rows]
    projected = list(baseline)
    for (g, a), e in effects.items():
        projected[g] += e * x[a]

    return {
        "currency": currency,
        "minor_units": MINOR_UNITS[currency],
        "total": sum(by_activity, zero),
        "by_goal": dict(zip(goals, by_goal)),
        "by_activity": dict(zip(acts, by_activity)),
        "by_resource": dict(zip(ress, by_resource)),
        "by_partner": dict(zip(parts, by_partner)),
        "by_category": by_category,
        "volumes": dict(zip(acts, x)),
        "direct_volumes": dict(zip(acts, d)),
        "unit_cost": dict(zip(acts, c)),
        "full_unit_cost": dict(zip(acts, u)),
        "goals": {
            g: {"baseline": baseline[i], "target": target[i], "projected": projected[i]} for i, g in enumerate(goals)
        },
    }
