"""What every result shares: the model it was computed on and the CLI's reports; for the solver's results a status.

:class:`Result` is the base of :class:`zbb.Budget`, :class:`zbb.OptimizationResult` and
:class:`zbb.PackagesResult`: each is made from the compiled core's result and the
:class:`zbb.Model` it was computed on (so that no result module needs to import ``_model``),
and gives :attr:`~Result.model`, :meth:`~Result.report_json` and :meth:`~Result.report_text`.
:class:`SolverResult` adds the outcome as data (``status``, ``message``, ``optimal``) and
:meth:`~SolverResult.raise_for_status`.

This module imports only ``_core`` and ``_errors`` (the model appears in annotations only), so
every result module may build on it without an import circle (``tests/python/test_import_graph.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from . import _core
from ._errors import InfeasibleError

if TYPE_CHECKING:
    from ._model import Model

__all__ = ["Result", "SolverResult"]

#: The compiled result a Python result wraps.
Core = TypeVar("Core", _core.Budget, _core.OptimizeResult, _core.PackagesResult)
#: The compiled results that carry a status.
SolverCore = TypeVar("SolverCore", _core.OptimizeResult, _core.PackagesResult)
_Solved = TypeVar("_Solved", bound="SolverResult[Any]")


class Result(Generic[Core]):
    """A computed result: the compiled core's result and the model it was computed on (both immutable)."""

    #: The compiled class this result wraps, and how to get one (for the TypeError of a direct call).
    _core_class: ClassVar[type]
    _made_by: ClassVar[str]
    #: The CLI command whose output :meth:`report_json` and :meth:`report_text` reproduce.
    _command: ClassVar[str]

    def __init__(self, core: Core, model: Model) -> None:
        if not isinstance(core, self._core_class):
            raise TypeError(f"use {self._made_by}")
        if not isinstance(getattr(model, "_core", None), _core.Model):
            raise TypeError(f"{type(self).__name__}: model must be the zbb.Model the result was computed on")
        self._core: Core = core
        self._model = model

    @property
    def model(self) -> Model:
        """The model this result was computed on."""
        return self._model

    def report_json(self, *, indent: int | None = None) -> str:
        """The CLI's machine-readable report (``zbb budget --json``, ``zbb optimize --json``,
        ``zbb packages --json``), byte for byte.

        Parameters
        ----------
        indent : int, optional
            Indentation of the JSON text; -1 for one line. By default the CLI's (2).
        """
        return self._core.report_json(indent)

    def report_text(self) -> str:
        """The CLI's readable report (``zbb budget``, ``zbb optimize``, ``zbb packages``)."""
        return self._core.report_text()


class SolverResult(Result[SolverCore]):
    """A result whose outcome is data: :attr:`status`, :attr:`message`, :attr:`optimal`, :meth:`raise_for_status`."""

    @property
    def status(self) -> str:
        """The outcome (``"optimal"``, ``"infeasible"``, ``"unbounded"``, ``"time_limit"`` or ``"error"``)."""
        return self._core.status

    @property
    def optimal(self) -> bool:
        """Whether the solver proved its answer (``status == "optimal"``)."""
        return self.status == "optimal"

    @property
    def message(self) -> str:
        """One line on the outcome."""
        return self._core.message

    def raise_for_status(self: _Solved) -> _Solved:
        """Raise :class:`zbb.InfeasibleError` unless the status is ``"optimal"``; return self otherwise.

        The error's ``.status`` is :attr:`status`; its message starts with what was solved and the
        status (``"packages time_limit: ..."``, ``"least-cost infeasible: ..."``).

        Returns
        -------
        The result itself, so that ``model.least_cost().raise_for_status().budget`` chains.
        """
        if self.optimal:
            return self
        raise self._status_error()

    def _status_error(self) -> InfeasibleError:
        """The error :meth:`raise_for_status` raises; results with more to say override it."""
        return InfeasibleError(
            f"{self._command.removeprefix('zbb ')} {self.status}: {self.message}", entity="model", status=self.status
        )
