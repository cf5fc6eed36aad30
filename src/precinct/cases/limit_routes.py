"""Case routes under /api/v1/cases: the rule table, deadlines, extensions, pauses, the overdue board, custody, figures.

Registered before :mod:`precinct.cases.routes`, so that ``/cases/overdue`` and the other fixed
paths are not taken for a case id.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, status

from precinct.api.deps import SessionDep, SettingsDep, require
from precinct.api.inputs import Day, Id
from precinct.cases import board, custody, figures, rules, timing
from precinct.cases.custody_models import CustodyAction
from precinct.cases.limit_models import CaseDeadline
from precinct.cases.limit_schemas import (
    BoardCountRead,
    BoardRead,
    BoardRowRead,
    BreachPage,
    BreachRead,
    CaseDeadlinesRead,
    CustodyEntryRead,
    CustodyStep,
    DeadlineRead,
    DisposalCreate,
    DisposalDecision,
    DisposalRead,
    ExplanationStep,
    ExtensionCreate,
    ExtensionRead,
    ExtensionStep,
    FiguresRead,
    ItemCreate,
    ItemRead,
    PauseCreate,
    PauseEnd,
    PauseRead,
    RuleRead,
    RuleTableRead,
    RuleUpdate,
    RuleVersionRead,
)
from precinct.core.db import utcnow
from precinct.core.permissions import Permission
from precinct.core.security import Actor

router = APIRouter(prefix="/cases", tags=["cases"])
Reader = Annotated[Actor, require(Permission.READ_CASES)]
Worker = Annotated[Actor, require(Permission.WORK_CASES)]
Approver = Annotated[Actor, require(Permission.APPROVE_CASES)]


def _table(table: rules.RuleTable) -> RuleTableRead:
    return RuleTableRead(version=RuleVersionRead.model_validate(table.version), rules=[
        RuleRead(id=r.id, code=r.code, name_zh=r.name_zh, name_en=r.name_en, kind=r.kind, trigger=r.trigger,
                 stops=list(r.stops), duration=r.duration, unit=r.unit,
                 extensions=[ExtensionStep(to=to, tier=tier) for to, tier in r.extensions], pauses=sorted(r.pauses),
                 roll_past_holidays=r.roll_past_holidays, remind_before_h=r.remind_before_h, provision=r.provision)
        for r in table.rules.values()])


@router.get("/rules", response_model=RuleTableRead)
def get_case_rules(session: SessionDep, _: Reader) -> RuleTableRead:
    """法定时限 / the rule table in force: each legal limit, what starts and stops it, extensions, pauses, provision."""
    return _table(rules.current(session))


@router.get("/rules/versions", response_model=list[RuleVersionRead])
def list_case_rule_versions(session: SessionDep, _: Reader) -> list[object]:
    """Return every version of the rule table, the latest first."""
    return list(rules.list_versions(session))


@router.get("/rules/versions/{version_id}", response_model=RuleTableRead)
def get_case_rule_version(version_id: Id, session: SessionDep, _: Reader) -> RuleTableRead:
    """Return one version of the rule table."""
    return _table(rules.get_version(session, version_id))


@router.post("/rules", response_model=RuleTableRead, status_code=status.HTTP_201_CREATED)
def update_case_rules(body: RuleUpdate, session: SessionDep,
                      actor: Annotated[Actor, require(Permission.SET_CASE_RULES)]) -> RuleTableRead:
    """Store a new version of the rule table with the given rules changed (limits started later use it)."""
    changes = [rules.RuleChange(code=c.code, duration=c.duration, remind_before_h=c.remind_before_h,
                                provision=c.provision,
                                extensions=None if c.extensions is None
                                else tuple((e.to, e.tier) for e in c.extensions))
               for c in body.rules]
    table = rules.update(session, changes, reason=body.reason, actor=actor)
    session.commit()
    return _table(table)


@router.get("/overdue", response_model=BoardRead)
def case_overdue_board(session: SessionDep, actor: Reader, station_id: Id | None = None,
                       limit: Annotated[int, Query(ge=1, le=1000)] = board.BOARD_LIMIT) -> BoardRead:
    """超期预警 / the cases' legal deadlines of your scope past their reminder time (amber) or due (red)."""
    found = board.board(session, actor, station_id=station_id, limit=limit)
    return BoardRead(now=found.now, red=found.red, amber=found.amber, truncated=found.truncated,
                     items=[BoardRowRead.model_construct(**vars(row)) for row in found.rows])


