"""Input no column can hold is a 422 naming the field, never a database error (SQLite and PostgreSQL)."""

from __future__ import annotations

import typing
from datetime import date, datetime
from urllib.parse import quote

import pytest
from fastapi import params
from fastapi.dependencies.utils import get_flat_params
from pydantic import AwareDatetime, BaseModel

from precinct.api.inputs import MAX_INT, Day, Instant, RequestModel
from precinct.app import api_routes
from precinct.core.permissions import Role

TOO_BIG = MAX_INT + 1
OVERFLOW = "0001-01-01T00:00:00+14:00"  # 31 December of the year 0 in UTC: no Python datetime
CALL = {"source": "phone_110", "type_code": "theft", "lon": 114.05, "lat": 30.55}


def _fields(response) -> list[str]:
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    return [field["field"] for field in error["fields"]]


def _is_int(annotation: object) -> bool:
    if annotation is int:
        return True
    return any(_is_int(arg) for arg in typing.get_args(annotation))


def _int_parameters() -> list[tuple[str, str, list[str], list[str]]]:
    found = []
    for method, path, route in api_routes():
        flat = get_flat_params(route.dependant)
        in_path = [f.alias for f in flat if isinstance(f.field_info, params.Path) and _is_int(f.field_info.annotation)]
        in_query = [f.alias for f in flat
                    if isinstance(f.field_info, params.Query) and _is_int(f.field_info.annotation)]
        if in_path or in_query:
            found.append((method, path, in_path, in_query))
    return found


INT_PARAMETERS = _int_parameters()


def test_the_walk_finds_the_routes_with_integer_parameters():
    routes = {(method, path) for method, path, *_ in INT_PARAMETERS}
    assert ("GET", "/api/v1/incidents/{incident_id}") in routes
    assert ("POST", "/api/v1/role-grants/{grant_id}/approve") in routes
    assert ("GET", "/api/v1/incidents") in routes  # district_id, page, page_size, ... in the query
    assert len(routes) >= 25


@pytest.mark.parametrize(("method", "path", "in_path", "in_query"), INT_PARAMETERS,
                         ids=[f"{m} {p}" for m, p, *_ in INT_PARAMETERS])
def test_every_integer_parameter_beyond_32_bits_is_a_422_naming_it(client, auth, method, path, in_path, in_query):
    url = path
    for name in in_path:
        url = url.replace("{" + name + "}", str(TOO_BIG))
    url = url.replace("{username}", "dispatcher")
    query = "&".join(f"{name}={TOO_BIG}" for name in in_query)
    response = client.request(method, url + (f"?{query}" if query else ""), headers=auth(Role.SUPERVISOR))
    named = set(_fields(response))  # with any required parameter this request leaves out
    assert named >= {f"path.{n}" for n in in_path} | {f"query.{n}" for n in in_query}


def test_an_id_beyond_32_bits_is_refused_before_the_database_sees_it(client, auth):
    response = client.get("/api/v1/incidents/9999999999", headers=auth(Role.DISPATCHER))
    assert _fields(response) == ["path.incident_id"]
    assert "2147483647" in response.json()["error"]["message"]
    body = {"unit_id": 9999999999}
    assert _fields(client.post("/api/v1/incidents/1/assignments", json=body, headers=auth(Role.DISPATCHER))) == [
        "unit_id"]


def test_a_digits_only_text_parameter_is_not_taken_for_an_integer(client, auth):
    response = client.get(f"/api/v1/audit?resource_id={TOO_BIG}", headers=auth(Role.AUDITOR))
    assert response.status_code == 200, response.text


def test_nul_in_a_body_string_is_a_422_naming_the_field(client, auth):
    headers = auth(Role.CALL_TAKER)
    assert _fields(client.post("/api/v1/intake", json=CALL | {"description": "a\x00b"}, headers=headers)) == [
        "description"]
    party = {"kind": "caller", "name": "张\x00三"}
    assert _fields(client.post("/api/v1/intake", json=CALL | {"parties": [party]}, headers=headers)) == [
        "parties.0.name"]
    premises = {"name": "x\x00", "category": "school", "lon": 114.05, "lat": 30.55}
    assert _fields(client.post("/api/v1/places/premises", json=premises, headers=auth(Role.SUPERVISOR))) == ["name"]


