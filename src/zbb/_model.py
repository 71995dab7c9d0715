"""The Model class: a validated zbb model, built from JSON, plain Python objects or DataFrames."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _core
from ._bbv import BBV
from ._budget import Budget
from ._errors import ModelError
from ._exact import decimal_text
from ._excel import read_workbook, write_model_excel
from ._html import model_html
from ._optimize import OptimizationResult, optimize
from ._packages import PackagesResult, rank_packages
from ._simulate import Simulation, simulate
from ._tables import TABLES, YEARS_TABLES, columns_to_frame, frame_to_columns
from ._years import MultiYearBudget

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from scipy import sparse


# The model is the top of the package's import graph: it builds the results (each gets the model at
# construction) and hands itself to the writers, none of which imports this module back
# (tests/python/test_import_graph.py).
__all__ = ["Model", "from_dataframes", "from_dict", "read_excel", "read_json"]

PathLike = str | os.PathLike[str]
TABLE_NAMES: tuple[str, ...] = tuple(TABLES)


class Model:
    """A validated zbb model: goals, activities, resources, partners and the link tables.

    A Model is immutable and always valid: every constructor checks it
    completely (ids, references, numbers, exact prices and shares, funding
    shares summing to exactly 1, support loops) and raises
    :class:`zbb.ModelError` (or a subclass) naming the entity id and field.
    Scenario helpers (:meth:`with_target`, :meth:`with_weight`,
    :meth:`with_price`, :meth:`with_available`, :meth:`with_bounds`,
    :meth:`with_plan_volume`, :meth:`with_plan`, :meth:`with_shares`,
    :meth:`with_frame`) return changed copies that share the rest.

    Build one with :func:`zbb.read_json`, :func:`zbb.read_excel`,
    :meth:`Model.from_dict` or :meth:`Model.from_dataframes`.
    """

    __slots__ = ("_core",)

    def __init__(self, core: _core.Model) -> None:
        if not isinstance(core, _core.Model):
            raise TypeError("use zbb.read_json, zbb.read_excel, Model.from_dict or Model.from_dataframes")
        self._core = core

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_json(cls, path: PathLike) -> Model:
        """Read a zbb-model/1 JSON file (same reader as the CLI). See :func:`zbb.read_json`."""
        return cls(_core.read_json_file(os.fspath(path)))

    @classmethod
    def from_json_text(cls, text: str, *, source: str = "model") -> Model:
        """Parse a zbb-model/1 JSON document given as text; ``source`` names it in errors."""
        return cls(_core.read_json_text(text, source))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, allow_float_prices: bool = False) -> Model:
        """Build a model from plain Python objects shaped like the JSON format.

        Parameters
        ----------
        data : mapping
            ``{"format": "zbb-model/1", "name": ..., "currency": "EUR",
            "goals": [{"id": ..., "baseline": ..., "target": ...}, ...], ...}``
            as :meth:`to_dict` returns it. ``"format"`` defaults to
            ``"zbb-model/1"``. Numbers may be ``int``, ``float`` or ``Decimal``.
        allow_float_prices : bool, default False
            Prices and shares must be exact (``str``, ``Decimal`` or ``int``);
            a ``float`` is refused with :class:`zbb.ModelError` unless this is
            True, in which case it is converted through ``repr()``.

        Returns
        -------
        Model
        """
        if not isinstance(data, Mapping):
            raise ModelError("model: must be a mapping (dict) shaped like the JSON format", entity="model")
        doc = {"format": "zbb-model/1", **data}
        doc = _json_ready(doc, allow_float_prices=allow_float_prices)
        return cls.from_json_text(json.dumps(doc, allow_nan=False), source="dict")

    @classmethod
    def from_dataframes(
        cls,
        tables: Mapping[str, Any] | None = None,
        *,
        goals: Any = None,
        activities: Any = None,
        resources: Any = None,
        partners: Any = None,
        areas: Any = None,
        programmes: Any = None,
        effects: Any = None,
        consumption: Any = None,
        support: Any = None,
        funding: Any = None,
        plan: Any = None,
        levels: Any = None,
        packages: Any = None,
        package_volumes: Any = None,
        name: str = "",
        description: str = "",
        currency: str = "EUR",
        minor_units: int | None = None,
        frame: Mapping[str, Any] | None = None,
        years: Mapping[str, Any] | None = None,
        allow_float_prices: bool = False,
    ) -> Model:
        """Build a model from one DataFrame per table (long format).

        Columns are named as the keys of the JSON format (see
        :data:`zbb.TABLE_COLUMNS`); entity tables may also carry their ``id``
        as the index. Optional columns may be left out; missing cells (NaN,
        None) are unset. The whole columns go to the C++ core in one call and
        the model is validated and linked without holding the GIL, so a
        million link rows take a fraction of a second.

        Parameters
        ----------
        tables : mapping of str to DataFrame, optional
            ``{"goals": df, ...}``, as :meth:`to_dataframes` returns it. Tables
            given as keywords are added to (and override) it. A table may also be
            a dict of columns or a list of row dicts.
        goals, activities, resources, partners, areas, effects, consumption, support, funding, plan : DataFrame
            The tables. Any may be omitted (an empty table). ``areas`` (``id``, ``name``,
            ``parent``) and the ``area`` columns of goals, activities and plan are optional
            (docs/areas.md). ``programmes`` (``id``, ``name``), the goals' ``programme``, the
            activities' ``taakveld`` and the resources' ``economic_category`` are optional
            (docs/bbv.md).
        levels, packages, package_volumes : DataFrame, optional
            The parts the JSON format nests, in long format: activity levels
            (``activity``, ``up_to``, ``effect``; an activity's levels in
            order, ``effect`` exact like prices), decision packages (``unit``,
            ``level``, ``name``, ``priority``) and their volumes (``unit``,
            ``level``, ``activity``, ``volume``). Omitted or empty: none.
        name, description : str
            The model's name and description.
        currency : str, default "EUR"
            ISO 4217 code.
        minor_units : int, optional
            Decimals of the currency's minor unit (required for codes zbb does
            not know).
        frame : mapping, optional
            The financial frame as in the JSON format, e.g. ``{"budget":
            "1250000.00", "partner_caps": [{"partner": "P-muni", "cap":
            "800000.00"}]}`` (see :attr:`frame`).
        years : mapping, optional
            The multi-year estimate as in the JSON format (see :attr:`years`,
            docs/years.md): ``{"budget_year": 2027, "last_year": 2030,
            "index_series": ..., "indexation": ..., "volumes": ...}``, each of the
            three a DataFrame or a list of row dicts (``factor`` exact like prices).
        allow_float_prices : bool, default False
            Accept float prices, shares, level effects (and frame amounts), converted
            through ``repr()``; by default they are refused with
            :class:`zbb.ModelError`.

        Returns
        -------
        Model
        """
        given: dict[str, Any] = dict(tables or {})
        keywords = {
            "goals": goals,
            "activities": activities,
            "resources": resources,
            "partners": partners,
            "areas": areas,
            "programmes": programmes,
            "effects": effects,
            "consumption": consumption,
            "support": support,
            "funding": funding,
            "plan": plan,
            "levels": levels,
            "packages": packages,
            "package_volumes": package_volumes,
        }
        given.update({k: v for k, v in keywords.items() if v is not None})
        columns: dict[str, Any] = {}
        for table, data in given.items():
            if table in YEARS_TABLES:
                raise ModelError(
                    f"model, field '{table}': a table of the multi-year estimate; give it in years={{...}} "
                    f"(docs/years.md)",
                    entity="model",
                    field=str(table),
                )
            if table not in TABLES:
                raise ModelError(
                    f"model, field '{table}': unknown table; expected {', '.join(TABLE_NAMES)}",
                    entity="model",
                    field=str(table),
                )
            if data is None:
                continue
            columns[table] = frame_to_columns(data, table, allow_float_prices=allow_float_prices)
        if frame is not None:
            columns.update(_frame_columns(frame, allow_float_prices=allow_float_prices))
        if years is not None:
            columns.update(_years_columns(years, allow_float_prices=allow_float_prices))
        header = {
            "format": "zbb-model/1",
            "name": name,
            "description": description,
            "currency": currency,
            "minor_units": minor_units,
        }
        return cls(_core.build_model(columns, header))

    # ------------------------------------------------------------------ header
    @property
    def name(self) -> str:
        """The model's name."""
        return self._core.name

    @property
    def description(self) -> str:
        """The model's description."""
        return self._core.description

    @property
    def currency(self) -> str:
        """ISO 4217 code of the model's currency."""
        return self._core.currency

    @property
    def minor_units(self) -> int | None:
        """The ``minor_units`` field of the model (None when the currency table decides)."""
        return self._core.minor_units

    @property
    def minor_digits(self) -> int:
        """Decimals of the currency's minor unit in effect (2 for EUR)."""
        return self._core.minor_digits

    @property
    def goal_ids(self) -> list[str]:
        """Goal ids in model order."""
        return self._core.goal_ids

    @property
    def activity_ids(self) -> list[str]:
        """Activity ids in model order."""
        return self._core.activity_ids

    @property
    def resource_ids(self) -> list[str]:
        """Resource ids in model order."""
        return self._core.resource_ids

    @property
    def partner_ids(self) -> list[str]:
        """Partner ids in model order."""
        return self._core.partner_ids

    @property
    def frame(self) -> dict[str, Any] | None:
        """The financial frame (budget cap, caps per partner and per area) as in the JSON format, or None.

        Amounts are exact decimal text: ``{"budget": "1250000.00", "partner_caps":
        [{"partner": "P-muni", "cap": "800000.00"}]}``; ``"area_caps"`` (``area``,
        ``cap``) when the frame has them. The bottom-up budget does
        not use it; the optimiser does.
        """
        frame: dict[str, Any] | None = self._core.frame()
        return frame

    @property
    def years(self) -> dict[str, Any] | None:
        """The multi-year estimate as in the JSON format, or None (docs/years.md).

        ``{"budget_year": 2027, "last_year": 2030, "index_series": [{"series": "cao-wages",
        "year": 2028, "factor": "1.035"}, ...], "indexation": [{"category": "staff", "series":
        "cao-wages"}, ...], "volumes": [{"goal": ..., "activity": ..., "year": 2029, "volume":
        ...}, ...]}``, and for the sluitend check ``"municipality"``, ``"income"`` (``id``, ``year``,
        ``kind``, ``amount``, ``nature``) and ``"incidental"`` (``activity``); factors and amounts
        are exact decimal text, the lists only when they have rows.
        """
        years: dict[str, Any] | None = self._core.years()
        return years

    @property
    def has_years(self) -> bool:
        """True when the model has a multi-year estimate (``years``)."""
        return self._core.years() is not None

    @property
    def estimate_years(self) -> list[int]:
        """The years of the estimate, the budget year first; empty without ``years``."""
        return list(_core.estimate_years(self._core))

    @property
    def has_bbv(self) -> bool:
        """True when the model books on taakvelden (some activity has a ``taakveld`` or some
        resource an ``economic_category``): :meth:`bbv` gives its BBV view (docs/bbv.md)."""
        return bool(self._core.has_bbv)

    @property
    def has_programmes(self) -> bool:
        """True when the model has programmes (a non-empty ``programmes`` table; docs/bbv.md)."""
        return bool(self._core.has_programmes)

    @property
    def has_areas(self) -> bool:
        """True when the model has areas (a non-empty ``areas`` table): budgets then have ``by_area``."""
        return self._core.has_areas

    @property
    def area_ids(self) -> list[str]:
        """The keys of ``Budget.by_area``: the area ids in model order, then ``"(no area)"`` when
        some activity and some goal both lack an area; empty without areas."""
        return self._core.area_keys

    @property
    def categories(self) -> list[str]:
        """Cost categories in order of first appearance among the resources."""
        return self._core.categories

    # ------------------------------------------------------------------ output
    def to_json(self, path: PathLike | None = None, *, indent: int = 2) -> str | None:
        """Write the model as zbb-model/1 JSON (lossless; same writer as the C++ library).

        Parameters
        ----------
        path : str or path-like, optional
            File to write. When omitted the JSON text is returned.
        indent : int, default 2
            Indentation of the JSON text.

        Returns
        -------
        str or None
            The text when ``path`` is None.
        """
        text: str = self._core.to_json(indent)
        if path is None:
            return text
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        return None

    def to_dict(self) -> dict[str, Any]:
        """The model as plain Python objects shaped like the JSON format.

        Prices and shares are ``str`` (their exact text), other numbers ``int``
        or ``float`` (each reads back to the same double).
        """
        out: dict[str, Any] = json.loads(self._core.to_json(-1))
        return out

    def table(self, name: str) -> pd.DataFrame:
        """One table as a DataFrame (columns as in the JSON format; prices, shares and level effects as Decimal).

        ``name`` is one of :data:`zbb.TABLE_COLUMNS`: the ten tables of the JSON
        format, or ``"levels"``, ``"packages"``, ``"package_volumes"`` (the
        activities' levels, the decision packages and their volumes, which the
        JSON format nests; package ``level`` is int64), or one of the multi-year
        estimate's ``"index_series"``, ``"indexation"``, ``"year_volumes"``, ``"income"``,
        ``"incidental"`` (empty without ``years``; ``year`` is int64, ``factor`` and
        ``amount`` Decimal).
        """
        if name not in TABLES and name not in YEARS_TABLES:
            raise ModelError(
                f"model, field '{name}': unknown table; expected {', '.join(TABLE_NAMES + tuple(YEARS_TABLES))}",
                entity="model",
                field=str(name),
            )
        return columns_to_frame(self._core.table(name), name)

    def to_dataframes(self) -> dict[str, pd.DataFrame]:
        """All tables as DataFrames: the ten of the JSON format, then levels, packages, package_volumes.

        ``Model.from_dataframes(m.to_dataframes(), name=m.name, currency=m.currency,
        minor_units=m.minor_units, description=m.description, frame=m.frame, years=m.years)``
        gives the same model back.
        """
        return {name: columns_to_frame(self._core.table(name), name) for name in TABLE_NAMES}

    def to_excel(self, path: PathLike) -> None:
        """Write the model to an Excel workbook, one sheet per table. See :func:`zbb.read_excel`."""
        write_model_excel(self, path)

    def matrix(self, name: str) -> sparse.csc_array:
        """One linked matrix as a read-only scipy sparse array (shares memory with the model).

        Parameters
        ----------
        name : {"effects", "consumption", "support", "funding", "plan"}
            effects E (goal x activity), consumption C (resource x activity),
            support S (activity x activity, ``S[s, a]`` units of supplier s per
            unit of a), funding shares F (partner x activity), plan D
            (activity x goal).
        """
        from scipy import sparse

        data, indices, indptr, shape = self._core.matrix(name)
        return sparse.csc_array((data, indices, indptr), shape=shape, copy=False)

    # ------------------------------------------------------------------ budgets and scenarios
    def budget(self, *, rounding: str = "half-even", plan: Any = None) -> Budget:
        """Compute the bottom-up budget (the same computation and numbers as ``zbb budget``).

        Parameters
        ----------
        rounding : str, default "half-even"
            How the total becomes whole minor units: ``"half-even"``,
            ``"half-up"``, ``"half-down"``, ``"toward-zero"``,
            ``"away-from-zero"``, ``"floor"`` or ``"ceiling"``. Breakdowns are
            then split from the total by largest remainder, so they always sum
            to it exactly.
        plan : DataFrame or list of dict, optional
            An alternative plan (columns ``goal``, ``activity``, ``volume``) to
            budget on this model instead of its own plan.

        Returns
        -------
        Budget
        """
        columns = None if plan is None else frame_to_columns(plan, "plan")
        return Budget(_core.compute_budget(self._core, rounding=rounding, plan=columns), self)

    def for_year(self, year: int) -> Model:
        """The model of one year of the multi-year estimate: the resources' prices indexed to
        ``year`` (exact decimal products of the series' factors) and that year's plan volumes,
        without ``years``. Its :meth:`budget` is that year's budget (docs/years.md)."""
        return Model(_core.year_model(self._core, int(year)))

    def multi_year_budget(self, *, rounding: str = "half-even") -> MultiYearBudget:
        """The budget of every year of the multi-year estimate (the same numbers as ``zbb budget
        MODEL --by year``); see :class:`zbb.MultiYearBudget`.

        Parameters
        ----------
        rounding : str, default "half-even"
            As in :meth:`budget`: how each year's total becomes whole minor units.

        Raises
        ------
        ModelError
            For a model without ``years`` (entity ``"years"``).
        MoneyOverflowError
            For an indexed price of 2^53 minor units or more (naming the resource and year).
        """
        if not self.has_years:
            raise ModelError(
                "years: the model has no multi-year estimate (give years=...; docs/years.md)", entity="years"
            )
        budgets = {}
        for year in self.estimate_years:
            one = self.for_year(year)
            budgets[year] = one.budget(rounding=rounding)
        return MultiYearBudget(self, budgets, rounding)

    def bbv(self, *, rounding: str = "half-even") -> BBV:
        """The BBV view of the budget over every year of the estimate (the same numbers as ``zbb
        bbv MODEL``): taakvelden, Iv3 economic categories, overhead on 0.4 and the reconciliation
        with the goal view; see :class:`zbb.BBV` and docs/bbv.md.

        Raises
        ------
        ModelError
            For a model that books on no taakveld (entity ``"model"``, field ``"taakveld"``).
        """
        return BBV(self, rounding)

    def least_cost(self, *, rounding: str = "half-even", time_limit: float | None = None) -> OptimizationResult:
        """The least-cost plan: volumes within every bound and capacity that reach every target at the lowest cost.

        The same solve as ``zbb optimize`` (``zbb::least_cost``), run without
        the GIL. The outcome is data: check ``result.status`` or call
        ``result.raise_for_status()``.

        Parameters
        ----------
        rounding : str, default "half-even"
            Rounding of the plan's budget total (see :data:`zbb.ROUNDING_MODES`).
        time_limit : float, optional
            Seconds per linear programme; reaching it gives status ``"time_limit"``.

        Returns
        -------
        OptimizationResult
            ``status`` ``"optimal"`` with the plan's :class:`zbb.Budget`, marginal
            cost per goal and binding limits; or ``"infeasible"`` with an
            explanation naming the goals that cannot be reached.

        Raises
        ------
        ModelError
            For misuse only: a model without goals, an unknown rounding mode, a
            time limit that is not a positive number.
        """
        return optimize(self, "least-cost", rounding=rounding, time_limit=time_limit)

    def simulate(
        self,
        *,
        draws: int = 1000,
        seed: int = 0,
        variants: Iterable[Any] = (),
        executor: Executor | None = None,
        distribution: str = "triangular",
        rounding: str = "half-even",
        chunksize: int | None = None,
        threads: int = 0,
        progress: bool | None = None,
    ) -> Simulation:
        """Monte Carlo over the model's ranges with its variants (``zbb simulate``); see :func:`zbb.simulate`.

        ``simulate(draws=10000, seed=1, variants=[...]).report_json()`` equals the output of
        ``zbb simulate MODEL VARIANT... --draws 10000 --seed 1 --json``.
        """
        return simulate(
            self,
            draws=draws,
            seed=seed,
            variants=variants,
            executor=executor,
            distribution=distribution,
            rounding=rounding,
            chunksize=chunksize,
            threads=threads,
            progress=progress,
        )

    def max_effect(
        self,
        *,
        budget: Decimal | str | int | None = None,
        partner_caps: Mapping[str, Decimal | str | int] | None = None,
        area_caps: Mapping[str, Decimal | str | int] | None = None,
        rounding: str = "half-even",
        time_limit: float | None = None,
    ) -> OptimizationResult:
        """The best plan within a financial frame: maximise the weighted attainment of the goals.

        Among the plans with the best weighted attainment the cheapest is
        returned (``zbb::max_effect``, as ``zbb optimize --objective
        max-effect``), solved without the GIL.

        Parameters
        ----------
        budget : Decimal, str or int, optional
            The budget cap, exact (a float is refused). Default: the model's
            ``frame.budget``; one of them is required.
        partner_caps : mapping of partner id to Decimal, str or int, optional
            Caps per partner, e.g. ``{"P-muni": "800000.00"}``; replace the
            model's ``frame.partner_caps``.
        area_caps : mapping of area id to Decimal, str or int, optional
            Caps per area, its sub-areas included (a grant budget per district),
            e.g. ``{"D-warnsveld": "60000.00"}``; replace the model's
            ``frame.area_caps``. An area's cost is the full cost (support
            included) of the activities whose own area lies in it (docs/areas.md).
        rounding : str, default "half-even"
            Rounding of the plan's budget total.
        time_limit : float, optional
            Seconds per linear programme.

        Returns
        -------
        OptimizationResult
            With ``attainment`` per goal, ``weighted_attainment`` and
            ``marginal_effect_per_currency_unit``.

        Raises
        ------
        ModelError
            For misuse only: no budget (neither given nor in the frame), a cap
            for an unknown partner or area, a malformed amount.
        """
        return optimize(
            self,
            "max-effect",
            budget=budget,
            partner_caps=partner_caps,
            area_caps=area_caps,
            rounding=rounding,
            time_limit=time_limit,
        )

    def packages(
        self,
        budget: Decimal | str | int | None = None,
        *,
        time_limit: float | None = 30,
        rounding: str = "half-even",
    ) -> PackagesResult:
        """Rank the decision packages, draw the cut-off line at the budget and find the optimal selection.

        Classic zero-based budgeting on the model's ``packages`` (the same
        computation as ``zbb packages``, ``zbb::rank_packages``, run without the
        GIL): each package's full cost (support included, exact money) and
        effects; the ranking (by stated priority when every package has one,
        else by weighted effect per euro; a unit's level k only after its level
        k - 1); the line (funded from the top while the cumulative cost stays
        within the budget); and the best selection under the same budget (a 0/1
        knapsack with the levels' precedence, COIN-OR CBC) with the weighted
        attainment the ranking leaves on the table. See ``docs/optimize.md``,
        "Decision packages".

        Parameters
        ----------
        budget : Decimal, str or int, optional
            The budget, exact (a float is refused), with at most the currency's
            decimals. Default: the model's ``frame.budget``; one of them is
            required.
        time_limit : float or None, default 30
            Seconds for the optimal selection; reaching it gives status
            ``"time_limit"`` with the best selection found. None: no limit.
        rounding : str, default "half-even"
            Rounding of the total of all packages (see :data:`zbb.ROUNDING_MODES`);
            it is split over the packages by largest remainder.

        Returns
        -------
        PackagesResult
            The ranking and the line always; the optimal selection with
            ``status`` ``"optimal"`` (proven), ``"time_limit"`` or ``"error"``.

        Raises
        ------
        ModelError
            For misuse only: a model without packages, no budget (neither given
            nor in the frame), a float budget or one with more decimals than the
            currency, an activity with levels that two decision units share or
            that supplies support, a unit's volume beyond an activity's last
            level, an unknown rounding mode, a time limit that is not a positive
            number.
        """
        return rank_packages(self, budget, time_limit=time_limit, rounding=rounding)

    def with_target(self, goal: str, target: float) -> Model:
        """A copy with goal ``goal``'s target set to ``target``.

        Like every ``with_*`` edit, the copy shares what it does not change with
        this model (no relinking, the support factorisation reused), so a variant
        of a national model costs milliseconds; the value is checked as when
        reading a file. Raises ModelError for an unknown goal or a target that is
        not finite or beyond the numeric range.
        """
        return Model(self._core.with_goal_target(goal, _finite(target, "goal", goal, "target")))

    def with_weight(self, goal: str, weight: float) -> Model:
        """A copy with goal ``goal``'s weight (its importance to the optimiser) set to ``weight``.

        Raises ModelError for an unknown goal, a negative weight or one outside
        the numeric range (0, or 1e-6 to 1e6).
        """
        return Model(self._core.with_goal_weight(goal, _finite(weight, "goal", goal, "weight")))

    def with_price(
        self, resource: str, price: str | Decimal | int | float, *, allow_float_prices: bool = False
    ) -> Model:
        """A copy with resource ``resource``'s unit price set to ``price`` (exact; floats as in from_dict).

        Only the prices and the direct unit costs are recomputed. Raises
        ModelError for an unknown resource or malformed price text,
        MoneyOverflowError for a price of 2^53 minor units or more.
        """
        text = decimal_text(price, entity="resource", id=resource, field="price", allow_float=allow_float_prices)
        if text is None:
            raise ModelError(
                f"resource '{resource}', field 'price': required field is missing",
                entity="resource",
                id=resource,
                field="price",
            )
        return Model(self._core.with_resource_price(resource, text))

    def with_available(self, resource: str, available: float | None) -> Model:
        """A copy with resource ``resource``'s availability set to ``available`` units (None: unlimited).

        Raises ModelError for an unknown resource or a quantity that is negative
        or beyond the numeric range.
        """
        units = None if available is None else _finite(available, "resource", resource, "available")
        return Model(self._core.with_resource_available(resource, units))

    def with_bounds(self, activity: str, min: float, max: float | None = None) -> Model:  # noqa: A002
        """A copy with activity ``activity``'s volume bounds set to ``min`` and ``max`` (None: no upper bound).

        Raises ModelError for an unknown activity, a bound out of range, ``max``
        below ``min`` or ``min`` beyond the activity's last level.
        """
        low = _finite(min, "activity", activity, "min")
        high = None if max is None else _finite(max, "activity", activity, "max")
        return Model(self._core.with_activity_bounds(activity, low, high))

    def with_plan_volume(self, goal: str, activity: str, volume: float) -> Model:
        """A copy with the plan volume of (goal, activity) set to ``volume`` (the row is added if absent).

        A volume of 0 keeps (or adds) the row with volume 0. Raises ModelError
        for an unknown goal or activity or a volume out of range.
        """
        return Model(
            self._core.with_plan_volume(goal, activity, _finite(volume, "plan", f"{goal} -> {activity}", "volume"))
        )

    def with_shares(
        self, activity: str, shares: Mapping[str, str | Decimal | int | float], *, allow_float_prices: bool = False
    ) -> Model:
        """A copy with the funding of activity ``activity`` replaced by ``shares`` ({partner: exact share}).

        The shares must sum exactly to 1, as in a file (an empty mapping: the
        executing partner pays everything); floats only with
        ``allow_float_prices=True``, as in from_dict. Raises ModelError for an
        unknown activity or partner, a share above 1 or shares that do not sum
        to 1.
        """
        if not isinstance(shares, Mapping):
            raise ModelError(
                f"activity '{activity}', field 'funding': shares must be a mapping such as {{\"P-city\": \"0.75\"}}",
                entity="activity",
                id=activity,
                field="funding",
            )
        rows: list[tuple[str, str]] = []
        for partner, share in shares.items():
            ident = f"{activity} -> {partner}"
            text = decimal_text(share, entity="funding", id=ident, field="share", allow_float=allow_float_prices)
            if text is None:
                raise ModelError(
                    f"funding '{ident}', field 'share': required field is missing",
                    entity="funding",
                    id=ident,
                    field="share",
                )
            rows.append((str(partner), text))
        return Model(self._core.with_funding_shares(activity, rows))

    def with_frame(self, frame: Mapping[str, Any] | None, *, allow_float_prices: bool = False) -> Model:
        """A copy with the financial frame replaced (None removes it); see :attr:`frame`.

        Raises ModelError for an unknown or twice-capped partner or area,
        MoneyOverflowError for an amount of 2^53 minor units or more.
        """
        tables = {} if frame is None else _frame_columns(frame, allow_float_prices=allow_float_prices)
        return Model(self._core.with_frame(tables))

    def with_years(self, years: Mapping[str, Any] | None, *, allow_float_prices: bool = False) -> Model:
        """A copy with the multi-year estimate replaced (None removes it); see :attr:`years`.

        Checked as when the model is read; shares everything else (nothing is recomputed).
        """
        tables = {} if years is None else _years_columns(years, allow_float_prices=allow_float_prices)
        return Model(self._core.with_years(tables))

    def with_plan(self, plan: Any) -> Model:
        """A copy with the plan replaced (a DataFrame or rows with ``goal``, ``activity``, ``volume``)."""
        return Model(self._core.with_plan(frame_to_columns(plan, "plan")))

    # ------------------------------------------------------------------ Python protocol
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Model):
            return NotImplemented
        return bool(self._core.to_json(-1) == other._core.to_json(-1))

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickles as its tables' columns (for process pools and Dask workers): numbers as float64 arrays,
        # each id once; unpickling builds and validates it again, in time linear in its size.
        header, tables = self._core.state()
        return (_from_state, (header, tables))

    def __repr__(self) -> str:
        return (
            f"<zbb.Model {self.name!r}: {len(self.goal_ids)} goals, {len(self.activity_ids)} activities, "
            f"{len(self.resource_ids)} resources, {len(self.partner_ids)} partners, {self.currency}>"
        )

    def _repr_html_(self) -> str:
        return model_html(self)