@router.get("/overdue/summary", response_model=list[BoardCountRead])
def case_overdue_summary(session: SessionDep, actor: Reader) -> list[BoardCountRead]:
    """Count the amber and red deadlines per station and district branch of your scope."""
    return [BoardCountRead(**vars(count)) for count in board.summary(session, actor)]


@router.get("/breaches", response_model=BreachPage)
def list_case_breaches(session: SessionDep, actor: Reader, station_id: Id | None = None,
                       page: Annotated[int, Query(ge=1, le=100_000)] = 1,
                       page_size: Annotated[int, Query(ge=1, le=500)] = 50) -> BreachPage:
    """List the recorded breaches of legal limits in your scope, latest first (kept after the cases close)."""
    items, total = board.breaches(session, actor, station_id=station_id, page=page, page_size=page_size)
    return BreachPage(items=[BreachRead.model_validate(b) for b in items], total=total, page=page, page_size=page_size)


@router.get("/figures", response_model=FiguresRead)
def case_figures(session: SessionDep, settings: SettingsDep,
                 actor: Annotated[Actor, require(Permission.CASE_FIGURES)], since: Day, until: Day,
                 station_id: Id | None = None) -> FiguresRead:
    """破案率与时效 / the case figures of your scope, counted from its records.

    Cases opened, cleared and closed per station and month, decisions within their limit, open cases by age.
    """
    found = figures.figures(session, actor, since=since, until=until, zone=settings.zone, station_id=station_id)
    return FiguresRead.model_validate({"since": found.since, "until": found.until, "now": found.now,
                                       "months": [vars(m) for m in found.months],
                                       "ages": [vars(a) for a in found.ages]})


def _state(deadline: CaseDeadline, now: datetime) -> str:
    if deadline.ended_at is not None:
        return deadline.outcome.value if deadline.outcome else "met"
    if deadline.due_at is None:
        return "paused"
    if deadline.due_at <= now:
        return "red"
    return "amber" if deadline.warn_at is not None and deadline.warn_at <= now else "running"


@router.get("/{case_id}/deadlines", response_model=CaseDeadlinesRead)
def list_case_deadlines(case_id: Id, session: SessionDep, settings: SettingsDep, actor: Reader) -> CaseDeadlinesRead:
    """Every legal deadline of a case with how it was reached (start, count, rest days, extensions, pauses)."""
    found, pauses = timing.explain(session, case_id, actor=actor, zone=settings.zone)
    now = utcnow()
    return CaseDeadlinesRead(case_id=case_id, now=now, pauses=[PauseRead.model_validate(p) for p in pauses], deadlines=[
        DeadlineRead(id=e.deadline.id, rule_code=e.rule.code, rule_zh=e.rule.name_zh, rule_en=e.rule.name_en,
                     provision=e.rule.provision, party_id=e.deadline.party_id, started_at=e.deadline.started_at,
                     duration=e.rule.duration, unit=e.rule.unit, extended_to=e.deadline.extended_to,
                     max_extension=e.rule.max_extension, due_at=e.deadline.due_at, warn_at=e.deadline.warn_at,
                     ended_at=e.deadline.ended_at, outcome=e.deadline.outcome,
                     state=_state(e.deadline, now),  # type: ignore[arg-type]
                     explanation=[ExplanationStep.model_validate(step) for step in e.steps],
                     extensions=[ExtensionRead.model_validate(x) for x in e.extensions],
                     breach=BreachRead.model_validate(e.breach) if e.breach else None)
        for e in found])


@router.post("/{case_id}/deadlines/{deadline_id}/extensions", response_model=CaseDeadlinesRead,
             status_code=status.HTTP_201_CREATED)
def extend_case_deadline(case_id: Id, deadline_id: Id, body: ExtensionCreate, session: SessionDep,
                         settings: SettingsDep, actor: Approver) -> CaseDeadlinesRead:
    """延长期限 / extend a running deadline as its rule allows, at the tier it names, with a reason."""
    timing.extend(session, case_id, deadline_id, body.to, body.reason, actor=actor, zone=settings.zone)
    session.commit()
    return list_case_deadlines(case_id, session, settings, actor)


