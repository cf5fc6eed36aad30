"""Input the databases cannot store is refused at the door, as a 422 that names the field.

PostgreSQL stores no NUL character in text and no integer beyond 32 bits in an ``integer``
column, a time near the year 1 cannot be converted to UTC, and a string longer than its column
fails the insert; left to the database, each of these ended as a server error. So:

- every request body model derives from :class:`RequestModel`, which refuses NUL characters,
  integers beyond :data:`MAX_INT`, numbers that are not finite, and times and days that
  :data:`Instant` and :data:`Day` would refuse, in any field (nested values too);
- :func:`refuse_unstorable_parameters`, a dependency of the whole API, does the same for query
  and path parameters (after they are parsed as the route declares them, so a digits-only text
  parameter is not taken for an integer) and for the fields of form bodies (the log-in);
- the types below carry the bounds into the OpenAPI schema: :data:`Id` and :data:`DbInt` for
  integer columns, :data:`Instant` for times, :data:`Day` for local days, :data:`Longitude` and
  :data:`Latitude` for positions. Free text carries the ``max_length`` of its column.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import Request, params
from fastapi.dependencies.utils import get_flat_params, request_params_to_args
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import AfterValidator, AwareDatetime, BaseModel, Field, field_validator
from starlette.datastructures import UploadFile

MAX_INT = 2**31 - 1
MIN_INT = -(2**31)
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def _instant_problem(value: datetime) -> str | None:
    if value.tzinfo is None:
        return None if EARLIEST.year <= value.year < LATEST.year else _years()
    try:
        utc = value.astimezone(UTC)
    except (OverflowError, ValueError):
        return "不是可换算为 UTC 的时间 / is not a time that can be converted to UTC"
    return None if EARLIEST <= utc < LATEST else _years()


def _years() -> str:
    first, last = EARLIEST.year, LATEST.year - 1
    return f"须在 {first} 年至 {last} 年之间 / must lie between the years {first} and {last}"


def problem_with(value: object) -> str | None:
    """Say why ``value`` (or anything nested in it) cannot be stored (``"中文 / English"``), or ``None`` if it can."""
    if isinstance(value, str):
        return "不能含 NUL 字符（\\u0000） / must not contain NUL characters (\\u0000)" if "\x00" in value else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if MIN_INT <= value <= MAX_INT else (f"须在 {MIN_INT} 与 {MAX_INT} 之间 / "
                                                          f"must be between {MIN_INT} and {MAX_INT}")
    if isinstance(value, float):
        return None if math.isfinite(value) else "须为有限数 / must be a finite number"
    if isinstance(value, datetime):
        return _instant_problem(value)
    if isinstance(value, date):
        return None if EARLIEST.year <= value.year < LATEST.year else _years()
    if isinstance(value, dict):
        return next((p for p in (problem_with(k) or problem_with(v) for k, v in value.items()) if p), None)
    if isinstance(value, list | tuple | set | frozenset):
        return next((p for p in map(problem_with, value) if p), None)
    return None


class RequestModel(BaseModel):
    """Base of every request body: refuses values no database column can hold (see the module)."""

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: object) -> object:
        problem = problem_with(value)
        if problem is not None:
            raise ValueError(problem)
        return value


def _sane_instant(value: datetime) -> datetime:
    problem = _instant_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value.astimezone(UTC)


def _sane_day(value: date) -> date:
    problem = problem_with(value)
    if problem is not None:
        raise ValueError(problem)
    return value


Instant = Annotated[AwareDatetime, AfterValidator(_sane_instant)]
"""A timezone-aware time between 1900 and 2099, returned in UTC."""
Day = Annotated[date, AfterValidator(_sane_day)]
"""A calendar day between 1900 and 2099."""
DbInt = Annotated[int, Field(ge=MIN_INT, le=MAX_INT)]
"""An integer that fits a 32-bit ``integer`` column."""
Id = Annotated[int, Field(ge=1, le=MAX_INT)]
"""The id of a stored record (a positive 32-bit integer)."""
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]


#: (endpoint, path, methods) -> the route's path and query parameters; as many entries as the API has routes
_PARAMETERS: dict[tuple[Callable[..., Any], str, frozenset[str]], tuple[list[Any], list[Any]]] = {}


def _parameters(route: APIRoute) -> tuple[list[Any], list[Any]]:
    """Return the route's path and query parameters (its dependencies' too), read once per route."""
    key = (route.endpoint, route.path, frozenset(route.methods or ()))
    found = _PARAMETERS.get(key)
    if found is None:
        flat = get_flat_params(route.dependant)
        found = _PARAMETERS[key] = ([f for f in flat if isinstance(f.field_info, params.Path)],
                                    [f for f in flat if isinstance(f.field_info, params.Query)])
    return found


def _form_fields(route: APIRoute) -> bool:
    return route.body_field is not None and isinstance(route.body_field.field_info, params.Form)


async def refuse_unstorable_parameters(request: Request) -> None:
    """Refuse path, query and form values that no column can hold, as the route parses them.

    Values the route cannot parse at all are left to FastAPI's own validation, which answers them
    in the same shape; when this refuses something, it names those too.

    Raises
    ------
    RequestValidationError
        Naming each bad parameter (answered 422 by the error table).
    """
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    errors: list[dict[str, Any]] = []
    unparsed: list[Any] = []
    path_fields, query_fields = _parameters(route)
    for where, fields, received in (("path", path_fields, request.path_params),
                                    ("query", query_fields, request.query_params)):
        values, parse_errors = request_params_to_args(fields, received)
        unparsed += parse_errors
        for field in fields:
            problem = problem_with(values.get(field.name))
            if problem is not None:
                errors.append({"loc": (where, field.alias), "msg": problem, "type": "value_error"})
    if _form_fields(route):
        form = await request.form()  # already read and kept by FastAPI: this reads nothing again
        for name, value in form.multi_items():
            problem = None if isinstance(value, UploadFile) else problem_with(value)
            if problem is not None:
                errors.append({"loc": ("body", name), "msg": problem, "type": "value_error"})
    if errors:
        raise RequestValidationError(errors + unparsed)
