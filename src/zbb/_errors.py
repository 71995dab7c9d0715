"""The exceptions of zbb.

Every error of the C++ core arrives in Python as one of these classes (the
extension module registers a translator), and the pure-Python layer raises the
same classes for the checks it makes itself. Each carries where the problem
is: ``entity`` (``"goal"``, ``"activity"``, ``"resource"``, ``"partner"``,
``"effects"``, ``"consumption"``, ``"support"``, ``"funding"``, ``"plan"``,
``"model"``, ``"file"``, ``"option"``, ...), ``id`` (the entity id, the link row
``"<first> -> <second>"``, a row position such as ``"goals[3]"`` in
``entity``, or ``""``) and ``field`` (the column or JSON key, or ``""``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["InfeasibleError", "ModelError", "MoneyOverflowError", "SupportLoopError", "ZbbError"]


class ZbbError(Exception):
    """Base of all zbb errors: a message and where it points to.

    Parameters
    ----------
    message : str
        The full message, naming the entity id and field.
    entity : str, optional
        Kind of entity or table the error points to.
    id : str, optional
        Id of the entity or link row (``""`` when none applies).
    field : str, optional
        Field or column (``""`` when none applies).
    """

    def __init__(self, message: str, *, entity: str = "", id: str = "", field: str = "") -> None:  # noqa: A002
        super().__init__(message)
        self.entity = entity
        self.id = id
        self.field = field

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), str(self), self.__dict__.copy()))


def _rebuild(cls: type[ZbbError], message: str, state: dict[str, Any]) -> ZbbError:
    err = cls.__new__(cls)
    Exception.__init__(err, message)
    err.__dict__.update(state)
    return err


class ModelError(ZbbError, ValueError):
    """A model (or a request on it) is invalid: malformed input, unknown or
    duplicate ids, values out of range, float prices that were not allowed.
    Maps ``zbb::model_error``."""


class SupportLoopError(ModelError):
    """The support activities form a loop that feeds itself, so the volumes
    have no finite non-negative solution. Maps ``zbb::support_loop_error``.

    Attributes
    ----------
    activities : list of str
        Ids of the activities in the loop.
    """

    def __init__(
        self,
        message: str,
        *,
        entity: str = "support",
        id: str = "",
        field: str = "per_unit",  # noqa: A002
        activities: list[str] | None = None,
    ) -> None:
        super().__init__(message, entity=entity, id=id, field=field)
        self.activities = list(activities or [])


class InfeasibleError(ZbbError, ValueError):
    """A question on a valid model has no answer (for example targets that
    cannot be reached). Maps ``zbb::infeasible``; raised by
    :meth:`zbb.OptimizationResult.raise_for_status`.

    Attributes
    ----------
    status : str
        The optimisation's status (``"infeasible"``, ``"time_limit"``,
        ``"unbounded"``, ``"error"``); ``"infeasible"`` when raised by the core.
    explanation : str or None
        Why there is no plan, in plain language (infeasible optimisations).
    """

    def __init__(
        self,
        message: str,
        *,
        entity: str = "",
        id: str = "",
        field: str = "",  # noqa: A002
        status: str = "infeasible",
        explanation: str | None = None,
    ) -> None:
        super().__init__(message, entity=entity, id=id, field=field)
        self.status = status
        self.explanation = explanation


class MoneyOverflowError(ZbbError, OverflowError):
    """An amount does not fit in the range in which zbb guarantees the cent.
    Maps ``zbb::money_overflow``."""