# ---------------------------------------------------------------------- module-level constructors
def read_json(path: PathLike) -> Model:
    """Read a zbb-model/1 JSON file.

    Uses the C++ reader of the CLI (``zbb::read_model_file``), so the same
    files are accepted with the same error messages; the model is validated.

    Parameters
    ----------
    path : str or path-like
        The model file.

    Returns
    -------
    Model

    Raises
    ------
    ModelError
        For a file that cannot be read, malformed JSON, wrong types, unknown
        keys, unknown or duplicate ids, ... (``.entity``, ``.id``, ``.field``
        say where).
    """
    return Model.from_json(path)


def read_excel(path: PathLike, *, allow_float_prices: bool = False) -> Model:
    """Read a model workbook written by :meth:`Model.to_excel` (or by hand in the same layout).

    The workbook's layout is in ``zbb._excel``, which reads the sheets into DataFrames;
    the model is built from them with :meth:`Model.from_dataframes`.

    Parameters
    ----------
    path : str or path-like
        The ``.xlsx`` file.
    allow_float_prices : bool, default False
        Accept numeric price, share and effect cells, converted through ``repr()`` of
        the float Excel stored. By default they are refused: type prices as
        text (format the column as Text, or start the cell with an apostrophe).

    Returns
    -------
    Model

    Raises
    ------
    ModelError
        For an unknown sheet, a sheet without a header row, a numeric price,
        share or effect cell, and everything the model checks.
    """
    tables, options = read_workbook(path, allow_float_prices=allow_float_prices)
    return Model.from_dataframes(tables, **options)


