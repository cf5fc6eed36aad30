"""``precinct city init --beats FILE`` on the real Helsinki extract: the beats of the file, not generated ones,
each under the station whose area holds it, on both databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from city_kit import halves_geojson, helsinki_extract
from sqlalchemy import select

from precinct.app import session_factory
from precinct.cities.models import CityProfile
from precinct.org import service as org_service
from precinct.org.models import Beat, OrgTier, OrgUnit

NAMES = ("--code", "HEL", "--name-zh", "赫尔辛基警察局", "--name-en", "Helsinki Police")
BOX = (24.930, 60.160, 24.958, 60.182)  # around the extract; the districts split it at lon 24.944
MIDDLE = (24.944, 60.171)
# (name_zh, name_en, code or None, west, south, east, north): the box in quarters
QUARTERS = [("西南警务区", "South-west beat", "SW", BOX[0], BOX[1], MIDDLE[0], MIDDLE[1]),
            ("西北警务区", "North-west beat", "NW", BOX[0], MIDDLE[1], MIDDLE[0], BOX[3]),
            ("东南警务区", "South-east beat", "SE", MIDDLE[0], BOX[1], BOX[2], MIDDLE[1]),
            ("东北警务区", "North-east beat", None, MIDDLE[0], MIDDLE[1], BOX[2], BOX[3])]


def _beats_file(path: Path, quarters=QUARTERS) -> Path:
    features = []
    for zh, en, code, west, south, east, north in quarters:
        properties = {"name": zh, "name_en": en, **({"code": code} if code else {})}
        ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
        features.append({"type": "Feature", "properties": properties,
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def _files(root: Path) -> tuple[str, ...]:
    """The options of the districts (two halves), the stations (one in each half) and the beats files."""
    districts = halves_geojson(root / "districts.geojson", *BOX)
    stations = root / "stations.csv"
    stations.write_text("name_zh,name_en,lon,lat,code\n西站,West Station,24.940,60.169,W1\n"
                        "东站,East Station,24.949,60.172,E1\n", encoding="utf-8")
    return ("--districts", str(districts), "--stations", str(stations), "--beats",
            str(_beats_file(root / "beats.geojson")))


def test_init_takes_the_beats_of_a_file(fresh_database_url, cli, tmp_path):
    result = cli("city", "init", str(helsinki_extract()), *NAMES, *_files(tmp_path), "--out", str(tmp_path / "hel"))
    assert result.exit_code == 0, result.output
    assert "2 districts, 2 stations, 4 beats" in " ".join(result.output.split())
    factory = session_factory(fresh_database_url)
    try:
        with factory() as session:
            stations = dict(session.execute(select(OrgUnit.id, OrgUnit.code)
                                            .where(OrgUnit.tier == OrgTier.STATION)).all())
            assert sorted(stations.values()) == ["E1", "W1"]
            beats = session.scalars(select(Beat).order_by(Beat.id)).all()
            # every beat of the file and no generated one, under the station of its half; a beat without a
            # code gets its station's code and its place in the file
            assert [(b.code, b.name_zh, b.name_en, stations[b.station_id]) for b in beats] == [
                ("SW", "西南警务区", "South-west beat", "W1"), ("NW", "西北警务区", "North-west beat", "W1"),
                ("SE", "东南警务区", "South-east beat", "E1"), ("E1-4", "东北警务区", "North-east beat", "E1")]
            stored = json.loads(beats[0].boundary_geojson)
            assert stored["type"] == "Polygon"
            assert stored["coordinates"][0][0] == pytest.approx([BOX[0], BOX[1]])
            where = org_service.resolve(session, 24.9414, 60.1690)  # Aleksanterinkatu, in the south-west quarter
            assert (stations[where.station_id], session.get(Beat, where.beat_id).code) == ("W1", "SW")
            where = org_service.resolve(session, 24.950, 60.175)
            assert (stations[where.station_id], session.get(Beat, where.beat_id).code) == ("E1", "E1-4")
            profile = session.scalar(select(CityProfile))
            assert profile.sources["beats"] == str((tmp_path / "beats.geojson").resolve())
    finally:
        factory.kw["bind"].dispose()


def test_a_beats_file_with_a_code_twice_is_refused_and_nothing_stored(fresh_database_url, cli, tmp_path):
    options = _files(tmp_path)
    twice = [QUARTERS[0], (*QUARTERS[1][:2], "SW", *QUARTERS[1][3:])]
    _beats_file(tmp_path / "beats.geojson", twice)
    result = cli("city", "init", str(helsinki_extract()), *NAMES, *options, "--out", str(tmp_path / "hel"))
    assert result.exit_code == 2, result.output
    assert "two beats have the code 'SW'; codes must be unique" in " ".join(result.output.split())
    factory = session_factory(fresh_database_url)
    try:
        with factory() as session:
            assert session.scalar(select(CityProfile)) is None
            assert session.scalars(select(Beat)).all() == []
    finally:
        factory.kw["bind"].dispose()
    assert not (tmp_path / "hel").exists()
