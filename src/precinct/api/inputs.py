"""Input the databases cannot store is refused at the door, as a 422 that names the field.

PostgreSQL stores no NUL character in text and no integer beyond 32 bits in an ``integer``
column, and a time near the year 1 cannot be converted to UTC; left to the database, each of these
ended as a server error. So:

- every request body model derives from :class:`RequestModel`, which refuses NUL characters and
  integers beyond :data:`MAX_INT` in any field (nested values too);
- :func:`refuse_unstorable_parameters`, a dependency of the whole API, does the same for query
  and path parameters;
- times that clients send are :data:`Instant`: timezone-aware, convertible to UTC, and between
  :data:`EARLIEST` and :data:`LATEST`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator, AwareDatetime, BaseModel, ValidationInfo, field_validator

MAX_INT = 2**31 - 1
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
_INTEGER = re.compile(r"^[+-]?\d+$")


def problem_with(value: object) -> str | None:
    """Say why ``value`` (or anything nested in it) cannot be stored, or ``None`` if it can."""
    if isinstance(value, str):
        return "must not contain NUL characters (\\u0000)" if "\x00" in value else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return f"must be between {-MAX_INT - 1} and {MAX_INT}" if abs(value) > MAX_INT else None
    if isinstance(value, dict):
        return next((p for p in (problem_with(k) or problem_with(v) for k, v in value.items()) if p), None)
    if isinstance(value, list | tuple):
        return next((p for p in map(problem_with, value) if p), None)
    return None


class RequestModel(BaseModel):
    """Base of every request body: refuses values no database column can hold."""

    @field_validator("*", mode="before")
    @classmethod
    def _storable(cls, value: object, info: ValidationInfo) -> object:
        problem = problem_with(value)
        if problem is not None:
            raise ValueError(problem)
        return value


def _sane_instant(value: datetime) -> datetime:
    try:
        utc = value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError("is not a time that can be converted to UTC") from None
    if not EARLIEST <= utc < LATEST:
        raise ValueError(f"must lie between {EARLIEST.year} and {LATEST.year - 1}")
    return utc


Instant = Annotated[AwareDatetime, AfterValidator(_sane_instant)]
"""A timezone-aware time between 1900 and 2099, returned in UTC."""


async def refuse_unstorable_parameters(request: Request) -> None:
    """Refuse query and path parameters holding NUL characters or integers beyond 32 bits.

    Raises
    ------
    RequestValidationError
        Naming each bad parameter (answered 422 by the error table).
    """
    errors: list[dict[str, Any]] = []
    for where, items in (("query", request.query_params.multi_items()), ("path", request.path_params.items())):
        for name, raw in items:
            text = str(raw)
            if "\x00" in text:
                errors.append({"loc": (where, name), "msg": "must not contain NUL characters", "type": "value_error"})
            elif _INTEGER.match(text) and abs(int(text)) > MAX_INT:
                errors.append({"loc": (where, name), "msg": f"must be at most {MAX_INT}", "type": "value_error"})
    if errors:
        raise RequestValidationError(errors)
