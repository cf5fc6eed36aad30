"""Bulk import of key premises from CSV or GeoJSON, with a line-numbered report of the rows refused.

CSV: a header row with ``name, category, lon, lat`` and optionally ``address, notes, risk_grade``
(UTF-8, a BOM allowed). GeoJSON: a FeatureCollection of Point features whose properties hold the
same fields (the point gives lon and lat). Each row is checked as a single registration would be
(a known category, a position inside the city and inside the importer's scope); the good rows are
registered, the others reported with their line number (a CSV record over several lines: its first)
and why, in Chinese and English. A CSV row with more fields than the header is refused.

An import can be run again: a row whose name and point (to 10⁻⁶°, about 0.1 m) are those of open
premises already registered in the importer's scope, by an earlier import or an earlier row of the
same file, is skipped and reported as such, so a second import of the same file stores nothing.
Everything happens in the caller's one transaction: an import that stops half-way (an error, a
lost connection) leaves nothing behind once it is rolled back.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.core.errors import ValidationError
from precinct.core.security import Actor
from precinct.org import service as org_service
from precinct.places import service
from precinct.places.messages import field_error, said
from precinct.places.models import Premises, PremisesCategory, PremisesStatus, RiskGrade

MAX_ROWS = 10_000
REQUIRED = ("name", "category", "lon", "lat")
LIMITS = {"name": 128, "address": 256, "notes": 2000}
POINT_DECIMALS = 6
"""Two points are the same place when they agree to this many decimals of a degree (about 0.1 m)."""


@dataclass(frozen=True)
class Refusal:
    """A row that was not imported: its line in the file (1 is the CSV header) and why."""

    line: int
    reason: str


@dataclass(frozen=True)
class Skip:
    """A row naming premises registered already (same name, same point): its line and those premises."""

    line: int
    premises_id: int
    reason: str


@dataclass
class ImportReport:
    """What an import did: the ids of the premises it registered, the rows it refused and those it skipped."""

    rows: int = 0
    created_ids: list[int] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data."""
        return {"rows": self.rows, "created": len(self.created_ids), "created_ids": self.created_ids,
                "refused": [{"line": r.line, "reason": r.reason} for r in self.refused],
                "skipped": [{"line": k.line, "premises_id": k.premises_id, "reason": k.reason} for k in self.skipped]}


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(f"file: {said('import.not_utf8')}") from error


def csv_rows(data: bytes) -> list[tuple[int, dict[str, Any]]]:
    """Return the CSV's data rows, each with the line it starts on (the header is line 1).

    A row with more fields than the header, or one the CSV reader cannot read, comes back as a
    problem (``{"_problem": reason}``) to be refused with its line.

    Raises
    ------
    ValidationError
        For a file that is not UTF-8, lacks a required column, or has more than :data:`MAX_ROWS` rows.
    """
    reader = csv.reader(io.StringIO(_text(data), newline=""))
    try:
        columns = [c.strip() for c in next(reader, [])]
    except csv.Error as error:
        raise ValidationError(f"file: {said('import.unreadable', line=reader.line_num, why=error)}") from error
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ValidationError(f"file: {said('import.missing_columns', columns=', '.join(missing))}")
    rows: list[tuple[int, dict[str, Any]]] = []
    while True:
        line = reader.line_num + 1  # where the next record starts (it may run over several lines)
        try:
            values = next(reader)
        except StopIteration:
            return rows
        except csv.Error as error:  # refused; the reader goes on from the next line
            rows.append((line, {"_problem": str(field_error("file", "import.unreadable", line=line, why=error))}))
            continue
        if not values:  # a blank line
            continue
        if len(rows) >= MAX_ROWS:
            raise ValidationError(f"file: {said('import.too_many_rows', n=MAX_ROWS)}")
        if len(values) > len(columns):
            problem = field_error("row", "import.extra_fields", n=len(values), columns=len(columns))
            rows.append((line, {"_problem": str(problem)}))
            continue
        rows.append((line, dict(zip(columns, values, strict=False))))


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
        return {"_problem": str(field_error("feature", "import.not_feature"))}
    geometry = feature.get("geometry") or {}
    properties = feature.get("properties") or {}
    if not isinstance(geometry, dict) or geometry.get("type") != "Point" or not isinstance(properties, dict):
        return {"_problem": str(field_error("geometry", "import.needs_point"))}
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list) or len(coordinates) < 2:
        return {"_problem": str(field_error("geometry.coordinates", "import.needs_coordinates"))}
    return {**properties, "lon": coordinates[0], "lat": coordinates[1]}


