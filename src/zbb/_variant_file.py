"""Variant files (``zbb-variant/1``): a named, ordered list of changes to a model, read and checked by
the C++ reader (docs/variants.md). Below the model in the import graph: applying a variant makes a
model of the class it was given."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import _core

if TYPE_CHECKING:
    from ._model import Model

__all__ = ["Variant", "_as_variant", "read_variant"]


class Variant:
    """A variant of a model (``zbb-variant/1``): a name, a description and an ordered list of changes.

    Made by :func:`read_variant` (or ``Variant(text, source)`` from the file's text). Calling it
    on a model, ``variant(model)``, returns the changed model; so a ``Variant`` can be given to
    :func:`zbb.compute_variants` like any function ``Model -> Model``. It pickles as its file's
    text (for process pools and Dask).
    """

    def __init__(self, text: str | bytes, source: str = "variant") -> None:
        self._text = text
        self._source = source
        self._core = _core.read_variant_text(text, source)

    @property
    def name(self) -> str:
        """The variant's name (the column it gets in a comparison)."""
        return str(self._core.name)

    @property
    def __name__(self) -> str:  # named like a function, so compute_variants names it
        return self.name

    @property
    def description(self) -> str:
        """The variant's description ("" when the file has none)."""
        return str(self._core.description)

    @property
    def changes(self) -> pd.DataFrame:
        """The changes in file order: ``set`` ("goal.target", ...), ``keys`` (dict of the row's key
        fields) and ``value`` (None, a float, or the exact decimal text of a price, share or amount)."""
        c = self._core.changes()
        return pd.DataFrame({"set": c["set"], "keys": c["keys"], "value": c["value"]}, dtype=object)

    def __call__(self, model: Model) -> Model:
        """The model with this variant's changes applied (``zbb::apply_variant``)."""
        if not isinstance(getattr(model, "_core", None), _core.Model):
            raise TypeError("a variant applies to a zbb.Model")
        return type(model)(_core.apply_variant(model._core, self._core))

    apply = __call__

    def __reduce__(self) -> tuple[Any, ...]:
        return (Variant, (self._text, self._source))

    def __repr__(self) -> str:
        return f"<zbb.Variant {self.name!r}: {len(self.changes)} change(s)>"


def read_variant(path: str | os.PathLike[str]) -> Variant:
    """Read a variant file (``zbb-variant/1``, docs/variants.md).

    Raises
    ------
    ModelError
        For a file that cannot be read or is not a valid variant file; the message names the file
        or the variant and the change's position (``variant 'NAME', changes[K] (goal.target): ...``).
    """
    p = os.fspath(path)
    try:
        data = Path(p).read_bytes()
    except OSError:
        _core.read_variant_file(p)  # the core's own ModelError naming the file
        raise
    return Variant(data, p)


def _as_variant(item: Variant | str | os.PathLike[str]) -> Variant:
    if isinstance(item, Variant):
        return item
    if isinstance(item, (str, os.PathLike)):
        return read_variant(item)
    raise TypeError(f"a variant is a zbb.Variant or the path of a variant file, not {type(item).__name__}")