def from_dict(data: Mapping[str, Any], *, allow_float_prices: bool = False) -> Model:
    """Build a model from plain Python objects; see :meth:`Model.from_dict`."""
    return Model.from_dict(data, allow_float_prices=allow_float_prices)


def from_dataframes(tables: Mapping[str, Any] | None = None, **kwargs: Any) -> Model:
    """Build a model from DataFrames; see :meth:`Model.from_dataframes`."""
    return Model.from_dataframes(tables, **kwargs)


# ---------------------------------------------------------------------- helpers
def _from_state(header: dict[str, Any], tables: dict[str, Any]) -> Model:
    """Unpickle a Model (see ``Model.__reduce__``)."""
    return Model(_core.from_state(header, tables))


def _frame_columns(frame: Mapping[str, Any], *, allow_float_prices: bool) -> dict[str, Any]:
    """The financial frame (as in the JSON format) as the core's tables "frame", "partner_caps" and "area_caps"."""
    if not isinstance(frame, Mapping):
        raise ModelError('frame: must be a mapping such as {"budget": "1250000.00"}', entity="frame")
    for key in frame:
        if key not in ("budget", *_FRAME_CAP_KEYS):
            raise ModelError(f"frame, field '{key}': unknown key", entity="frame", field=str(key))
    ready = _frame_ready(frame, allow_float_prices=allow_float_prices)
    out: dict[str, Any] = {"frame": {"budget": ready.get("budget")}}
    for table, key in _FRAME_CAP_KEYS.items():
        caps = ready.get(table)
        if caps is None:
            continue
        if isinstance(caps, (str, bytes)) or not isinstance(caps, (list, tuple, pd.DataFrame)):
            raise ModelError(
                f'frame, field \'{table}\': must be a list of {{"{key}", "cap"}} rows',
                entity="frame",
                field=table,
            )
        if isinstance(caps, (list, tuple)) and not all(isinstance(r, Mapping) for r in caps):
            bad = next(i for i, r in enumerate(caps) if not isinstance(r, Mapping))
            raise ModelError(f"frame.{table}[{bad}]: must be a JSON object", entity=f"frame.{table}[{bad}]")
        out[table] = frame_to_columns(
            caps if len(caps) else {key: [], "cap": []}, table, allow_float_prices=allow_float_prices
        )
    return out