def test_nul_in_a_query_or_path_parameter_is_a_422_naming_it(client, auth):
    response = client.get(f"/api/v1/incidents?type_code={quote('theft' + chr(0))}", headers=auth(Role.DISPATCHER))
    assert _fields(response) == ["query.type_code"]
    response = client.post(f"/api/v1/users/{quote('a' + chr(0))}/unlock", headers=auth(Role.ADMIN))
    assert _fields(response) == ["path.username"]


def test_nul_in_the_log_in_name_is_a_422_naming_it_without_a_token(client):
    response = client.post("/api/v1/auth/token", data={"username": "dispatcher\x00", "password": "x"})
    assert _fields(response) == ["username"]
    assert _fields(client.post("/api/v1/auth/token", data={"username": "dispatcher", "password": "\x00"})) == [
        "password"]


@pytest.mark.parametrize("value", [OVERFLOW, "0001-01-01T00:00:00Z", "2100-01-01T00:00:00Z", "2024-05-01T08:00:00"])
def test_intake_refuses_a_received_at_outside_1900_2099_or_without_offset(client, auth, value):
    response = client.post("/api/v1/intake", json=CALL | {"received_at": value}, headers=auth(Role.CALL_TAKER))
    assert _fields(response) == ["received_at"]


def test_an_overflowing_time_in_a_position_report_is_a_422(client, auth):
    at = {"lon": 114.05, "lat": 30.55, "at": OVERFLOW}
    headers = auth(Role.DISPATCHER)
    assert _fields(client.post("/api/v1/units/1/positions", json=at, headers=headers)) == ["at"]
    response = client.post("/api/v1/unit-positions", json={"reports": [at | {"unit_id": 1}]}, headers=headers)
    assert _fields(response) == ["reports.0.at"]


def test_an_overflowing_time_in_a_list_filter_is_a_422(client, auth):
    response = client.get(f"/api/v1/incidents?received_from={quote(OVERFLOW)}", headers=auth(Role.DISPATCHER))
    assert _fields(response) == ["query.received_from"]
    response = client.get("/api/v1/incidents?received_to=0001-01-01T00:00:00Z", headers=auth(Role.DISPATCHER))
    assert _fields(response) == ["query.received_to"]


def test_year_one_days_and_times_in_planning_and_forecasts_are_422(client, auth):
    response = client.post("/api/v1/analysis/forecasts", json={"target_date": "0001-01-01"},
                           headers=auth(Role.ANALYST))
    assert _fields(response) == ["target_date"]
    body = {"treated": {"district_id": 1}, "comparison": {"district_id": 2}, "before": [OVERFLOW, "2024-01-01T00:00Z"],
            "after": ["2024-02-01T00:00Z", "2024-03-01T00:00Z"]}
    assert _fields(client.post("/api/v1/planning/before-after", json=body, headers=auth(Role.ANALYST))) == ["before.0"]


def test_null_island_is_refused_at_intake(client, auth):
    response = client.post("/api/v1/intake", json=CALL | {"lon": 0, "lat": 0}, headers=auth(Role.CALL_TAKER))
    assert _fields(response) == ["lat"]
    assert "null island" in response.json()["error"]["message"]
    response = client.post("/api/v1/incidents", json=CALL | {"lon": 0.0, "lat": 0.0}, headers=auth(Role.CALL_TAKER))
    assert _fields(response) == ["lat"]


def test_numbers_that_are_not_finite_are_refused(client, auth):
    body = '{"source": "phone_110", "type_code": "theft", "lon": NaN, "lat": 30.5}'  # Python's JSON reads NaN
    response = client.post("/api/v1/intake", content=body, headers=auth(Role.CALL_TAKER) | {
        "content-type": "application/json"})
    assert _fields(response) == ["lon"]
    response = client.get("/api/v1/map/route?from_lon=nan&from_lat=30.5&to_lon=114.1&to_lat=30.5",
                          headers=auth(Role.DISPATCHER))
    assert _fields(response) == ["query.from_lon"]


@pytest.mark.parametrize(("field", "length"), [("address", 257), ("external_id", 65), ("type_code", 33),
                                               ("description", 4001)])
