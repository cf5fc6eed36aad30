"""The versioned time-limit table: defaults, a supervisor's new version, bad input refused whole."""

from __future__ import annotations

import pytest
from deadline_kit import call, one
from sqlalchemy import func, select

from precinct.app import session_factory
from precinct.audit.models import AuditEntry
from precinct.core.db import make_engine
from precinct.core.errors import ConflictError, ValidationError
from precinct.core.permissions import Role
from precinct.core.security import Actor
from precinct.supervision import limits
from precinct.supervision.models import Stage, TimeLimit, TimeLimitVersion
from testkit import run_together

CHIEF = Actor(username="supervisor", role=Role.SUPERVISOR, ip="127.0.0.1")
Change = limits.LimitChange


def test_version_one_holds_the_bureau_defaults(session):
    table = limits.current(session)
    assert table.version_id == 1 and len(table.limits) == 20
    assert table.limit_s(1, Stage.DISPATCH) == 60 and table.limit_s(1, Stage.ARRIVAL) == 300
    assert table.limit_s(4, Stage.CALLBACK) == 604800
    assert {(p, s): v for (p, s), v in table.limits.items()} == {
        (p, s): row[p - 1] for s, row in limits.DEFAULT_LIMITS_S.items() for p in limits.PRIORITIES}


def test_a_change_makes_a_new_version_and_applies_to_stages_entered_later(session):
    before = call(session, priority=1)
    version, table = limits.update(session, [Change(1, "dispatch", 90), Change(2, Stage.ARRIVAL, 480)],
                                   reason="试行新时限 / trial", actor=CHIEF)
    assert version.id > 1 and version.created_by == "supervisor" and version.reason == "试行新时限 / trial"
    assert table.limit_s(1, Stage.DISPATCH) == 90 and table.limit_s(2, Stage.ARRIVAL) == 480
    assert table.limit_s(3, Stage.DISPATCH) == 300  # the other cells are carried over
    assert limits.current(session).version_id == version.id
    assert [v.id for v in limits.list_versions(session)] == [version.id, 1]  # ids: a sequence, not a count
    assert limits.get_version(session, 1)[1].limit_s(1, Stage.DISPATCH) == 60  # the old version is kept
    after = call(session, priority=1)
    assert (one(session, before.id, Stage.DISPATCH).limit_s, one(session, before.id, Stage.DISPATCH).version_id) == (
        60, 1)
    assert (one(session, after.id, Stage.DISPATCH).limit_s, one(session, after.id, Stage.DISPATCH).version_id) == (
        90, version.id)
    session.commit()
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "time_limits.update"))
    assert entry.actor == "supervisor" and entry.resource_id == str(version.id)
    assert {"priority": 1, "stage": "dispatch", "from_s": 60, "to_s": 90} in entry.detail["changes"]


@pytest.mark.parametrize(("changes", "reason", "message"), [
    ([Change(1, "dispatch", 0)], "r1", r"^limits\[0\]\.limit_s: 0 不是有效时限.* / 0 is no time limit"),
    ([Change(1, "dispatch", 60), Change(2, "arrival", -5)], "r1", r"^limits\[1\]\.limit_s: .* / -5 is no time limit"),
    ([Change(1, "dispatch", 99 * 86400)], "r1", r"^limits\[0\]\.limit_s: .* longer than"),
    ([Change(5, "dispatch", 60)], "r1", r"^limits\[0\]\.priority: .* / 5 is no priority"),
    ([Change(0, "dispatch", 60)], "r1", r"^limits\[0\]\.priority"),
    ([Change(1, "lunch", 60)], "r1", r"^limits\[0\]\.stage: .* / 'lunch' is no stage"),
    ([Change(1, "dispatch", 60), Change(1, "dispatch", 70)], "r1", r"^limits\[1\]: .* named twice"),
    ([], "r1", r"^limits: .* / name at least one"),
    ([Change(1, "dispatch", 60)], " ", r"^reason"),
])
def test_bad_input_names_the_field_and_stores_nothing(session, changes, reason, message):
    versions = session.scalar(select(func.count()).select_from(TimeLimitVersion))
    cells = session.scalar(select(func.count()).select_from(TimeLimit))
    with pytest.raises(ValidationError, match=message):
        limits.update(session, changes, reason=reason, actor=CHIEF)
    assert session.scalar(select(func.count()).select_from(TimeLimitVersion)) == versions
    assert session.scalar(select(func.count()).select_from(TimeLimit)) == cells


def test_a_change_made_on_an_older_version_is_refused_and_stores_nothing(session):
    first, _ = limits.update(session, [Change(1, "dispatch", 90)], reason="first editor", actor=CHIEF,
                             base_version_id=1)
    with pytest.raises(ConflictError, match=rf"第 {first.id} 版，你修改的是第 1 版.* / .*newer version \({first.id};"):
        limits.update(session, [Change(2, "dispatch", 200)], reason="second editor", actor=CHIEF, base_version_id=1)
    assert [v.id for v in limits.list_versions(session)] == [first.id, 1]
    assert limits.current(session).limit_s(2, Stage.DISPATCH) == limits.DEFAULT_LIMITS_S[Stage.DISPATCH][1]
    _, table = limits.update(session, [Change(2, "dispatch", 200)], reason="second editor", actor=CHIEF,
                                 base_version_id=first.id)
    assert table.limit_s(1, Stage.DISPATCH) == 90 and table.limit_s(2, Stage.DISPATCH) == 200  # built on the first


@pytest.fixture
def factory(fresh_database_url):
    engine = make_engine(fresh_database_url)
    yield session_factory(engine)
    engine.dispose()


def test_two_supervisors_saving_at_once_on_one_version_one_lands(factory):
    """Real threads, each with its own session: never two versions built on the same one."""
    def save(seconds: int):
        def go() -> int:
            with factory() as session:
                version, _ = limits.update(session, [Change(1, "dispatch", seconds)], reason=f"editor {seconds}",
                                           actor=CHIEF, base_version_id=base)
                session.commit()
                return version.id
        return go

    for trial in range(4):
        with factory() as session:
            base = limits.current(session).version_id
            session.commit()
        results = run_together([save(100 + trial * 10 + k) for k in range(3)])
        landed = [r for r in results if isinstance(r, int)]
        assert len(landed) == 1, results
        assert all(isinstance(r, ConflictError) for r in results if not isinstance(r, int)), results
        with factory() as session:
            assert limits._latest(session) == landed[0]
