"""GET /meta and /auth/me: the console's reference tables come from the server's own definitions."""

from __future__ import annotations

from precinct.core.permissions import GRANTS, Permission, Role, permissions_of
from precinct.incidents.status import TRANSITIONS as INCIDENT_TRANSITIONS
from precinct.units.status import TRANSITIONS as UNIT_TRANSITIONS


def test_meta_serves_the_permission_table_and_status_machines(client, auth):
    meta = client.get("/api/v1/meta", headers=auth(Role.ANALYST)).json()
    assert meta["local_timezone"] == "Asia/Shanghai"
    assert meta["permissions"]["dispatch"] == ["admin", "dispatcher", "supervisor"]
    assert set(meta["permissions"]) == {p.value for p in Permission}
    expected = {p.value: {r.value for r in roles} for p, roles in GRANTS.items()}
    assert {k: set(v) for k, v in meta["permissions"].items()} == expected
    incident = meta["incident"]
    assert incident["open"] == ["received", "dispatched", "en_route", "on_scene"]
    assert incident["final"] == ["closed", "transferred"]
    assert incident["transitions"]["received"] == sorted(s.value for s in INCIDENT_TRANSITIONS["received"])
    assert "dispatched" not in incident["manual_targets"]  # reached by assigning a unit
    assert meta["unit"]["transitions"]["on_scene"] == sorted(s.value for s in UNIT_TRANSITIONS["on_scene"])
    assert "officer_initiated" in meta["incident_sources"] and "officer_initiated" not in meta["reported_sources"]
    assert meta["dispositions"][0] == "resolved"
    assert {"code": "school", "zh": "学校", "en": "School"} in meta["premises_categories"]
    assert meta["handoff_agencies"] == ["fire", "ambulance", "hotline_12345"]
    assert set(meta["handoff_modes"]) == {"transfer", "joint"}
    assert [(d["level"], d["numeral"]) for d in meta["duty_levels"]] == [(1, "I"), (2, "II"), (3, "III"), (4, "IV")]
    assert meta["duty_levels"][3]["min_available_share"] == 0.2


def test_meta_follows_the_local_timezone_setting(app, client, auth):
    app.state.settings = app.state.settings.model_copy(update={"local_timezone": "Europe/Helsinki"})
    assert client.get("/api/v1/meta", headers=auth(Role.AUDITOR)).json()["local_timezone"] == "Europe/Helsinki"


def test_me_lists_the_permissions_of_the_callers_role(client, auth):
    me = client.get("/api/v1/auth/me", headers=auth(Role.CALL_TAKER)).json()
    assert me["permissions"] == [p.value for p in permissions_of(Role.CALL_TAKER)]
    assert "intake" in me["permissions"] and "dispatch" not in me["permissions"]
    auditor = client.get("/api/v1/auth/me", headers=auth(Role.AUDITOR)).json()
    assert auditor["permissions"] == ["any", "audit", "see_grants", "approve_grants"]


def test_health_and_types(client, auth):
    health = client.get("/api/v1/health").json()
    assert health["status"] == "ok" and health["database"] in {"sqlite", "postgresql"}
    types = client.get("/api/v1/incident-types", headers=auth(Role.ANALYST)).json()
    burglary = next(t for t in types if t["code"] == "burglary")
    assert (burglary["name_zh"], burglary["category"]) == ("入室盗窃", "burglary")
