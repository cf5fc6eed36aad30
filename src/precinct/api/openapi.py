"""The error answers each route gives, in the OpenAPI document.

Every error has one body shape (:class:`ErrorAnswer`, built by :mod:`precinct.api.errors`). Which
codes a route can answer follows from what it takes:

=====  ============================================================================================
401    it needs a signed-in account (a role check or the current account among its dependencies)
403    the same: the account's role, scope or ownership does not allow it
404    it names a record: in its path, or a parameter or body field ending in ``_id`` or ``_code``
       (or it declares ``404`` itself, e.g. "not linked to a unit")
409    it writes (POST, PUT, PATCH, DELETE): a duplicate, a state that changed, a version clash
413    it takes a body (the per-route size limit of :mod:`precinct.api.limits`)
422    it takes any parameter or body (validation names the field)
=====  ============================================================================================

A route adds others with FastAPI's ``responses=`` (the log-in's 423 and 429, for example); the
descriptions here fill in their body shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.utils import create_model_field
from pydantic import BaseModel, Field

from precinct.api.deps import RoleChecker, get_current_actor

WRITING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

DESCRIPTIONS = {
    401: "未登录或令牌无效 / not signed in, or the token is invalid, expired or revoked",
    403: "无权操作（角色、辖区或归属）/ not allowed: the account's role, scope or ownership",
    404: "记录不存在或不在本辖区 / no such record, or not in the account's scope",
    409: "与现有数据或状态冲突 / conflicts with existing data or the record's current state",
    413: "请求体过大 / the request body is over this route's limit",
    422: "输入有误（指明字段）/ invalid input; the fields are named",
    423: "账户暂时锁定（仅在密码正确时告知）/ the account is locked for a while (said only after the right password)",
    429: "尝试过于频繁，见 Retry-After / too many attempts: wait for Retry-After seconds",
    503: "暂不可用，请重试 / temporarily unavailable: retry",
}


class ErrorField(BaseModel):
    """One invalid input."""

    field: str = Field(description="the parameter or body field, dotted (e.g. parties.0.phone)")
    reason: str


class ErrorDetail(BaseModel):
    """What went wrong."""

    code: str = Field(description="a stable code, e.g. not_found, validation_error, conflict")
    title: str = Field(description="a short title in the request's Accept-Language (zh-CN by default)")
    message: str = Field(description="what was wrong and what to do")
    fields: list[ErrorField] | None = None


class ErrorAnswer(BaseModel):
    """The body of every error answer."""

    error: ErrorDetail


def _dependencies(dependant: Dependant) -> Iterable[Dependant]:
    for child in dependant.dependencies:
        yield child
        yield from _dependencies(child)


def signs_in(route: APIRoute) -> bool:
    """Tell whether ``route`` needs a signed-in account."""
    return any(isinstance(d.call, RoleChecker) or d.call is get_current_actor for d in _dependencies(route.dependant))


def _takes_input(route: APIRoute) -> bool:
    dependant = route.dependant
    every = [dependant, *_dependencies(dependant)]
    return any(d.path_params or d.query_params or d.header_params or d.cookie_params or d.body_params
               for d in every)


RECORD_SUFFIXES = ("_id", "_code")


def _input_names(route: APIRoute) -> set[str]:
    names: set[str] = set()
    for d in (route.dependant, *_dependencies(route.dependant)):
        names.update(param.name for param in (*d.query_params, *d.header_params))
    body = route.body_field.field_info.annotation if route.body_field is not None else None
    if isinstance(body, type) and issubclass(body, BaseModel):
        names.update(body.model_fields)
    return names


def names_a_record(route: APIRoute) -> bool:
    """Tell whether ``route`` names a record it may not find: in its path, a parameter or a body field."""
    return bool(route.dependant.path_params) or any(name.endswith(RECORD_SUFFIXES) for name in _input_names(route))


def error_codes(route: APIRoute) -> set[int]:
    """Return the error codes ``route`` can answer (see the module's table)."""
    codes = {int(code) for code in route.responses if str(code).isdigit() and int(code) >= 400}
    if signs_in(route):
        codes |= {401, 403}
    if names_a_record(route):
        codes.add(404)
    if (route.methods or set()) & WRITING_METHODS:
        codes.add(409)
    if route.body_field is not None:
        codes.add(413)
    if _takes_input(route):
        codes.add(422)
    return codes


def document_errors(routes: Iterable[APIRoute]) -> None:
    """Declare on each route the error answers it gives, with their body shape."""
    for route in routes:
        for code in sorted(error_codes(route)):
            declared: dict[str, Any] = dict(route.responses.get(code) or route.responses.get(str(code)) or {})
            declared.setdefault("description", DESCRIPTIONS.get(code, "error"))
            declared["model"] = ErrorAnswer
            route.responses[code] = declared
            route.response_fields[code] = create_model_field(name=f"Error_{code}_{route.unique_id}", type_=ErrorAnswer,
                                                             mode="serialization")
