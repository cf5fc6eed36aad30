"""Second factor: time-based one-time passwords (TOTP, RFC 6238) and recovery codes.

Supervisor, auditor and admin accounts must have a second factor (``PRECINCT_MFA_ROLES``): at
log-in they give the six-digit code of an authenticator app, or one of their recovery codes. The
TOTP secret is stored encrypted (Fernet, a key derived from the server's secret key); recovery
codes are stored as SHA-256 digests (they are random, 60 bits each) and each works once. A code
is accepted in the current 30-second step or the one before or after (clock drift), and never
twice: the last step used is remembered, so a code seen over a shoulder cannot be replayed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken

from precinct.core.errors import ConfigurationError

ISSUER = "Precinct"
STEP_S = 30
DRIFT_STEPS = 1
RECOVERY_CODES = 10
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


@dataclass(frozen=True)
class Enrolment:
    """A new secret for an account, shown once: as text, as an ``otpauth://`` URI and as a QR code."""

    secret: str
    uri: str
    qr_svg: str


def _fernet(secret_key: str) -> Fernet:
    digest = hmac.new(secret_key.encode(), b"precinct mfa secrets", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def new_enrolment(username: str) -> Enrolment:
    """Make a new TOTP secret for ``username`` with its URI and QR code (SVG)."""
    secret = pyotp.random_base32()
    uri = pyotp.TOTP(secret, interval=STEP_S).provisioning_uri(name=username, issuer_name=ISSUER)
    return Enrolment(secret, uri, segno.make(uri, error="m").svg_inline(scale=4))


def seal(secret: str, *, secret_key: str) -> str:
    """Encrypt a TOTP secret for storage."""
    return _fernet(secret_key).encrypt(secret.encode()).decode()


def unseal(sealed: str, *, secret_key: str) -> str:
    """Decrypt a stored TOTP secret.

    Raises
    ------
    ConfigurationError
        If it cannot be decrypted (the server's secret key changed since the account enrolled).
    """
    try:
        return _fernet(secret_key).decrypt(sealed.encode()).decode()
    except InvalidToken as exc:
        raise ConfigurationError("the second-factor secret cannot be decrypted with this server's secret key; "
                                 "reset the account's second factor") from exc


def matching_step(secret: str, code: str, *, now: datetime, last_step: int | None) -> int | None:
    """Return the time step ``code`` belongs to, if it is valid now and newer than ``last_step``."""
    code = code.strip().replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret, interval=STEP_S)
    current = int(now.timestamp()) // STEP_S
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if (last_step is None or step > last_step) and hmac.compare_digest(totp.at(step * STEP_S), code):
            return step
    return None


def new_recovery_codes(count: int = RECOVERY_CODES) -> list[str]:
    """Make ``count`` recovery codes (``xxxx-xxxx-xxxx``), shown once to the account holder."""
    return ["-".join("".join(secrets.choice(_CODE_ALPHABET) for _ in range(4)) for _ in range(3))
            for _ in range(count)]


def digest(recovery_code: str) -> str:
    """Return the stored form of a recovery code (spaces, dashes and case ignored)."""
    normalised = recovery_code.strip().lower().replace("-", "").replace(" ", "")
    return hashlib.sha256(normalised.encode()).hexdigest()