def _years_columns(years: Mapping[str, Any], *, allow_float_prices: bool) -> dict[str, Any]:
    """The multi-year estimate (as in the JSON format) as the core's tables "years",
    "index_series", "indexation", "year_volumes", "income" and "incidental"."""
    if not isinstance(years, Mapping):
        raise ModelError('years: must be a mapping such as {"budget_year": 2027, "last_year": 2030}', entity="years")
    parts = {
        "index_series": "index_series",
        "indexation": "indexation",
        "volumes": "year_volumes",
        "income": "income",
        "incidental": "incidental",
    }
    out: dict[str, Any] = {"years": {}}
    for key, value in years.items():
        if key in ("budget_year", "last_year", "municipality"):
            out["years"][key] = int(value) if isinstance(value, np.integer) else value
        elif key in parts:
            if value is None:
                continue
            if isinstance(value, (str, bytes)) or not (
                isinstance(value, (pd.DataFrame, Mapping)) or isinstance(value, Iterable)
            ):
                raise ModelError(
                    f"years, field '{key}': must be a DataFrame or a list of rows", entity="years", field=str(key)
                )
            out[parts[key]] = frame_to_columns(value, parts[key], allow_float_prices=allow_float_prices)
        else:
            raise ModelError(f"years, field '{key}': unknown key", entity="years", field=str(key))
    return out


