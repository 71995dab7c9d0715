#!/usr/bin/env python3
"""Regenerates the CLI test models from small.json: bad-<case>.json (one defect each) and
ok-brackets-in-strings.json. Usage: python3 generate_models.py [MODELS_DIR]
(default: the directory of this script). The files are committed; the tests do not run this."""
import copy, json, os, sys

MODELS = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(MODELS, "small.json")) as f:
    SMALL_TEXT = f.read()
SMALL = json.loads(SMALL_TEXT)

def dump(doc):
    """Same layout as small.json: one row per line."""
    out = ["{"]
    items = list(doc.items())
    for i, (k, v) in enumerate(items):
        comma = "," if i + 1 < len(items) else ""
        if isinstance(v, list):
            if not v:
                out.append(f'  {json.dumps(k)}: []{comma}')
                continue
            out.append(f'  {json.dumps(k)}: [')
            for j, row in enumerate(v):
                rc = "," if j + 1 < len(v) else ""
                out.append("    " + json.dumps(row, ensure_ascii=False) + rc)
            out.append("  ]" + comma)
        else:
            out.append(f'  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}{comma}')
    out.append("}")
    return "\n".join(out) + "\n"

def m():
    return copy.deepcopy(SMALL)

def row(doc, table, **match):
    for r in doc[table]:
        if all(r.get(k) == v for k, v in match.items()):
            return r
    raise KeyError((table, match))

def rename_key(d, old, new):
    items = [(new if k == old else k, v) for k, v in d.items()]
    d.clear(); d.update(items)

cases = {}

def case(name):
    def deco(f):
        cases[name] = f
        return f
    return deco

# ---- JSON level (raw text) ------------------------------------------------------------------
cases["malformed-json"] = lambda: SMALL_TEXT.replace('"zbb-model/1",', '"zbb-model/1"', 1)
cases["truncated-json"] = lambda: SMALL_TEXT[: SMALL_TEXT.index('"activities"')]
cases["empty"] = lambda: ""
cases["deep-nesting"] = lambda: "[" * 10000 + "]" * 10000 + "\n"
cases["volume-infinite"] = lambda: SMALL_TEXT.replace('"volume": 300}', '"volume": 1e999}', 1)
cases["weight-infinite"] = lambda: SMALL_TEXT.replace('"weight": 2}', '"weight": -1E400}', 1)
cases["deep-nesting-objects"] = lambda: '{"a":' * 5000 + "1" + "}" * 5000 + "\n"
cases["top-level-array"] = lambda: "[" + SMALL_TEXT.rstrip("\n") + "]\n"

# ---- unknown ids ----------------------------------------------------------------------------
@case("unknown-effects-goal")
def _():
    d = m(); row(d, "effects", goal="G-carer", activity="A-course")["goal"] = "G-nope"; return d
@case("unknown-effects-activity")
def _():
    d = m(); row(d, "effects", goal="G-carer", activity="A-course")["activity"] = "A-nope"; return d
@case("unknown-consumption-activity")
def _():
    d = m(); row(d, "consumption", activity="A-course")["activity"] = "A-nope"; return d
@case("unknown-consumption-resource")
def _():
    d = m(); row(d, "consumption", activity="A-course")["resource"] = "R-nope"; return d
@case("unknown-support-supplier")
def _():
    d = m(); row(d, "support", supplier="A-mgmt", consumer="A-course")["supplier"] = "A-nope"; return d
@case("unknown-support-consumer")
def _():
    d = m(); row(d, "support", supplier="A-mgmt", consumer="A-course")["consumer"] = "A-nope"; return d
@case("unknown-funding-activity")
def _():
    d = m(); row(d, "funding", partner="P-care")["activity"] = "A-nope"; return d
@case("unknown-funding-partner")
def _():
    d = m(); row(d, "funding", partner="P-care")["partner"] = "P-nope"; return d
@case("unknown-plan-goal")
def _():
    d = m(); row(d, "plan", activity="A-course")["goal"] = "G-nope"; return d
