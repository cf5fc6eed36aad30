"""Bulk import of key premises from CSV or GeoJSON, with a line-numbered report of the rows refused.

CSV: a header row with ``name, category, lon, lat`` and optionally ``address, notes, risk_grade``
(UTF-8, a BOM allowed). GeoJSON: a FeatureCollection of Point features whose properties hold the
same fields (the point gives lon and lat). Each row is checked as a single registration would be
(a known category, a position inside the city and inside the importer's scope); the good rows are
registered, the others reported with their line number and why. Everything happens in the
caller's one transaction: an import that stops half-way (an error, a lost connection) leaves
nothing behind once it is rolled back.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from precinct.core.errors import ValidationError
from precinct.core.security import Actor
from precinct.org import service as org_service
from precinct.places import service
from precinct.places.messages import said
from precinct.places.models import PremisesCategory, RiskGrade

MAX_ROWS = 10_000
REQUIRED = ("name", "category", "lon", "lat")
LIMITS = {"name": 128, "address": 256, "notes": 2000}


@dataclass(frozen=True)
class Refusal:
    """A row that was not imported: its line in the file (1 is the CSV header) and why."""

    line: int
    reason: str


@dataclass
class ImportReport:
    """What an import did: the ids of the premises it registered and the rows it refused."""

    rows: int = 0
    created_ids: list[int] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data."""
        return {"rows": self.rows, "created": len(self.created_ids), "created_ids": self.created_ids,
                "refused": [{"line": r.line, "reason": r.reason} for r in self.refused]}


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(f"file: {said('import.not_utf8')}") from error


def csv_rows(data: bytes) -> list[tuple[int, dict[str, Any]]]:
    """Return the CSV's data rows with their line numbers (the header is line 1).

    Raises
    ------
    ValidationError
        For a file that is not UTF-8, lacks a required column, or has more than :data:`MAX_ROWS` rows.
    """
    reader = csv.DictReader(io.StringIO(_text(data), newline=""))
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ValidationError(f"file: {said('import.missing_columns', columns=', '.join(missing))}")
    reader.fieldnames = columns
    rows: list[tuple[int, dict[str, Any]]] = []
    for row in reader:
        if len(rows) >= MAX_ROWS:
            raise ValidationError(f"file: {said('import.too_many_rows', n=MAX_ROWS)}")
        rows.append((reader.line_num, {k: v for k, v in row.items() if k is not None}))
    return rows


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def geojson_rows(data: bytes) -> list[tuple[int, dict[str, Any]]]:
    """Return the features of a GeoJSON FeatureCollection as rows, each with the line its feature starts on.

    Raises
    ------
    ValidationError
        For a file that is not UTF-8 JSON holding a FeatureCollection, or has more than :data:`MAX_ROWS` features.
    """
    text = _text(data)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError(f"file: {said('import.bad_geojson', why=f'line {error.lineno}: {error.msg}')}") from error
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection" or not isinstance(
            document.get("features"), list):
        raise ValidationError(f"file: {said('import.bad_geojson', why='no features list')}")
    if len(document["features"]) > MAX_ROWS:
        raise ValidationError(f"file: {said('import.too_many_rows', n=MAX_ROWS)}")
    lines = _feature_lines(text, len(document["features"]))
    return [(line, _feature_row(feature)) for line, feature in zip(lines, document["features"], strict=True)]


def _feature_lines(text: str, count: int) -> list[int]:
    """Return the line each of the top-level features starts on (found by decoding them in place)."""
    decoder = json.JSONDecoder()
    match = re.search(r'"features"\s*:\s*\[', text)
    position = match.end() if match else 0
    lines = []
    for _ in range(count):
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        lines.append(_line_of(text, position))
        try:
            _, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError:  # "features" also named inside a property: fall back to the document's line
            return [1] * count
    return lines


def _feature_row(feature: object) -> dict[str, Any]:
    if not isinstance(feature, dict):
        return {"_problem": "not a Feature object"}
    geometry = feature.get("geometry") or {}
    properties = feature.get("properties") or {}
    if not isinstance(geometry, dict) or geometry.get("type") != "Point" or not isinstance(properties, dict):
        return {"_problem": "geometry: needs a Point"}
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list) or len(coordinates) < 2:
        return {"_problem": "geometry.coordinates: needs [lon, lat]"}
    return {**properties, "lon": coordinates[0], "lat": coordinates[1]}


def _number(row: dict[str, Any], key: str, low: float, high: float) -> float:
    try:
        value = float(row.get(key))  # type: ignore[arg-type]
    except (TypeError, ValueError) as error:
        raise ValidationError(f"{key}: {row.get(key)!r} is not a number") from error
    if not math.isfinite(value) or not low <= value <= high:
        raise ValidationError(f"{key}: must be a number between {low} and {high}")
    return value


def _fields(row: dict[str, Any]) -> dict[str, Any]:
    """Return the registration's fields from a row, or raise ValidationError naming the column at fault."""
    if "_problem" in row:
        raise ValidationError(row["_problem"])
    values = {key: str(row.get(key) or "").strip() for key in ("name", "address", "notes")}
    for key, limit in LIMITS.items():
        if len(values[key]) > limit or "\x00" in values[key]:
            raise ValidationError(f"{key}: at most {limit} characters, no NUL")
    if not values["name"]:
        raise ValidationError("name: must not be empty")
    try:
        category = PremisesCategory(str(row.get("category") or "").strip())
    except ValueError as error:
        raise ValidationError(f"category: {row.get('category')!r} is not one of "
                              f"{', '.join(c.value for c in PremisesCategory)}") from error
    grade_text = str(row.get("risk_grade") or "").strip() or RiskGrade.MEDIUM.value
    try:
        grade = RiskGrade(grade_text)
    except ValueError as error:
        raise ValidationError(f"risk_grade: {grade_text!r} is not one of low, medium, high") from error
    return {**values, "category": category, "risk_grade": grade, "lon": _number(row, "lon", -180.0, 180.0),
            "lat": _number(row, "lat", -90.0, 90.0)}


def rows_of(data: bytes, *, file_format: str) -> list[tuple[int, dict[str, Any]]]:
    """Return the rows of a ``csv`` or ``geojson`` file with their line numbers."""
    if file_format == "csv":
        return csv_rows(data)
    if file_format in ("geojson", "json"):
        return geojson_rows(data)
    raise ValidationError(f"format: {said('import.unknown_format', name=file_format)}")


def import_premises(session: Session, data: bytes, *, file_format: str, actor: Actor) -> ImportReport:
    """Register the good rows of a premises file in ``actor``'s scope; report the others (the caller commits).

    Raises
    ------
    ValidationError
        If the file as a whole cannot be read (see :func:`csv_rows`, :func:`geojson_rows`); then nothing is stored.
    """
    rows = rows_of(data, file_format=file_format)
    scope = org_service.scope_of(session, actor.org_unit_id)
    report = ImportReport(rows=len(rows))
    for line, row in rows:
        try:
            fields = _fields(row)
            premises = service.create(session, actor=actor, scope=scope, **fields)  # refuses before it adds
        except ValidationError as error:
            report.refused.append(Refusal(line, str(error)))
            continue
        report.created_ids.append(premises.id)
    return report