def test_an_over_long_intake_string_is_a_422_not_a_database_error(client, auth, field, length):
    response = client.post("/api/v1/intake", json=CALL | {field: "x" * length}, headers=auth(Role.CALL_TAKER))
    assert _fields(response) == [field]


def test_over_long_names_of_units_premises_and_plans_are_422(client, auth):
    unit = {"call_sign": "x" * 33, "unit_type": "patrol_car"}
    assert _fields(client.post("/api/v1/units", json=unit, headers=auth(Role.SUPERVISOR))) == ["call_sign"]
    premises = {"name": "x" * 129, "category": "school", "lon": 114.05, "lat": 30.55}
    assert _fields(client.post("/api/v1/places/premises", json=premises, headers=auth(Role.SUPERVISOR))) == ["name"]
    plan = {"type_code": "theft", "unit_types": [{"unit_type": "patrol_car", "count": 1}],
            "checklist": [{"zh": "x" * 501}]}
    assert _fields(client.post("/api/v1/response-plans", json=plan, headers=auth(Role.SUPERVISOR))) == [
        "checklist.0.zh"]


def test_pages_are_bounded_on_every_paged_route(client, auth):
    paged = [(path, get_flat_params(route.dependant)) for method, path, route in api_routes()
             if any(f.alias == "page_size" for f in get_flat_params(route.dependant))]
    assert {path for path, _ in paged} >= {"/api/v1/incidents", "/api/v1/audit"}
    for path, flat in paged:
        size = next(f for f in flat if f.alias == "page_size")
        assert any(getattr(m, "le", None) == 500 for m in size.field_info.metadata), path
        for query in ("page=0", "page_size=0", "page_size=501", f"page={TOO_BIG}"):
            response = client.get(f"{path}?{query}", headers=auth(Role.AUDITOR if "audit" in path else Role.SUPERVISOR))
            assert _fields(response) == [f"query.{query.partition('=')[0]}"], (path, query)


# ---- every request body, by its declaration ------------------------------------------------------


def _body_models() -> dict[str, type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}

    def visit(annotation: object) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation.__name__ not in found:
                found[annotation.__name__] = annotation
                for field in annotation.model_fields.values():
                    visit(field.annotation)
            return
        for arg in typing.get_args(annotation):
            visit(arg)

    for _method, _path, route in api_routes():
        if route.body_field is not None and not isinstance(route.body_field.field_info, params.Form):
            visit(route.body_field.field_info.annotation)
    return found


BODY_MODELS = _body_models()


def test_every_request_body_model_refuses_unstorable_values():
    assert {"IncidentCreate", "PartyCreate", "PositionBatchItem", "Area", "PlanUnit", "DrillStart"} <= set(BODY_MODELS)
    assert [name for name, model in BODY_MODELS.items() if not issubclass(model, RequestModel)] == []


INSTANT_CHECK, DAY_CHECK = typing.get_args(Instant)[1], typing.get_args(Day)[1]


def _times_not_bounded(annotation: object) -> bool:
    """True if ``annotation`` holds a datetime or date that is not an Instant or a Day."""
    if typing.get_origin(annotation) is typing.Annotated:
        base, *checks = typing.get_args(annotation)
        if (base is AwareDatetime and INSTANT_CHECK in checks) or (base is date and DAY_CHECK in checks):
            return False
        return _times_not_bounded(base)
    if annotation in (datetime, date, AwareDatetime):
        return True
    return any(_times_not_bounded(arg) for arg in typing.get_args(annotation))


def test_every_time_in_a_request_body_is_an_instant_and_every_day_a_day():
    unbounded = [f"{name}.{field_name}" for name, model in BODY_MODELS.items()
                 for field_name, field in model.model_fields.items()
                 if _times_not_bounded(typing.Annotated[(field.annotation, *field.metadata)]
                                       if field.metadata else field.annotation)]
    assert unbounded == []


