"""The one place where exceptions become HTTP responses, all with one body shape.

    {"error": {"code": "...", "title": "...", "message": "...", "fields": [...]}}

``title`` follows the request's Accept-Language (zh-CN by default). A 422 lists the request fields
at fault in ``fields`` (``{"field", "reason"}``), whether the schema refused the input or a service
rule did (a :class:`~precinct.core.errors.ValidationError` that names its ``field``); its message and
reasons are said in Chinese and English ("中文 / English"). No stack trace ever reaches a client;
unexpected errors are logged with an id that the response repeats.
"""

from __future__ import annotations

import logging
import math
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ExceptionHandler

from precinct.api.messages import schema_zh
from precinct.core import errors
from precinct.core.db import is_concurrency_failure
from precinct.core.i18n import halves, t

logger = logging.getLogger("precinct.api")
E = TypeVar("E", bound=Exception)

STATUS_BY_ERROR: list[tuple[type[errors.PrecinctError], int]] = [
    (errors.AccountLockedError, 423),
    (errors.TooManyAttemptsError, 429),
    (errors.PayloadTooLargeError, 413),
    (errors.AuthenticationError, 401),
    (errors.PermissionDeniedError, 403),
    (errors.NotFoundError, 404),
    (errors.ConflictError, 409),
    (errors.ValidationError, 422),
    (errors.ServiceUnavailableError, 503),
    (errors.ConfigurationError, 500),
]

HTTP_CODES = {400: "bad_request", 401: "authentication_failed", 403: "permission_denied", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "payload_too_large", 422: "validation_error"}


def error_body(
    request: Request, code: str, message: str, fields: list[dict[str, Any]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Return the error body, its title in the request's language."""
    title = t(f"error.{code}", request.headers.get("accept-language"))
    if title == f"error.{code}":
        title = t("error.error", request.headers.get("accept-language"))
    body: dict[str, Any] = {"code": code, "title": title, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}


def _status_for(exc: errors.PrecinctError) -> int:
    for cls, status in STATUS_BY_ERROR:
        if isinstance(exc, cls):
            return status
    return 400


async def _domain_error(request: Request, exc: errors.PrecinctError) -> JSONResponse:
    status = _status_for(exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    if isinstance(exc, errors.TooManyAttemptsError):
        headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after_s)))
    message = str(exc)
    fields = None
    if isinstance(exc, errors.ValidationError) and exc.field:
        fields = [{"field": exc.field, "reason": message.removeprefix(f"{exc.field}: ")}]
    return JSONResponse(error_body(request, exc.code, message, fields), status_code=status, headers=headers or None)


def _halves(err: dict[str, Any]) -> tuple[str, str | None]:
    """Return the English and the Chinese (``None``: unknown) of one validation error.

    Pydantic's own errors get their Chinese from the schema table; a validator of ours that raises
    ``ValueError("中文 / English")`` is split into its two halves.
    """
    english = str(err.get("msg", ""))
    kind = str(err.get("type", ""))
    if kind == "value_error":  # Pydantic's "Value error, " before our own words says nothing to the reader
        english = english.removeprefix("Value error, ")
        if (both := halves(english)) is not None:
            return both[1], both[0]
    return english, schema_zh(kind, err.get("ctx"))


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    named = [(".".join(str(part) for part in err.get("loc", ()) if part != "body"), *_halves(err))
             for err in exc.errors()]
    fields = [{"field": field, "reason": f"{zh} / {en}" if zh else en} for field, en, zh in named]
    english = "; ".join(f"{field}: {en}" for field, en, _ in named)
    if any(zh for _, _, zh in named):  # "中文 / English", each half naming every field
        message = "; ".join(f"{field}: {zh or en}" for field, en, zh in named) + " / " + english
    else:
        message = english
    return JSONResponse(error_body(request, "validation_error", message, fields), status_code=422)


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    code = HTTP_CODES.get(exc.status_code, "error")
    return JSONResponse(
        error_body(request, code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers
    )


async def _stale_data(request: Request, exc: StaleDataError) -> JSONResponse:
    return JSONResponse(error_body(request, "conflict", "记录同时被他人修改，请刷新后重试 / the record was changed "
                                   "by someone else at the same time; reload and retry"), status_code=409)


async def _integrity_error(request: Request, exc: IntegrityError) -> JSONResponse:
    # Two requests created the same unique thing at once, or a reference names nothing.
    return JSONResponse(error_body(request, "conflict", "修改与已有数据冲突（重复，或引用了不存在的记录），"
                                   "请刷新后检查 / the change clashes with existing data (a duplicate, or a "
                                   "reference to something that does not exist); reload and check"), status_code=409)


async def _database_error(request: Request, exc: DBAPIError) -> JSONResponse:
    if is_concurrency_failure(exc):  # a deadlock or serialization failure: rolled back cleanly, retryable
        return JSONResponse(error_body(request, "conflict", "同一记录同时有另一项修改，请重试 / another change "
                                       "to the same records happened at the same time; retry"), status_code=409)
    return await _unexpected_error(request, exc)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    incident_id = uuid.uuid4().hex[:12]
    logger.exception("unhandled error %s on %s %s", incident_id, request.method, request.url.path)
    return JSONResponse(
        error_body(request, "internal_error", f"意外错误；服务器日志中的编号为 {incident_id} / "
                                              f"unexpected error; reference {incident_id} in the server log"),
        status_code=500,
    )


def _handle(app: FastAPI, exc_class: type[E], handler: Callable[[Request, E], Awaitable[JSONResponse]]) -> None:
    # Starlette types every handler as taking any Exception; it passes each only instances of its class
    app.add_exception_handler(exc_class, cast(ExceptionHandler, handler))


def install(app: FastAPI) -> None:
    """Register the handlers that turn every exception into the one error body."""
    _handle(app, errors.PrecinctError, _domain_error)
    _handle(app, RequestValidationError, _validation_error)
    _handle(app, StarletteHTTPException, _http_error)
    _handle(app, StaleDataError, _stale_data)
    _handle(app, IntegrityError, _integrity_error)
    _handle(app, DBAPIError, _database_error)
    _handle(app, Exception, _unexpected_error)
