"""Input checks shared by the planning models (private; each raises ``ValidationError``)."""

from __future__ import annotations

import numpy as np

from precinct.core.errors import ValidationError


def as_matrix(name: str, value: object, *, allow_inf: bool = True) -> np.ndarray:
    """Return ``value`` as a 2-D float array of non-negative numbers (``inf`` = unreachable)."""
    try:
        matrix = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{name} must be a 2-D array of numbers: {exc}") from None
    if matrix.ndim != 2 or matrix.shape[0] == 0 or matrix.shape[1] == 0:
        raise ValidationError(f"{name} must be a non-empty 2-D array, got shape {matrix.shape}")
    if np.isnan(matrix).any():
        raise ValidationError(f"{name} contains NaN; use inf for unreachable pairs")
    if not allow_inf and np.isinf(matrix).any():
        raise ValidationError(f"{name} contains inf; every pair must be reachable")
    if (matrix < 0).any():
        raise ValidationError(f"{name} contains negative travel times; times are seconds >= 0")
    return matrix


def as_vector(name: str, value: object, length: int | None = None, *, positive: bool = False) -> np.ndarray:
    """Return ``value`` as a finite 1-D float array of non-negative (or positive) numbers."""
    try:
        vector = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{name} must be a 1-D array of numbers: {exc}") from None
    if vector.ndim == 0 and length is not None:
        vector = np.full(length, float(vector))
    if vector.ndim != 1:
        raise ValidationError(f"{name} must be 1-D, got shape {vector.shape}")
    if length is not None and vector.shape[0] != length:
        raise ValidationError(f"{name} must have length {length}, got {vector.shape[0]}")
    if not np.isfinite(vector).all():
        raise ValidationError(f"{name} must be finite (no NaN or inf)")
    if positive and (vector <= 0).any():
        raise ValidationError(f"{name} must be > 0 everywhere")
    if (vector < 0).any():
        raise ValidationError(f"{name} must be >= 0 everywhere")
    return vector


def positive_number(name: str, value: object) -> float:
    """Return ``value`` as a finite float > 0."""
    try:
        number = float(value)  # type: ignore[arg-type]  # any object: float() refusing it is the check
    except (TypeError, ValueError):
        raise ValidationError(f"{name} must be a number, got {value!r}") from None
    if not np.isfinite(number) or number <= 0:
        raise ValidationError(f"{name} must be a finite number > 0, got {value!r}")
    return number


def share(name: str, value: object) -> float:
    """Return ``value`` as a float in (0, 1]."""
    number = positive_number(name, value)
    if number > 1:
        raise ValidationError(f"{name} is a share and must lie in (0, 1], got {value!r}")
    return number
