"""Loading the register from CSV on both databases: jurisdiction, refusals with line numbers, re-runs, interrupts."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from address_kit import CSV, HEADER, load_register
from precinct.addresses import service
from precinct.addresses.importer import LEASE_S, import_addresses
from precinct.addresses.models import Address, AddressImport, ImportKind, ImportStatus
from precinct.addresses.sources import read_csv_text
from precinct.app import session_factory
from precinct.core import migrate
from precinct.core.db import utcnow
from precinct.core.errors import ConflictError, PermissionDeniedError, ValidationError
from precinct.core.permissions import Role
from precinct.core.security import Actor
from precinct.org import service as org_service
from precinct.org.models import OrgTier
from testkit import ADMIN_ACTOR, scratch_database


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


def test_the_preloaded_index_answers_the_first_search_without_another_build(session, session_factory, monkeypatch):
    load_register(session)
    session.commit()
    service.forget_index(session)
    builds = []
    real = service._build
    monkeypatch.setattr(service, "_build", lambda s: builds.append(1) or real(s))
    service.preload_index(session_factory)
    assert builds == [1]
    assert [m.address.code for m in service.search(session, "中北路", actor=ADMIN_ACTOR)] == ["A4", "A5"]
    assert builds == [1]


def _stale_import(session, *, age_s: float, code: str = "OLD1") -> int:
    """Store a running import whose last batch was ``age_s`` ago, with one address (as a killed import leaves)."""
    at = utcnow() - timedelta(seconds=age_s)
    record = AddressImport(kind=ImportKind.CSV, source_name="killed.csv", status=ImportStatus.RUNNING,
                           created_by="cli:ops", refused_rows=[], started_at=at, heartbeat_at=at)
    session.add(record)
    session.flush()
    row = next(iter(read_csv_text(HEADER + f"{code},,,,江汉区,解放大道,9,,,114.02,30.52\n")))
    session.add(Address(code=code, import_id=record.id, text=row.text, lon=row.lon, lat=row.lat))
    session.commit()
    return record.id


def test_a_second_import_is_refused_while_one_runs_and_touches_nothing(session):
    running = _stale_import(session, age_s=10)
    with pytest.raises(ConflictError, match=f"address import {running} is running .*started by cli:ops") as refused:
        load_register(session)
    assert str(refused.value).startswith(f"地址导入 {running} 正在进行")
    assert session.get(AddressImport, running).status == ImportStatus.RUNNING
    assert list(session.scalars(select(Address.code))) == ["OLD1"]
    assert session.scalar(select(func.count(AddressImport.id))) == 1


def test_an_import_whose_lease_ran_out_is_taken_as_interrupted_and_its_rows_removed(session):
    killed = _stale_import(session, age_s=LEASE_S + 60)
    report = load_register(session)
    assert report.imported == 5
    assert session.get(AddressImport, killed).status == ImportStatus.INTERRUPTED
    assert "OLD1" not in set(session.scalars(select(Address.code)))
    assert session.scalar(select(func.count(Address.id))) == 5


def test_an_import_whose_lease_was_taken_stops_at_its_next_batch_and_removes_its_rows(session):
    rows = list(read_csv_text(CSV))

    def overtaken():
        yield from rows[:2]
        # meanwhile another import found this one's lease run out and took it as interrupted
        session.execute(update(AddressImport).where(AddressImport.status == ImportStatus.RUNNING)
                        .values(status=ImportStatus.INTERRUPTED))
        session.commit()
        yield from rows[2:]

    with pytest.raises(ConflictError, match="made no progress for 5 minutes and was taken as interrupted"):
        import_addresses(session, overtaken(), kind=ImportKind.CSV, source_name="slow.csv", actor=ADMIN_ACTOR,
                         batch_size=2)
    assert session.scalar(select(func.count(Address.id))) == 0


def test_only_a_city_tier_account_imports_the_register(session, ids):
    station = Actor(username="west-chief", role=Role.SUPERVISOR, ip="127.0.0.1", org_unit_id=ids["west_station"])
    with pytest.raises(PermissionDeniedError, match="only a city-tier account imports it"):
        load_register(session, actor=station)
    with pytest.raises(PermissionDeniedError):
        service.list_imports(session, actor=station)
    assert session.scalar(select(func.count(AddressImport.id))) == 0


@pytest.fixture
def scratch_url(database, tmp_path):
    """A migrated database of its own on the backend of ``database``, with one district covering the test city."""
    backend = database[0].dialect.name
    with scratch_database("sqlite" if backend == "sqlite" else "postgresql", tmp_path / "imports.db",
                          prefix="precinct_imports") as url:
        migrate.upgrade(url)
        factory = session_factory(url)
        square = {"type": "Polygon", "coordinates": [[[114.0, 30.5], [114.2, 30.5], [114.2, 30.7], [114.0, 30.7],
                                                      [114.0, 30.5]]]}
        with factory() as session:
            city = org_service.create_unit(session, code="C", name_zh="市局", name_en="City", tier=OrgTier.CITY)
            org_service.create_unit(session, code="D", name_zh="分局", name_en="District", tier=OrgTier.DISTRICT,
                                    parent_id=city.id, boundary_geojson=square)
            session.commit()
        factory.kw["bind"].dispose()
        yield url


def test_two_imports_at_once_on_their_own_connections_the_second_refused_the_first_whole(scratch_url):
    factory = session_factory(scratch_url)
    rows = list(read_csv_text(CSV))
    first_batch_in, second_tried = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def slow_rows():
        yield from rows[:2]
        first_batch_in.set()
        second_tried.wait(timeout=60)
        yield from rows[2:]

    def first() -> None:
        try:
            with factory() as session:
                outcome["report"] = load_register_rows(session, slow_rows())
        except BaseException as exc:  # reported to the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert first_batch_in.wait(timeout=60)
        with factory() as session, pytest.raises(ConflictError, match="is running"):
            load_register(session, HEADER + "Z1,,,,江汉区,解放大道,1,,,114.02,30.52\n")
        with factory() as session:
            assert sorted(session.scalars(select(Address.code))) == ["A1", "A2"]  # the first one's batch is kept
    finally:
        second_tried.set()
        thread.join(timeout=60)
    assert "error" not in outcome, outcome
    try:
        with factory() as session:
            assert sorted(session.scalars(select(Address.code))) == ["A1", "A2", "A3", "A4", "A5"]
            assert [r.status for r in session.scalars(select(AddressImport))] == [ImportStatus.COMPLETE]
            assert [m.address.code for m in service.search(session, "中北路", actor=ADMIN_ACTOR)] == ["A4", "A5"]
    finally:
        factory.kw["bind"].dispose()


def load_register_rows(session, rows):
    return import_addresses(session, rows, kind=ImportKind.CSV, source_name="slow.csv", actor=ADMIN_ACTOR,
                            batch_size=2, on_done=service.forget_index)


def test_the_preload_leaves_writers_free_while_it_builds(scratch_url, monkeypatch):
    factory = session_factory(scratch_url)
    real, wrote = service._build, []

    def build_while_a_call_is_taken(session):
        with factory() as writer:  # another request writes meanwhile (on SQLite it would wait for the write lock)
            writer.add(AddressImport(kind=ImportKind.CSV, source_name="other.csv", status=ImportStatus.COMPLETE,
                                     created_by="t", refused_rows=[]))
            writer.commit()
        wrote.append(True)
        return real(session)

    monkeypatch.setattr(service, "_build", build_while_a_call_is_taken)
    try:
        started = time.monotonic()
        service.preload_index(factory)
        assert wrote == [True] and time.monotonic() - started < 5
    finally:
        factory.kw["bind"].dispose()


def test_after_another_process_imports_searches_go_on_from_the_old_index_until_the_new_one_is_built(
        scratch_url, monkeypatch):
    factory = session_factory(scratch_url)
    try:
        with factory() as session:
            load_register(session)
            assert [m.address.code for m in service.search(session, "中北路", actor=ADMIN_ACTOR)] == ["A4", "A5"]
        with factory() as other_process:  # an import that does not tell this process's index (no on_done)
            import_addresses(other_process, read_csv_text(HEADER + "Z9,,,,武昌区,中北路,9,,,114.155,30.555\n"),
                             kind=ImportKind.CSV, source_name="other.csv", actor=ADMIN_ACTOR)
        building, release, builds = threading.Event(), threading.Event(), []
        real = service._build

        def slow_build(session):
            builds.append(1)
            building.set()
            assert release.wait(timeout=60)
            return real(session)

        monkeypatch.setattr(service._checked, "ttl_s", 0.0)  # every search checks the register again
        monkeypatch.setattr(service, "_build", slow_build)
        with factory() as session:  # a build in this thread would wait in slow_build until the test fails
            assert [m.address.code for m in service.search(session, "中北路", actor=ADMIN_ACTOR)] == ["A4", "A5"]
            assert building.wait(timeout=30)
            assert [m.address.code for m in service.search(session, "中北路", actor=ADMIN_ACTOR)] == ["A4", "A5"]
            rebuild = service._rebuilding[str(factory.kw["bind"].url)][0]
            assert rebuild.is_alive() and builds == [1]  # the second search neither waited nor started another
            release.set()
            rebuild.join(timeout=60)
            assert sorted(m.address.code for m in service.search(session, "中北路", actor=ADMIN_ACTOR)) == [
                "A4", "A5", "Z9"]
    finally:
        release.set()
        factory.kw["bind"].dispose()


def test_a_failed_rebuild_is_logged_the_old_index_answers_and_the_next_check_builds_again(scratch_url, monkeypatch,
                                                                                          caplog):
    factory = session_factory(scratch_url)
    try:
        with factory() as session:
            load_register(session)
            assert [m.address.code for m in service.search(session, "中北路", actor=ADMIN_ACTOR)] == ["A4", "A5"]
        with factory() as other_process:
            import_addresses(other_process, read_csv_text(HEADER + "Z8,,,,武昌区,中北路,8,,,114.155,30.555\n"),
                             kind=ImportKind.CSV, source_name="other.csv", actor=ADMIN_ACTOR)
        real = service._build

        def broken(session):
            raise RuntimeError("connection lost")

        monkeypatch.setattr(service._checked, "ttl_s", 0.0)
        monkeypatch.setattr(service, "_build", broken)
        key = str(factory.kw["bind"].url)
        with factory() as session:
            assert [m.address.code for m in service.search(session, "中北路", actor=ADMIN_ACTOR)] == ["A4", "A5"]
            service._rebuilding[key][0].join(timeout=60)
            assert "rebuilding the address index failed" in caplog.text
            monkeypatch.setattr(service, "_build", real)
            assert [m.address.code for m in service.search(session, "中北路", actor=ADMIN_ACTOR)] == ["A4", "A5"]
            service._rebuilding[key][0].join(timeout=60)
            assert sorted(m.address.code for m in service.search(session, "中北路", actor=ADMIN_ACTOR)) == [
                "A4", "A5", "Z8"]
    finally:
        factory.kw["bind"].dispose()