@case("unknown-plan-activity")
def _():
    d = m(); row(d, "plan", activity="A-course")["activity"] = "A-nope"; return d
@case("unknown-activity-partner")
def _():
    d = m(); row(d, "activities", id="A-course")["partner"] = "P-nope"; return d

@case("id-with-newline")
def _():
    # The unknown id contains a newline (written as \\n in the file): the message must stay on one
    # line.
    d = m(); row(d, "activities", id="A-course")["partner"] = "P-\nnope"; return d

# ---- duplicate ids and rows ------------------------------------------------------------------
@case("dup-goal-id")
def _():
    d = m(); d["goals"].append({"id": "G-home", "name": "again", "baseline": 0, "target": 1}); return d
@case("dup-activity-id")
def _():
    d = m(); d["activities"].append({"id": "A-course", "name": "again", "partner": "P-care"}); return d
@case("dup-resource-id")
def _():
    d = m(); d["resources"].append({"id": "R-mgr", "name": "again", "price": "1.00"}); return d
@case("dup-partner-id")
def _():
    d = m(); d["partners"].append({"id": "P-muni", "name": "again"}); return d
@case("dup-effects-row")
def _():
    d = m(); d["effects"].append({"goal": "G-home", "activity": "A-case", "per_unit": 0.5}); return d
@case("dup-consumption-row")
def _():
    d = m(); d["consumption"].append({"activity": "A-course", "resource": "R-cm", "per_unit": 1}); return d
@case("dup-support-row")
def _():
    d = m(); d["support"].append({"supplier": "A-mgmt", "consumer": "A-course", "per_unit": 0.1}); return d
@case("dup-funding-row")
def _():
    # Shares still sum to exactly 1, so only the duplicate (A-case, P-care) is wrong.
    d = m(); row(d, "funding", partner="P-care")["share"] = "0.50"
    d["funding"].append({"activity": "A-case", "partner": "P-care", "share": "0.25"}); return d
@case("dup-plan-row")
def _():
    d = m(); d["plan"].append({"goal": "G-carer", "activity": "A-course", "volume": 5}); return d

# ---- missing required fields -----------------------------------------------------------------
@case("missing-goal-id")
def _():
    d = m(); del row(d, "goals", id="G-carer")["id"]; return d
@case("missing-goal-target")
def _():
    d = m(); del row(d, "goals", id="G-carer")["target"]; return d
@case("missing-resource-price")
def _():
    d = m(); del row(d, "resources", id="R-mgr")["price"]; return d
@case("missing-plan-volume")
def _():
    d = m(); del row(d, "plan", activity="A-course")["volume"]; return d
@case("missing-effects-per-unit")
def _():
    d = m(); del row(d, "effects", activity="A-course")["per_unit"]; return d
@case("missing-consumption-per-unit")
def _():
    d = m(); del row(d, "consumption", activity="A-course")["per_unit"]; return d
@case("missing-support-per-unit")
def _():
    d = m(); del row(d, "support", supplier="A-ict", consumer="A-mgmt")["per_unit"]; return d
@case("missing-funding-share")
def _():
    d = m(); del row(d, "funding", partner="P-care")["share"]; return d
@case("missing-link-resource")
def _():
    d = m(); del row(d, "consumption", activity="A-course")["resource"]; return d
@case("missing-format")
def _():
    d = m(); del d["format"]; return d

# ---- wrong types, unknown keys ----------------------------------------------------------------
@case("string-for-number")
def _():
    d = m(); row(d, "goals", id="G-carer")["baseline"] = "50"; return d
@case("string-for-volume")
def _():
    d = m(); row(d, "plan", activity="A-course")["volume"] = "100"; return d
# Text edit, so that the number keeps its text 92.50.
cases["price-as-number"] = lambda: SMALL_TEXT.replace('"price": "92.50"', '"price": 92.50', 1)
@case("id-not-string")
def _():
    d = m(); row(d, "partners", id="P-care")["id"] = 7; return d