def _years_ready(years: Mapping[str, Any], *, allow_float_prices: bool) -> dict[str, Any]:
    """The estimate with its index factors and income amounts as exact text (as prices)."""
    out = dict(years)
    for part, field, entity, keys in (
        ("index_series", "factor", "years.index_series", ("series", "year")),
        ("income", "amount", "years.income", ("id", "year")),
    ):
        rows = out.get(part)
        if not isinstance(rows, (list, tuple)):
            continue
        ready = []
        for row in rows:
            if isinstance(row, Mapping) and field in row and not isinstance(row[field], str):
                name, year = row.get(keys[0]), row.get(keys[1])
                ident = f"{name}/{year}" if isinstance(name, str) else ""
                text = decimal_text(row[field], entity=entity, id=ident, field=field, allow_float=allow_float_prices)
                row = {**row, field: text}
            ready.append(row)
        out[part] = ready
    return out


#: the frame's cap tables and the column that names what each row caps
_FRAME_CAP_KEYS = {"partner_caps": "partner", "area_caps": "area"}


def _finite(value: Any, entity: str, ident: str, field: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, Decimal, np.number)):
        raise ModelError(f"{entity} '{ident}', field '{field}': must be a number", entity=entity, id=ident, field=field)
    v = float(value)
    if not math.isfinite(v):
        raise ModelError(
            f"{entity} '{ident}', field '{field}': must be a finite number", entity=entity, id=ident, field=field
        )
    return v