def _schema_problems(schema: dict, where: str) -> list[str]:
    problems = []
    is_free_text = schema.get("type") == "string" and not {"enum", "format", "const"} & schema.keys()
    if is_free_text and "maxLength" not in schema:
        problems.append(f"{where}: text without maxLength")
    if schema.get("type") == "integer" and not (schema.get("minimum", -2**63) >= -MAX_INT - 1 and
                                                 schema.get("maximum", 2**63) <= MAX_INT):
        problems.append(f"{where}: integer not bounded to 32 bits")
    for key, value in schema.items():
        if isinstance(value, dict):
            problems += _schema_problems(value, f"{where}.{key}")
        elif isinstance(value, list):
            problems += [p for i, item in enumerate(value) if isinstance(item, dict)
                         for p in _schema_problems(item, f"{where}.{key}[{i}]")]
    return problems


def test_every_text_and_integer_field_of_a_request_body_is_bounded():
    problems = [p for name, model in BODY_MODELS.items() for p in _schema_problems(model.model_json_schema(), name)]
    assert problems == []


def _unbounded_collections(schema: object, where: str) -> list[str]:
    if isinstance(schema, list):
        return [p for i, item in enumerate(schema) for p in _unbounded_collections(item, f"{where}[{i}]")]
    if not isinstance(schema, dict):
        return []
    problems = []
    if schema.get("type") == "array" and "maxItems" not in schema:
        problems.append(f"{where}: list without maxItems")
    # a closed object (additionalProperties false) holds only its declared fields: bounded already
    open_mapping = schema.get("additionalProperties") not in (None, False)
    if schema.get("type") == "object" and open_mapping and "maxProperties" not in schema:
        problems.append(f"{where}: mapping without maxProperties")
    return problems + [p for key, value in schema.items() for p in _unbounded_collections(value, f"{where}.{key}")]


def test_every_list_and_mapping_in_a_request_body_is_bounded():
    problems = [p for name, model in BODY_MODELS.items()
                for p in _unbounded_collections(model.model_json_schema(), name)]
    # a drill's whole scenario is checked by the drill service, within the drill route's body limit
    assert problems == ["DrillStart.properties.scenario.anyOf[0]: mapping without maxProperties"]


def test_the_bounds_of_text_fields_match_their_columns():
    from sqlalchemy import String

    from precinct.incidents.models import Incident, IncidentParty
    from precinct.places.models import Premises
    from precinct.units.models import Unit
    from precinct.users.models import User

    pairs = [("IncidentCreate", Incident, ("type_code", "address", "external_id")),
             ("PartyCreate", IncidentParty, ("name", "phone")), ("UnitCreate", Unit, ("call_sign",)),
             ("PremisesCreate", Premises, ("name", "address")), ("UserCreate", User, ("username", "display_name"))]
    for model_name, table, names in pairs:
        schema = BODY_MODELS[model_name].model_json_schema()["properties"]
        for name in names:
            column_type = table.__table__.c[name].type
            length = column_type.length if isinstance(column_type, String) else 32  # type_code: the types' key
            declared = schema[name].get("maxLength") or next(s["maxLength"] for s in schema[name]["anyOf"]
                                                             if s.get("type") == "string")
            assert declared <= length, (model_name, name, declared, length)


def test_the_storability_refusals_are_said_in_chinese_and_english(client, auth):
    headers = auth(Role.DISPATCHER)
    error = client.post("/api/v1/intake", json=CALL | {"description": "a\x00b"}, headers=headers).json()["error"]
    assert error["fields"] == [{"field": "description",
                                "reason": "不能含 NUL 字符（\\u0000） / must not contain NUL characters (\\u0000)"}]
    assert error["message"].startswith("description: 不能含 NUL 字符") and error["message"].endswith(
        "/ description: must not contain NUL characters (\\u0000)")
    response = client.get("/api/v1/incidents/2147483648", headers=headers)
    assert "须在 -2147483648 与 2147483647 之间" in response.json()["error"]["message"]
    login = client.post("/api/v1/auth/token", data={"username": "dispatcher\x00", "password": "x"}).json()["error"]
    assert login["message"].startswith("username: 不能含 NUL")
    assert "/ username: must not contain NUL" in login["message"]
    island = client.post("/api/v1/intake", json=CALL | {"lon": 0, "lat": 0}, headers=headers).json()["error"]
    assert island["fields"][0]["reason"].startswith("经纬度均为 0") and "null island" in island["fields"][0]["reason"]
