"""Loading the register from CSV on both databases: jurisdiction, refusals with line numbers, re-runs, interrupts."""

from __future__ import annotations

import pytest
from address_kit import CSV, HEADER, load_register
from sqlalchemy import func, select

from precinct.addresses import service
from precinct.addresses.importer import import_addresses
from precinct.addresses.models import Address, AddressImport, ImportKind, ImportStatus
from precinct.addresses.sources import read_csv_text
from precinct.core.errors import ValidationError
from testkit import ADMIN_ACTOR


def test_each_address_gets_its_district_station_and_beat(session, ids):
    report = load_register(session)
    assert (report.rows, report.imported, report.skipped_existing, report.refused) == (5, 5, 0, [])
    by_code = {a.code: a for a in session.scalars(select(Address))}
    assert (by_code["A1"].district_id, by_code["A1"].station_id, by_code["A1"].beat_id) == (
        ids["west"], ids["west_station"], ids["beat"])
    assert (by_code["A3"].station_id, by_code["A3"].beat_id) == (ids["west_station"], None)
    assert by_code["A4"].station_id == ids["east_station"]
    assert by_code["A1"].text == "江汉区解放大道688号A座3单元"
    assert by_code["A5"].text == "武昌区中北路大道口2号"
    assert by_code["A1"].search_keys.split()[:4] == ["wuhanguangchang", "whgc", "jianghanqu", "jhq"]


def test_bad_rows_are_refused_with_their_line_and_good_rows_kept(session):
    text = HEADER + "\n".join([
        "B1,,,,江汉区,解放大道,1,,,114.02,30.52",
        "B2,,,,江汉区,解放大道,2,,,east,30.52",  # line 3
        ",,,,江汉区,解放大道,3,,,114.02,30.52",  # line 4
        "B1,,,,江汉区,解放大道,4,,,114.02,30.52",  # line 5: a code seen before
        "B5,,,,江汉区,解放大道,5,,,116.40,39.90",  # line 6: Beijing, outside the city
        "B6,,,,,,,,,114.02,30.52",  # line 7: no text
        'B7,"two\nlines",,,,,,,,114.03,30.53',  # lines 8-9, good
        "B8,,,,江汉区,解放大道,8,,,114.02,95",  # line 10
    ]) + "\n"
    report = load_register(session, text)
    assert report.imported == 2
    assert [(r.at, r.reason.split(" / ")[1]) for r in report.refused] == [
        ("line 3", "lon is not a number: 'east'"),
        ("line 4", "code is missing"),
        ("line 5", "code B1 appears twice; first at line 2"),
        ("line 6", "the point (116.400000, 39.900000) lies outside every district of the city"),
        ("line 7", "no address text (text or road)"),
        ("line 10", "lat is out of range (lon -180..180, lat -90..90)"),
    ]
    assert sorted(session.scalars(select(Address.code))) == ["B1", "B7"]
    record = session.get(AddressImport, report.import_id)
    assert (record.status, record.refused, record.refused_rows[0]["at"]) == (ImportStatus.COMPLETE, 6, "line 3")


def test_a_file_without_the_required_columns_is_refused_whole(session):
    with pytest.raises(ValidationError, match="required columns missing: lat, text"):
        list(read_csv_text("code,lon\nA,1\n"))
    with pytest.raises(ValidationError, match="unknown columns: ward"):
        list(read_csv_text("code,text,lon,lat,ward\n"))
    with pytest.raises(ValidationError, match="the file is empty"):
        list(read_csv_text(""))


def test_a_second_run_adds_nothing_twice(session):
    load_register(session)
    again = load_register(session)
    assert (again.imported, again.skipped_existing) == (0, 5)
    assert session.scalar(select(func.count(Address.id))) == 5


def test_an_interrupted_import_writes_nothing_and_the_next_one_cleans_up(session, ids):
    rows = list(read_csv_text(CSV))

    def interrupted():
        yield from rows[:3]
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_addresses(session, interrupted(), kind=ImportKind.CSV, source_name="cut.csv", actor=ADMIN_ACTOR,
                         batch_size=2)
    assert session.scalar(select(func.count(Address.id))) == 0
    statuses = [r.status for r in session.scalars(select(AddressImport))]
    assert statuses == [ImportStatus.INTERRUPTED]
    assert service.search(session, "解放", actor=ADMIN_ACTOR) == []
    assert load_register(session).imported == 5


def test_rows_of_an_import_still_running_are_not_searchable(session):
    load_register(session)
    assert [m.address.code for m in service.search(session, "中北路", actor=ADMIN_ACTOR)] == ["A4", "A5"]
    session.get(AddressImport, session.scalar(select(AddressImport.id))).status = ImportStatus.RUNNING
    session.commit()
    service.forget_index(session)
    assert service.search(session, "中北路", actor=ADMIN_ACTOR) == []