@router.post("/{case_id}/pauses", response_model=PauseRead, status_code=status.HTTP_201_CREATED)
def add_case_pause(case_id: Id, body: PauseCreate, session: SessionDep, settings: SettingsDep,
                   actor: Worker) -> object:
    """中止计时 / a period (鉴定, ...) that stops the clock of the rules naming it; never overlapping another."""
    pause = timing.add_pause(session, case_id, body.kind, body.started_at, body.ended_at, body.reason, actor=actor,
                             zone=settings.zone)
    session.commit()
    return pause


@router.post("/{case_id}/pauses/{pause_id}/end", response_model=PauseRead)
def end_case_pause(case_id: Id, pause_id: Id, body: PauseEnd, session: SessionDep, settings: SettingsDep,
                   actor: Worker) -> object:
    """End an open pause: the clock runs again."""
    pause = timing.end_pause(session, case_id, pause_id, body.ended_at, actor=actor, zone=settings.zone)
    session.commit()
    return pause


@router.get("/{case_id}/items", response_model=list[ItemRead])
def list_case_items(case_id: Id, session: SessionDep, settings: SettingsDep, actor: Reader) -> list[ItemRead]:
    """涉案财物 / the evidence and property held for a case (each says whether it is past its retention)."""
    today = utcnow().astimezone(settings.zone).date()
    return [ItemRead.model_validate(item).model_copy(update={"past_retention": custody.is_past_retention(item, today)})
            for item in custody.items_of(session, case_id, actor=actor)]


@router.post("/{case_id}/items", response_model=ItemRead, status_code=status.HTTP_201_CREATED)
def add_case_item(case_id: Id, body: ItemCreate, session: SessionDep, settings: SettingsDep, actor: Worker) -> object:
    """Record an item with its label number and storage location (checked in)."""
    item = custody.add_item(session, case_id, label_number=body.label_number, description=body.description,
                            storage_location=body.storage_location, retention_until=body.retention_until,
                            actor=actor, zone=settings.zone)
    session.commit()
    return item


@router.get("/{case_id}/items/{item_id}/custody", response_model=list[CustodyEntryRead])
def list_custody_entries(case_id: Id, item_id: Id, session: SessionDep, actor: Reader) -> list[object]:
    """List an item's chain of custody, oldest first."""
    return list(custody.chain_of(session, case_id, item_id, actor=actor))


@router.post("/{case_id}/items/{item_id}/custody", response_model=CustodyEntryRead, status_code=status.HTTP_201_CREATED)
def add_custody_entry(case_id: Id, item_id: Id, body: CustodyStep, session: SessionDep, settings: SettingsDep,
                      actor: Worker) -> object:
    """出库 / 归还 / 移库: check an item out (to whom, why), return it, or move it (409 with the allowed steps)."""
    entry = custody.step(session, case_id, item_id, CustodyAction(body.action), reason=body.reason,
                         to_whom=body.to_whom, location=body.location, actor=actor, zone=settings.zone)
    session.commit()
    return entry


@router.post("/{case_id}/items/{item_id}/disposal", response_model=DisposalRead, status_code=status.HTTP_201_CREATED)
def request_item_disposal(case_id: Id, item_id: Id, body: DisposalCreate, session: SessionDep, settings: SettingsDep,
                          actor: Worker) -> object:
    """申请处置 / ask for an item's disposal (return, destroy, confiscate, send with the case)."""
    request = custody.request_disposal(session, case_id, item_id, body.method, body.reason, actor=actor,
                                       zone=settings.zone)
    session.commit()
    return request


@router.get("/{case_id}/disposals", response_model=list[DisposalRead])
def list_case_disposals(case_id: Id, session: SessionDep, actor: Reader) -> list[object]:
    """List a case's disposal requests and their decisions."""
    return list(custody.disposals_of(session, case_id, actor=actor))


@router.post("/disposals/{request_id}/decide", response_model=DisposalRead)
def decide_item_disposal(request_id: Id, body: DisposalDecision, session: SessionDep, settings: SettingsDep,
                         actor: Approver) -> object:
    """审批处置 / approve a disposal (the item leaves custody) or refuse it with a reason; never your own."""
    decided = custody.decide_disposal(session, request_id, approved=body.approved, note=body.note, actor=actor,
                                      zone=settings.zone)
    session.commit()
    return decided


__all__ = ["date", "router"]