@case("table-not-array")
def _():
    d = m(); d["partners"] = {"P-muni": "Municipality"}; return d
@case("row-not-object")
def _():
    d = m(); d["goals"][1] = "G-carer"; return d
@case("unknown-key")
def _():
    d = m(); rename_key(d, "consumption", "consumtion"); return d
@case("unknown-key-in-row")
def _():
    d = m(); rename_key(row(d, "resources", id="R-mgr"), "price", "prize"); return d
@case("unknown-key-in-link-row")
def _():
    d = m(); rename_key(row(d, "consumption", activity="A-course"), "per_unit", "per_unti"); return d

# ---- numbers out of range ---------------------------------------------------------------------
@case("negative-price")
def _():
    d = m(); row(d, "resources", id="R-mgr")["price"] = "-5.00"; return d
@case("negative-volume")
def _():
    d = m(); row(d, "plan", activity="A-course")["volume"] = -5; return d
@case("negative-consumption")
def _():
    d = m(); row(d, "consumption", activity="A-course")["per_unit"] = -4; return d
@case("negative-support")
def _():
    d = m(); row(d, "support", supplier="A-mgmt", consumer="A-course")["per_unit"] = -0.5; return d
@case("negative-share")
def _():
    d = m(); row(d, "funding", partner="P-muni")["share"] = "-0.25"; return d
@case("negative-min")
def _():
    d = m(); row(d, "activities", id="A-course")["min"] = -1; return d
@case("negative-weight")
def _():
    d = m(); row(d, "goals", id="G-carer")["weight"] = -2; return d
@case("negative-available")
def _():
    d = m(); row(d, "resources", id="R-mgr")["available"] = -1; return d
for name, text in [("comma", "7,50"), ("exponent", "1e3"), ("trailing-point", "5."),
                   ("leading-point", ".5"), ("leading-space", " 5"), ("letters", "abc"),
                   ("empty", ""), ("plus-sign", "+5.00"), ("two-points", "5.0.0")]:
    def mk(text=text):
        d = m(); row(d, "resources", id="R-mgr")["price"] = text; return d
    cases[f"decimal-{name}"] = mk
@case("share-malformed")
def _():
    d = m(); row(d, "funding", partner="P-care")["share"] = "75%"; return d
@case("price-40-digits")
def _():
    d = m(); row(d, "resources", id="R-mgr")["price"] = "1234567890" * 4; return d
@case("min-above-max")
def _():
    d = m(); row(d, "activities", id="A-case")["min"] = 600; return d

# ---- funding ----------------------------------------------------------------------------------
@case("shares-sum-0.99")
def _():
    d = m(); row(d, "funding", partner="P-care")["share"] = "0.74"; return d
@case("shares-sum-1.01")
def _():
    d = m(); row(d, "funding", partner="P-care")["share"] = "0.760"; return d
@case("share-above-1")
def _():
    d = m(); d["funding"].append({"activity": "A-course", "partner": "P-muni", "share": "1.5"}); return d
@case("nobody-pays")
def _():
    d = m(); del row(d, "activities", id="A-course")["partner"]; return d

# ---- support loops ----------------------------------------------------------------------------
@case("loop-mutual")
def _():
    d = m()
    row(d, "support", supplier="A-mgmt", consumer="A-ict")["per_unit"] = 1.0
    row(d, "support", supplier="A-ict", consumer="A-mgmt")["per_unit"] = 1.5
    return d
@case("loop-self")
def _():
    # A-case feeds itself; the mild A-mgmt <-> A-ict loop stays and must not be named.
    d = m(); d["support"].append({"supplier": "A-case", "consumer": "A-case", "per_unit": 1.0}); return d
