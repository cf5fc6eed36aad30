"""The import's column mapping: targets, columns that may hold personal data, and what is refused up front."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from precinct.audit.models import AuditEntry
from precinct.core.errors import ValidationError
from precinct.incidents.import_columns import (
    Target,
    UnmappedColumnsError,
    looks_personal,
    parse_target,
    plan_columns,
    suggest_target,
)
from precinct.incidents.importer import import_incidents
from precinct.incidents.models import Incident, IncidentParty, PartyKind
from testkit import ADMIN_ACTOR

CSV = Path("incidents.csv")
CANONICAL = ["id", "occurred_at", "category", "lat", "lon"]


@pytest.mark.parametrize("column", [
    "caller_name", "victim_phone", "witness_notes", "caller", "callerName", "name", "full_name", "Surname",
    "phone", "tel", "contact_tel", "mobile_no", "cellphone", "email", "id_card", "ID_NUMBER", "idcard_no",
    "passport", "date_of_birth", "dob", "plate", "home_address", "residential_address", "suspect_height",
    "姓名", "报警人", "报警人电话", "联系电话", "手机号", "身份证号", "证件号码", "家庭住址", "户籍地", "受害人",
    "车牌号",
])
def test_columns_that_may_hold_personal_data_are_recognised(column):
    assert looks_personal(column)


@pytest.mark.parametrize("column", [
    "premises_type", "neighbourhood", "ward", "street_name", "district_name", "offence", "ucr_code", "hood_158",
    "location_type", "event_unique_id", "division", "小区名称", "辖区", "weather", "hotel",
])
def test_columns_about_places_and_events_are_not_personal(column):
    assert not looks_personal(column)


def test_targets_are_read_and_spelt_back():
    assert parse_target("extra", column="ward") == Target("extra", "ward")
    assert str(parse_target(" extra.区划 ", column="ward")) == "extra.区划"
    assert parse_target("party.victim.phone", column="v") == Target("party", "phone", PartyKind.VICTIM)
    assert str(parse_target("ignore", column="x")) == "ignore"
    for bad in ("extra.occurred_at", "party.suspect.name", "party.caller.address", "notes", "extra." + "k" * 65):
        with pytest.raises(ValidationError, match=r"mapping of column 'c'.*extra\.KEY.*party\.KIND\.FIELD.*ignore"):
            parse_target(bad, column="c")


def test_suggestions_send_personal_data_to_a_party():
    assert str(suggest_target("ward")) == "extra.ward"
    assert str(suggest_target("victim_mobile")) == "party.victim.phone"
    assert str(suggest_target("witness_name")) == "party.witness.name"
    assert str(suggest_target("姓名")) == "party.caller.name"
    assert str(suggest_target("受害人电话")) == "party.victim.phone"
    assert str(suggest_target("id_card")) == "party.caller.notes"


def test_every_other_column_must_be_mapped():
    header = [*CANONICAL, "ward", "caller_name", "address"]
    with pytest.raises(UnmappedColumnsError) as refused:
        plan_columns(header, {}, path=CSV)
    assert (refused.value.unmapped, refused.value.personal_in_extra) == (["ward", "caller_name"], [])
    assert plan_columns(header, {"ward": "extra", "caller_name": "ignore"}, path=CSV) == {
        "ward": Target("extra", "ward"), "caller_name": Target("ignore")}


def test_personal_data_never_goes_into_extra():
    header = [*CANONICAL, "caller_name", "note"]
    with pytest.raises(UnmappedColumnsError, match=r"may hold personal data cannot go into extra: caller_name"):
        plan_columns(header, {"caller_name": "extra.who", "note": "extra"}, path=CSV)
    with pytest.raises(UnmappedColumnsError) as renamed:
        plan_columns(header, {"caller_name": "ignore", "note": "extra.phone"}, path=CSV)
    assert renamed.value.personal_in_extra == ["note"]


@pytest.mark.parametrize(("mapping", "message"), [
    ({"address": "extra"}, "'address' is a canonical column"),
    ({"wrad": "extra.ward"}, "'wrad' is not a column of this file"),
    ({"ward": "extra.area", "area": "extra"}, "columns 'ward' and 'area' both go to extra.area"),
])
def test_mistakes_in_the_mapping_are_named(mapping, message):
    with pytest.raises(ValidationError, match=message):
        plan_columns([*CANONICAL, "ward", "area"], mapping, path=CSV)


def test_header_faults_are_named():
    with pytest.raises(ValidationError, match=r"names column\(s\) ward more than once"):
        plan_columns([*CANONICAL, "ward", "ward"], {"ward": "extra"}, path=CSV)


def test_parties_are_imported_and_the_import_of_personal_data_audited_once(session, tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text(
        "id,occurred_at,category,lat,lon,caller_name,caller_phone,victim_name,ward,身份证号\n"
        "PD-1,2019-05-01T14:00:00+08:00,Assault,30.55,114.05,Zhang San,138-0013-8000,Li Si,W1,4201\n"
        "PD-2,2019-05-01T15:00:00+08:00,Assault,30.55,114.05,,,,W2,\n"
        "PD-3,2019-05-01T16:00:00+08:00,Assault,30.55,114.05,Wang Wu,call me maybe,,W3,\n"
        "PD-4,2019-05-01T17:00:00+08:00,Assault,30.55,114.05,,027 8888 6666,,W4,\n",
        encoding="utf-8")
    mapping = {"caller_name": "party.caller.name", "caller_phone": "party.caller.phone",
               "victim_name": "party.victim.name", "ward": "extra", "身份证号": "ignore"}
    report = import_incidents(session, path, actor=ADMIN_ACTOR, mapping=mapping)
    assert (report.imported, report.parties) == (3, 3)
    assert [(bad.line, "party.caller.phone" in bad.reason) for bad in report.bad_rows] == [(4, True)]
    parties = session.execute(
        select(Incident.external_id, IncidentParty.kind, IncidentParty.name, IncidentParty.phone)
        .join(Incident, Incident.id == IncidentParty.incident_id).order_by(IncidentParty.id)).all()
    assert [tuple(p) for p in parties] == [("PD-1", PartyKind.CALLER, "Zhang San", "138-0013-8000"),
                                          ("PD-1", PartyKind.VICTIM, "Li Si", ""),
                                          ("PD-4", PartyKind.CALLER, "", "027 8888 6666")]
    extras = {row[0]: row[1] for row in session.execute(select(Incident.external_id, Incident.extra))}
    assert extras["PD-1"] == {"ward": "W1", "occurred_at": "2019-05-01T14:00:00+08:00"}  # no name, no id number
    session.commit()
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "personal_data.import")).all()
    assert [(e.resource_id, e.detail) for e in entries] == [
        ("calls.csv", {"parties": 3, "columns": ["caller_name", "caller_phone", "victim_name"]})]


def test_an_unmapped_column_writes_nothing(session, tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("id,occurred_at,category,lat,lon,caller_name\n"
                    "UM-1,2019-05-01T14:00:00+08:00,Assault,30.55,114.05,Zhang San\n", encoding="utf-8")
    with pytest.raises(UnmappedColumnsError, match=r"calls\.csv: columns not in the mapping: caller_name"):
        import_incidents(session, path, actor=ADMIN_ACTOR)
    assert session.scalar(select(func.count(Incident.id)).where(Incident.external_id == "UM-1")) == 0
