"""Domain exceptions. Only ``precinct.api.errors`` turns these into HTTP responses."""

from __future__ import annotations


class PrecinctError(Exception):
    """Base class: every domain error carries a stable machine-readable code."""

    code = "error"


class ValidationError(PrecinctError, ValueError):
    """Input is well-formed but breaks a domain rule (names the argument and the fix).

    ``field`` names the request field at fault, when there is one: the error body lists it in
    ``fields`` as a schema's 422 does.
    """

    code = "validation_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFoundError(PrecinctError, LookupError):
    """The record, file or name asked for does not exist."""

    code = "not_found"


class NoRouteError(NotFoundError):
    """No drivable path joins two points (separate islands of the road network, one-way traps)."""

    code = "no_route"


class ConflictError(PrecinctError):
    """The request clashes with the current state (illegal transition, unit already busy)."""

    code = "conflict"


class PermissionDeniedError(PrecinctError, PermissionError):
    """The caller's role or scope does not allow the action."""

    code = "permission_denied"


class AuthenticationError(PrecinctError):
    """No valid credentials: a wrong password, an expired token, a disabled account."""

    code = "authentication_failed"


class AccountLockedError(AuthenticationError):
    """The right password, but the account is locked for a while after repeated failed log-ins.

    Only a caller who gave the right password is told; to anyone else a locked account answers
    like a wrong password.
    """

    code = "account_locked"


class SecondFactorRequiredError(AuthenticationError):
    """The right password, but the account's role needs the code of its authenticator app too."""

    code = "mfa_required"


class TooManyAttemptsError(PrecinctError):
    """Log-in attempts come too fast for this account name or client address; retry later."""

    code = "too_many_attempts"

    def __init__(self, message: str, *, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class PayloadTooLargeError(PrecinctError):
    """The request body is larger than the route accepts."""

    code = "payload_too_large"


class ServiceUnavailableError(PrecinctError):
    """The server could not take the request in time; nothing was done, so it is safe to retry."""

    code = "service_unavailable"


class ConfigurationError(PrecinctError, RuntimeError):
    """The server's settings or installation cannot do what was asked (a missing file or package)."""

    code = "configuration_error"