_EXACT_FIELDS = {"resources": ("resource", "price"), "funding": ("funding", "share")}


def _json_ready(doc: dict[str, Any], *, allow_float_prices: bool) -> dict[str, Any]:
    """The document with exact prices/shares as text and numbers as JSON-safe floats/ints."""
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if key in _EXACT_FIELDS and isinstance(value, Iterable) and not isinstance(value, (str, Mapping)):
            entity, field = _EXACT_FIELDS[key]
            rows = []
            for n, row in enumerate(value):
                if isinstance(row, Mapping) and field in row and not isinstance(row[field], str):
                    ident = row.get("id") if key == "resources" else f"{row.get('activity')} -> {row.get('partner')}"
                    ident = ident if isinstance(ident, str) else f"{key}[{n}]"
                    text = decimal_text(
                        row[field], entity=entity, id=ident, field=field, allow_float=allow_float_prices
                    )
                    row = {**row, field: text}
                rows.append(row)
            out[key] = rows
        elif key == "activities" and isinstance(value, (list, tuple)):
            out[key] = [_activity_ready(row, n, allow_float_prices=allow_float_prices) for n, row in enumerate(value)]
        elif key == "frame" and isinstance(value, Mapping):
            out[key] = _frame_ready(value, allow_float_prices=allow_float_prices)
        elif key == "years" and isinstance(value, Mapping):
            out[key] = _years_ready(value, allow_float_prices=allow_float_prices)
        else:
            out[key] = value
    ready: dict[str, Any] = _plain(out, "model", "")
    return ready


