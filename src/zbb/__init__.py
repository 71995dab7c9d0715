"""zbb: zero-based budgeting on linked sparse matrices, for analysts.

Build a model from a JSON file, a workbook, plain Python objects or pandas
DataFrames; compute its bottom-up budget with exact money (the same numbers
as the ``zbb`` command-line tool, to the cent); compare scenarios; plot where
the money goes.

>>> import zbb
>>> model = zbb.read_json("examples/dementia-friendly.json")  # doctest: +SKIP
>>> budget = model.budget()                                   # doctest: +SKIP
>>> budget.total                                              # doctest: +SKIP
Decimal('...')
"""

from __future__ import annotations

try:
    from . import _core
except ImportError as e:
    import importlib.util

    if importlib.util.find_spec(f"{__name__}._core") is not None:
        raise  # the extension is there but cannot load: the loader's own message says why
    raise ImportError(
        "zbb's compiled extension zbb._core is missing. Did you forget to compile? "
        "Install the package with `pip install .` from the repository root."
    ) from e
# "Forget to compile" only when the extension is missing; an extension that exists but cannot load
# (a missing shared library such as COIN-OR's, an ABI mismatch) passes the loader's error.

from ._bbv import BBV
from ._budget import Budget, compare
from ._compare import Variant, VariantComparison, compare_variants, read_variant
from ._errors import InfeasibleError, ModelError, MoneyOverflowError, SupportLoopError, ZbbError
from ._model import Model, from_dataframes, from_dict, read_excel, read_json
from ._optimize import OBJECTIVES, OptimizationResult
from ._packages import PackagesResult
from ._prior import PriorBudget, PriorComparison, read_prior
from ._simulate import DISTRIBUTIONS, RobustPlan, Simulation, robust_least_cost, simulate
from ._tables import TABLES as _TABLES
from ._variants import compute_variants
from ._years import MultiYearBudget

__version__: str = _core.version

#: The rounding modes accepted by ``Model.budget(rounding=...)``.
ROUNDING_MODES: tuple[str, ...] = tuple(_core.rounding_modes)

#: The tables of a model and their columns (as in the JSON format).
TABLE_COLUMNS: dict[str, list[str]] = {name: table.columns for name, table in _TABLES.items()}

__all__ = [
    "DISTRIBUTIONS",
    "OBJECTIVES",
    "ROUNDING_MODES",
    "TABLE_COLUMNS",
    "BBV",
    "Budget",
    "InfeasibleError",
    "Model",
    "ModelError",
    "MoneyOverflowError",
    "MultiYearBudget",
    "OptimizationResult",
    "PackagesResult",
    "PriorBudget",
    "PriorComparison",
    "RobustPlan",
    "Simulation",
    "SupportLoopError",
    "Variant",
    "VariantComparison",
    "ZbbError",
    "__version__",
    "compare",
    "compare_variants",
    "compute_variants",
    "from_dataframes",
    "from_dict",
    "read_excel",
    "read_json",
    "read_prior",
    "read_variant",
    "robust_least_cost",
    "simulate",
]