def _number(row: dict[str, Any], key: str, low: float, high: float) -> float:
    try:
        value = float(row.get(key))  # type: ignore[arg-type]
    except (TypeError, ValueError) as error:
        raise field_error(key, "import.not_number", value=repr(row.get(key))) from error
    if not math.isfinite(value) or not low <= value <= high:
        raise field_error(key, "import.out_of_range", low=low, high=high)
    return value


def _fields(row: dict[str, Any]) -> dict[str, Any]:
    """Return the registration's fields from a row, or raise ValidationError naming the column at fault."""
    if "_problem" in row:
        raise ValidationError(row["_problem"])
    values = {key: str(row.get(key) or "").strip() for key in ("name", "address", "notes")}
    for key, limit in LIMITS.items():
        if len(values[key]) > limit or "\x00" in values[key]:
            raise field_error(key, "import.too_long", n=limit)
    if not values["name"]:
        raise field_error("name", "premises.name_empty")
    try:
        category = PremisesCategory(str(row.get("category") or "").strip())
    except ValueError as error:
        raise field_error("category", "import.unknown_value", value=repr(row.get("category")),
                          allowed=", ".join(c.value for c in PremisesCategory)) from error
    grade_text = str(row.get("risk_grade") or "").strip() or RiskGrade.MEDIUM.value
    try:
        grade = RiskGrade(grade_text)
    except ValueError as error:
        raise field_error("risk_grade", "import.unknown_value", value=repr(grade_text),
                          allowed=", ".join(g.value for g in RiskGrade)) from error
    return {**values, "category": category, "risk_grade": grade, "lon": _number(row, "lon", -180.0, 180.0),
            "lat": _number(row, "lat", -90.0, 90.0)}


def _place_key(name: str, lon: float, lat: float) -> tuple[str, float, float]:
    return name, round(lon, POINT_DECIMALS), round(lat, POINT_DECIMALS)


def _registered(session: Session, scope: org_service.Scope) -> dict[tuple[str, float, float], int]:
    """Return the open premises in ``scope`` by name and point (the lowest id where several share them)."""
    query = select(Premises.id, Premises.name, Premises.lon, Premises.lat).where(
        Premises.status == PremisesStatus.OPEN).order_by(Premises.id.desc())
    condition = service.in_scope(scope)
    if condition is not None:
        query = query.where(condition)
    return {_place_key(name, lon, lat): premises_id for premises_id, name, lon, lat in session.execute(query)}


def rows_of(data: bytes, *, file_format: str) -> list[tuple[int, dict[str, Any]]]:
    """Return the rows of a ``csv`` or ``geojson`` file with their line numbers."""
    if file_format == "csv":
        return csv_rows(data)
    if file_format in ("geojson", "json"):
        return geojson_rows(data)
    raise ValidationError(f"format: {said('import.unknown_format', name=file_format)}")


def import_premises(session: Session, data: bytes, *, file_format: str, actor: Actor) -> ImportReport:
    """Register the good rows of a premises file in ``actor``'s scope; report the others (the caller commits).

    A row naming open premises registered already (same name, same point) is skipped, not registered again.

    Raises
    ------
    ValidationError
        If the file as a whole cannot be read (see :func:`csv_rows`, :func:`geojson_rows`); then nothing is stored.
    """
    rows = rows_of(data, file_format=file_format)
    scope = org_service.scope_of(session, actor.org_unit_id)
    registered = _registered(session, scope)
    report = ImportReport(rows=len(rows))
    for line, row in rows:
        try:
            fields = _fields(row)
            key = _place_key(fields["name"], fields["lon"], fields["lat"])
            if key in registered:
                report.skipped.append(Skip(line, registered[key], said("import.already_there", id=registered[key])))
                continue
            premises = service.create(session, actor=actor, scope=scope, **fields)  # refuses before it adds
        except ValidationError as error:
            report.refused.append(Refusal(line, str(error)))
            continue
        registered[key] = premises.id
        report.created_ids.append(premises.id)
    return report