def _activity_ready(row: Any, n: int, *, allow_float_prices: bool) -> Any:
    """An activity row with its level effects as exact text (as prices)."""
    levels = row.get("levels") if isinstance(row, Mapping) else None
    if not isinstance(levels, (list, tuple)):
        return row
    ident = row.get("id")
    ident = ident if isinstance(ident, str) else f"activities[{n}]"
    ready = []
    for k, level in enumerate(levels):
        if isinstance(level, Mapping) and "effect" in level and not isinstance(level["effect"], str):
            level = {
                **level,
                "effect": decimal_text(
                    level["effect"],
                    entity=f"activity.levels[{k}]",
                    id=ident,
                    field="effect",
                    allow_float=allow_float_prices,
                ),
            }
        ready.append(level)
    return {**row, "levels": ready}


def _frame_ready(frame: Mapping[str, Any], *, allow_float_prices: bool) -> dict[str, Any]:
    out = dict(frame)
    if "budget" in out and out["budget"] is not None and not isinstance(out["budget"], str):
        out["budget"] = decimal_text(
            out["budget"], entity="frame", id="", field="budget", allow_float=allow_float_prices
        )
    for table, key in _FRAME_CAP_KEYS.items():
        caps = out.get(table)
        if not isinstance(caps, (list, tuple)):
            continue
        rows = []
        for row in caps:
            if isinstance(row, Mapping) and "cap" in row and not isinstance(row["cap"], str):
                owner = row.get(key)
                ident = owner if isinstance(owner, str) else ""
                row = {
                    **row,
                    "cap": decimal_text(
                        row["cap"], entity=f"frame.{table}", id=ident, field="cap", allow_float=allow_float_prices
                    ),
                }
            rows.append(row)
        out[table] = rows
    return out


def _plain(value: Any, entity: str, field: str) -> Any:
    """Recursively: Decimal and numpy numbers to float or int, non-finite numbers refused."""
    if isinstance(value, Mapping):
        return {k: _plain(v, entity, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, f"{field}[{i}]", "") for i, v in enumerate(value)]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, Decimal, np.floating)):
        try:
            v = float(value)
        except (OverflowError, ValueError):
            v = math.inf
        if not math.isfinite(v):
            raise ModelError(
                f"{entity}, field '{field}': must be a finite number (got {value!r})", entity=entity, field=field
            )
        return v
    return value