@case("loop-three")
def _():
    # A-case -> A-course -> A-ict -> A-case with product 2 * 2 * 0.25 = 1. A-mgmt still supplies
    # all three but is outside the loop (nobody supplies A-mgmt) and must not be named.
    d = m()
    d["support"] = [r for r in d["support"] if not (r["supplier"] == "A-ict" and r["consumer"] == "A-mgmt")]
    d["support"] += [{"supplier": "A-case", "consumer": "A-course", "per_unit": 2},
                     {"supplier": "A-course", "consumer": "A-ict", "per_unit": 2}]
    return d
@case("loop-three-strong")
def _():
    d = m()
    d["support"] = [r for r in d["support"] if not (r["supplier"] == "A-ict" and r["consumer"] == "A-mgmt")]
    d["support"] += [{"supplier": "A-case", "consumer": "A-course", "per_unit": 2},
                     {"supplier": "A-course", "consumer": "A-ict", "per_unit": 3}]
    return d

# ---- the numeric range policy (docs/errors.md) --------------------------------------------------
@case("price-beyond-range")
def _():
    d = m(); row(d, "resources", id="R-mgr")["price"] = "99999999999999999999.99"; return d
@case("coefficient-beyond-range")
def _():
    d = m(); row(d, "consumption", activity="A-mgmt")["per_unit"] = 1e300; return d
@case("coefficient-tiny")
def _():
    d = m(); row(d, "effects", goal="G-home", activity="A-case")["per_unit"] = 5e-324; return d
@case("volume-beyond-range")
def _():
    d = m(); row(d, "plan", activity="A-course")["volume"] = 1e300; return d
@case("target-beyond-range")
def _():
    d = m(); row(d, "goals", id="G-home")["target"] = -1e308; return d
@case("weight-beyond-range")
def _():
    d = m(); row(d, "goals", id="G-carer")["weight"] = 1e7; return d
@case("frame-budget-beyond-range")
def _():
    d = m(); d["frame"] = {"budget": "90071992547409.92"}; return d

# ---- amounts that overflow --------------------------------------------------------------------
@case("amount-overflow")
def _():
    # The largest price and the largest volume the range admits: the amount overflows.
    d = m()
    row(d, "resources", id="R-mgr")["price"] = "90071992547409.91"
    row(d, "plan", activity="A-course")["volume"] = 1e12
    return d

@case("support-amplification")
def _():
    # A chain A-case <- A-s1 <- A-s2 <- A-s3, each link supplying 1e9 units per unit served: every number
    # in range, but one unit of A-s1 needs 1e18 units of A-s3, beyond the amplification the
    # support solver trusts (1e12).
    d = m()
    consumer = "A-case"
    for k in (1, 2, 3):
        sid = f"A-s{k}"
        d["activities"].append({"id": sid, "name": f"Support {k}", "unit": "hour", "partner": "P-muni"})
        d["support"].append({"supplier": sid, "consumer": consumer, "per_unit": 1e9})
        consumer = sid
    return d

# ---- model header -----------------------------------------------------------------------------
@case("unsupported-format")
def _():
    d = m(); d["format"] = "zbb-model/2"; return d
@case("unknown-currency")
def _():
    d = m(); d["currency"] = "XYZ"; return d
@case("currency-not-iso")
def _():
    d = m(); d["currency"] = "euro"; return d
@case("minor-units-out-of-range")
def _():
    d = m(); d["currency"] = "XYZ"; d["minor_units"] = 7; return d

# Valid: brackets inside strings (also after an escaped quote) are not nesting.
ok = m()
ok["description"] = 'Brackets in text: \\"' + "[" * 100 + "{" * 100 + ' and "quotes"'
row(ok, "goals", id="G-home")["name"] = "]]]}}} closing brackets first " + "[" * 40
with open(os.path.join(MODELS, "ok-brackets-in-strings.json"), "w") as out:
    out.write(dump(ok))

for name, f in cases.items():
    v = f()
    if isinstance(v, dict):
        v = dump(v)
    assert v != SMALL_TEXT, name
    with open(os.path.join(MODELS, f"bad-{name}.json"), "w") as out:
        out.write(v)
print(len(cases), "files")
