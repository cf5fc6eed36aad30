"""Reading addresses from files: the register's CSV and OpenStreetMap extracts (``.osm.pbf`` via pyosmium).

Each reader yields :class:`AddressRow` for a usable row and :class:`RefusedRow` (where, why) for
one that is not; a file that cannot be read at all raises ``ValidationError`` before any row.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from precinct.addresses.keys import has_cjk
from precinct.addresses.messages import said
from precinct.core.errors import ValidationError

if TYPE_CHECKING:
    import osmium

CSV_COLUMNS = ("code", "text", "text_en", "name", "district", "road", "number", "building", "unit", "lon", "lat")
MAX_LENGTH = {"code": 64, "text": 256, "text_en": 256, "name": 128, "district": 64, "road": 128, "number": 32,
              "building": 64, "unit": 32}


@dataclass(frozen=True)
class AddressRow:
    """One address read from a file, checked on its own (the point's jurisdiction is checked when stored)."""

    at: str
    code: str
    text: str
    lon: float
    lat: float
    text_en: str = ""
    name: str = ""
    district: str = ""
    road: str = ""
    number: str = ""
    building: str = ""
    unit: str = ""


@dataclass(frozen=True)
class RefusedRow:
    """A row that was not stored: where it is in its file (``line 12``, ``node 123``) and why."""

    at: str
    reason: str


def compose_text(*, district: str = "", road: str = "", number: str = "", building: str = "", unit: str = "",
                 name: str = "") -> str:
    """Write an address from its parts: Chinese order without spaces (江汉区解放大道688号), Latin ``road number``."""
    parts = [district, road, number, building, unit]
    if any(has_cjk(p) for p in [*parts, name]):
        if number and number[-1].isdigit():
            number += "号"
        text = "".join(p for p in (district, road, number, building, unit) if p)
        return text or name
    street = " ".join(p for p in (road, number) if p)
    return ", ".join(p for p in (street, building, unit, district) if p) or name


def _number(value: str, field: str) -> float | str:
    try:
        number = float(value)
    except ValueError:
        return said("address.not_a_number", field=field, value=value)
    if not math.isfinite(number) or abs(number) > (180 if field == "lon" else 90):
        return said("address.out_of_range", field=field)
    return number


def check_row(at: str, values: dict[str, str]) -> AddressRow | RefusedRow:
    """Check one row's values (strings by column) and return the address or the refusal."""
    values = {k: (v or "").strip() for k, v in values.items()}
    for field, value in values.items():
        if "\x00" in value:
            return RefusedRow(at, f"{field}: {said('address.nul')}")
        if len(value) > MAX_LENGTH.get(field, 10**6):
            return RefusedRow(at, said("address.too_long", field=field, max=MAX_LENGTH[field]))
    if not values.get("code"):
        return RefusedRow(at, said("address.code_missing"))
    lon, lat = _number(values.get("lon", ""), "lon"), _number(values.get("lat", ""), "lat")
    for problem in (lon, lat):
        if isinstance(problem, str):
            return RefusedRow(at, problem)
    parts = {k: values.get(k, "") for k in ("district", "road", "number", "building", "unit", "name")}
    text = values.get("text") or compose_text(**parts)
    if not text or not (values.get("text") or values.get("road") or values.get("name")):
        return RefusedRow(at, said("address.text_missing"))
    if len(text) > MAX_LENGTH["text"]:
        return RefusedRow(at, said("address.too_long", field="text", max=MAX_LENGTH["text"]))
    assert isinstance(lon, float) and isinstance(lat, float)
    return AddressRow(at=at, code=values["code"], text=text, lon=lon, lat=lat, text_en=values.get("text_en", ""),
                      **parts)


def read_csv(handle: IO[str], *, name: str = "CSV") -> Iterator[AddressRow | RefusedRow]:
    """Read the register's CSV (UTF-8, header row; columns :data:`CSV_COLUMNS`).

    Required: ``code`` (the standard address code, unique in the register), ``lon``, ``lat``
    (WGS84), and ``text`` or ``road``; the text is written from the parts where it is empty.

    Raises
    ------
    ValidationError
        For an empty file, missing required columns or unknown columns (nothing is read then).
    """
    reader = csv.DictReader(handle)
    try:
        header = reader.fieldnames
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ValidationError(f"{name}: {said('address.file_unreadable', detail=exc)}") from exc
    if not header:
        raise ValidationError(f"{name}: {said('address.file_empty')}")
    columns = [c.strip() for c in header]
    missing = [c for c in ("code", "lon", "lat") if c not in columns]
    if "text" not in columns and "road" not in columns:
        missing.append("text")
    if missing:
        raise ValidationError(f"{name}: {said('address.columns_missing', columns=', '.join(missing))}")
    unknown = [c for c in columns if c not in CSV_COLUMNS]
    if unknown:
        message = said("address.columns_unknown", columns=", ".join(unknown), known=", ".join(CSV_COLUMNS))
        raise ValidationError(f"{name}: {message}")
    reader.fieldnames = columns
    line = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except (UnicodeDecodeError, csv.Error) as exc:
            yield RefusedRow(f"line {line}", said("address.file_unreadable", detail=exc))
            return
        if None in values:
            yield RefusedRow(f"line {line}", "too many fields / 字段过多")
        else:
            yield check_row(f"line {line}", {k: v for k, v in values.items() if k is not None})
        line = reader.line_num + 1


def read_csv_text(text: str, *, name: str = "CSV") -> Iterator[AddressRow | RefusedRow]:
    """Read CSV held in a string (an upload), as :func:`read_csv`."""
    return read_csv(io.StringIO(text, newline=""), name=name)


_DIGITS = re.compile(r"^\d+[a-zA-Z]?$")


def _osm_row(kind: str, osm_id: int, tags: dict[str, str], lon: float, lat: float) -> AddressRow | RefusedRow | None:
    name = tags.get("name:zh") or tags.get("name") or ""
    road, number = tags.get("addr:street", ""), tags.get("addr:housenumber", "")
    if not name and not (road and number):
        return None
    parts = {"name": name, "road": road, "number": number, "building": tags.get("addr:housename", ""),
             "unit": tags.get("addr:unit", ""), "district": tags.get("addr:district") or tags.get("addr:suburb", "")}
    text = compose_text(**parts)
    if name and name != text:
        text = f"{text} ({name})" if not has_cjk(text) else f"{text}{name}"
    values = {"code": f"osm:{kind[0]}{osm_id}", "text": text[:MAX_LENGTH["text"]], "lon": repr(lon),
              "lat": repr(lat), "text_en": tags.get("name:en", "")} | {k: v[:MAX_LENGTH[k]] for k, v in parts.items()}
    return check_row(f"{kind} {osm_id}", values)


def read_osm(path: Path) -> Iterator[AddressRow | RefusedRow]:
    """Read the named places and ``addr:*`` addresses of an OpenStreetMap extract.

    Nodes and ways with a ``name`` (``name:zh`` first) or with both ``addr:street`` and
    ``addr:housenumber`` become addresses; a way is placed at its centroid. Roads (ways with a
    ``highway`` tag and no house number) are not addresses. ``name:en`` becomes the English text.

    Raises
    ------
    ValidationError
        If the file is missing or not an OpenStreetMap file.
    """
    import osmium

    if not path.is_file():
        raise ValidationError(f"{path}: {said('address.file_unreadable', detail='no such file')}")
    rows: list[AddressRow | RefusedRow] = []
    try:
        for element in osmium.FileProcessor(str(path)).with_locations().with_filter(osmium.filter.KeyFilter(
                "name", "addr:housenumber")):
            tags = {tag.k: tag.v for tag in element.tags}
            row: AddressRow | RefusedRow | None = None
            if isinstance(element, osmium.osm.Node):
                row = _osm_row("node", element.id, tags, element.location.lon, element.location.lat)
            elif isinstance(element, osmium.osm.Way) and ("highway" not in tags or "addr:housenumber" in tags):
                row = _way_row(element, tags)
            if row is not None:
                rows.append(row)
    except RuntimeError as exc:
        raise ValidationError(f"{path}: {said('address.osm_unreadable', detail=exc)}") from exc
    yield from rows


def _way_row(way: osmium.osm.Way, tags: dict[str, str]) -> AddressRow | RefusedRow | None:
    """Return a way's address, placed at its centroid (of the area for a closed way)."""
    import osmium
    import shapely

    try:
        points = [(n.location.lon, n.location.lat) for n in way.nodes]
    except osmium.InvalidLocationError:
        return RefusedRow(f"way {way.id}", said("address.osm_no_location"))
    if not points:
        return RefusedRow(f"way {way.id}", said("address.osm_no_location"))
    geometry = (shapely.Polygon(points) if len(points) >= 4 and points[0] == points[-1]
                else shapely.LineString(points) if len(points) >= 2 else shapely.Point(points[0]))
    centre = geometry.centroid if not geometry.centroid.is_empty else geometry.representative_point()
    return _osm_row("way", way.id, tags, float(centre.x), float(centre.y))
