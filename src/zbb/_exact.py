"""Exact decimals: prices and funding shares as text, amounts as Decimal.

Prices and shares are exact decimals in zbb. From Python they may be given as
``str`` (``"78.40"``), ``decimal.Decimal`` or ``int``; these convert without
loss. A ``float`` has already been rounded to binary, so it is refused unless
the caller passes ``allow_float_prices=True``; then it is converted through its
shortest round-trip text, ``repr(x)`` (``78.4`` becomes ``"78.4"``, not
``"78.400000000000005684..."``), and that decimal is used exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from decimal import Decimal
from numbers import Integral
from typing import Any

import numpy as np

from ._errors import ModelError

__all__ = ["AMOUNT_HINT", "decimal_text", "decimal_texts", "minor_to_decimal", "time_limit_seconds"]

_FLOAT_HINT = (
    'a float price or share has already been rounded to binary; give it as text ("78.40") or '
    "decimal.Decimal, or pass allow_float_prices=True to convert floats through repr()"
)

#: The hint for a float money amount given as an option (a budget, a cap), where floats are never allowed.
AMOUNT_HINT = (
    'a float amount has already been rounded to binary; give it as text ("1250000.00"), decimal.Decimal or int'
)


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def decimal_text(
    value: Any,
    *,
    entity: str,
    id: str,
    field: str,
    allow_float: bool = False,  # noqa: A002
    float_hint: str = _FLOAT_HINT,
) -> str | None:
    """The exact decimal text of one price or share (``None`` when missing).

    The text is checked by the C++ core (digits with an optional point); this
    only turns Python values into text without losing digits.
    """
    if isinstance(value, str):
        return value
    if _is_missing(value):
        return None
    if isinstance(value, bool) or isinstance(value, np.bool_):
        raise ModelError(
            f"{_where(entity, id, field)}must be a decimal, not a boolean", entity=entity, id=id, field=field
        )
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ModelError(
                f"{_where(entity, id, field)}must be a finite decimal (got {value})", entity=entity, id=id, field=field
            )
        return format(value, "f")
    if isinstance(value, Integral):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        if not allow_float:
            raise ModelError(
                f"{_where(entity, id, field)}got float {float(value)!r}; {float_hint}",
                entity=entity,
                id=id,
                field=field,
            )
        if not math.isfinite(value):
            raise ModelError(
                f"{_where(entity, id, field)}must be finite (got {float(value)!r})", entity=entity, id=id, field=field
            )
        return format(Decimal(repr(float(value))), "f")
    raise ModelError(
        f"{_where(entity, id, field)}must be a decimal given as str, Decimal or int (got {type(value).__name__})",
        entity=entity,
        id=id,
        field=field,
    )


def decimal_texts(
    values: Iterable[Any],
    *,
    where: Callable[[int], tuple[str, str]],
    field: str,
    allow_float: bool = False,
) -> np.ndarray:
    """Decimal texts of a whole price or share column, as a numpy object array.

    ``where(i)`` gives the (entity, id) naming row ``i`` in errors. Missing
    cells become ``None`` (the core then reports the missing field).
    """
    values = list(values)
    if all(type(v) is str for v in values):  # the common case: already exact text
        return np.asarray(values, dtype=object) if values else np.empty(0, dtype=object)
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        kind = type(v)
        if kind is str:
            out[i] = v
        elif kind is Decimal and v.is_finite():  # as to_dataframes() gives them
            out[i] = format(v, "f")
        else:  # the row is named only here, where an error may need it
            entity, ident = where(i)
            out[i] = decimal_text(v, entity=entity, id=ident, field=field, allow_float=allow_float)
    return out


def minor_to_decimal(minor: int, digits: int) -> Decimal:
    """The exact Decimal of an amount in minor units: ``12345, 2 -> Decimal("123.45")``."""
    return Decimal(f"{int(minor)}e-{digits}") if digits else Decimal(int(minor))


def _where(entity: str, id: str, field: str) -> str:  # noqa: A002
    out = entity
    if id:
        out += f" '{id}'" if out else f"'{id}'"
    if field:
        out += f", field '{field}'" if out else f"field '{field}'"
    return out + ": " if out else ""


def time_limit_seconds(value: Any) -> float:
    """A solver's ``time_limit`` option as the core takes it: seconds (a positive, finite number), 0.0 for None
    (no limit); anything else is a :class:`zbb.ModelError` naming the option."""
    if value is None:
        return 0.0
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, np.number)):
        raise ModelError("option, field 'time_limit': must be a number of seconds", entity="option", field="time_limit")
    seconds = float(value)
    if not seconds > 0 or seconds == float("inf"):
        raise ModelError(
            "option, field 'time_limit': must be a positive, finite number of seconds (or None)",
            entity="option",
            field="time_limit",
        )
    return seconds
