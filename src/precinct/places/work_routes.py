"""Inspection, hazard, board and beat-log routes under /api/v1/places."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Response, status
from sqlalchemy.orm import Session

from precinct.api.deps import SessionDep, SettingsDep, require
from precinct.api.inputs import Id
from precinct.core.db import utcnow
from precinct.core.permissions import Permission
from precinct.core.security import Actor
from precinct.places import beat_log, hazards, inspections
from precinct.places import service as premises_service
from precinct.places.inspection_models import ChecklistTemplate, Hazard, HazardStatus, Inspection
from precinct.places.models import PremisesCategory
from precinct.places.schemas import (
    AttachmentRead,
    BeatLogRead,
    BeatWeeksRead,
    BoardRead,
    ChecklistCreate,
    ChecklistRead,
    DueInspectionRead,
    HazardClose,
    HazardEventRead,
    HazardRead,
    InspectionCreate,
    InspectionRead,
    ItemResultRead,
    ReinspectionCreate,
    ScheduleRead,
    ScheduleSet,
    VisitCreate,
    VisitRead,
    WeekCount,
    hazard_read,
    visit_read,
)

router = APIRouter(prefix="/places", tags=["places"])
Reader = Annotated[Actor, require(Permission.READ_INCIDENTS)]
Commander = Annotated[Actor, require(Permission.COMMAND)]
Inspector = Annotated[Actor, require(Permission.INSPECT)]
BeatWorker = Annotated[Actor, require(Permission.BEAT_WORK)]


# ---- checklists and the schedule ----------------------------------------------------------------


@router.get("/checklists", response_model=list[ChecklistRead])
def list_checklists(session: SessionDep, _: Reader, category: PremisesCategory | None = None,
                    ) -> list[ChecklistTemplate]:
    """Return every version of the inspection checklists (of one category if given), oldest first."""
    return inspections.list_templates(session, category=category)


@router.post("/checklists", response_model=ChecklistRead, status_code=status.HTTP_201_CREATED)
def add_checklist(body: ChecklistCreate, session: SessionDep, actor: Commander) -> ChecklistTemplate:
    """Store a new version of a category's checklist (earlier versions stay with their inspections; city tier only)."""
    template = inspections.add_template(session, category=body.category, title=body.title, actor=actor,
                                        items=[item.model_dump() for item in body.items])
    session.commit()
    return template


@router.get("/inspection-schedule", response_model=list[ScheduleRead])
def get_schedule(session: SessionDep, _: Reader) -> list[ScheduleRead]:
    """Return the days between inspections for every category and risk grade (defaults where none is set)."""
    return [ScheduleRead(category=c, risk_grade=g, interval_days=d)
            for (c, g), d in inspections.schedule(session).items()]


@router.put("/inspection-schedule", response_model=ScheduleRead)
def set_schedule(body: ScheduleSet, session: SessionDep, actor: Commander) -> ScheduleRead:
    """Set the days between inspections of one category and risk grade (city tier only: 403 below it)."""
    row = inspections.set_interval(session, category=body.category, risk_grade=body.risk_grade,
                                   interval_days=body.interval_days, actor=actor)
    session.commit()
    return ScheduleRead(category=row.category, risk_grade=row.risk_grade, interval_days=row.interval_days)


# ---- inspections --------------------------------------------------------------------------------


def _inspections_read(session: Session, rows: list[Inspection], opened: dict[int, list[int]] | None = None,
                      ) -> list[InspectionRead]:
    results, files = inspections.details(session, [i.id for i in rows])
    return [InspectionRead(id=i.id, premises_id=i.premises_id, template_id=i.template_id, hazard_id=i.hazard_id,
                           inspected_at=i.inspected_at, inspected_by=i.inspected_by, passed=i.passed, notes=i.notes,
                           results=[ItemResultRead.model_validate(r) for r in results[i.id]],
                           attachments=[AttachmentRead.model_validate(f) for f in files[i.id]],
                           hazards_opened=(opened or {}).get(i.id, [])) for i in rows]


@router.post("/inspections", response_model=InspectionRead, status_code=status.HTTP_201_CREATED)
def record_inspection(body: InspectionCreate, session: SessionDep, actor: Inspector) -> InspectionRead:
    """检查 / record an inspection against the premises' current checklist; each failed item opens a hazard."""
    inspection, opened = inspections.record(
        session, premises_id=body.premises_id, actor=actor, notes=body.notes, inspected_at=body.inspected_at,
        results=[inspections.ItemResult(r.code, r.passed, r.note, r.deadline_days) for r in body.results])
    session.commit()
    return _inspections_read(session, [inspection], {inspection.id: opened})[0]


@router.get("/premises/{premises_id}/inspections", response_model=list[InspectionRead])
def list_inspections(premises_id: Id, session: SessionDep, actor: Reader) -> list[InspectionRead]:
    """Return the inspections and re-inspections of premises in your scope, latest first."""
    return _inspections_read(session, inspections.list_for(session, premises_id, actor=actor))


@router.get("/inspections/overdue", response_model=list[DueInspectionRead])
def overdue_inspections(session: SessionDep, actor: Reader, station_id: Id | None = None) -> list[DueInspectionRead]:
    """超期未检 / open premises in your scope (of one station if given: 404 outside it) whose inspection is past due."""
    return _due(inspections.overdue(session, actor=actor, station_id=_station(session, station_id, actor)))


def _station(session: Session, station_id: int | None, actor: Actor) -> int | None:
    return None if station_id is None else premises_service.station_visible(session, station_id, actor)


def _due(rows: list[inspections.DueInspection]) -> list[DueInspectionRead]:
    return [DueInspectionRead(premises_id=d.premises.id, name=d.premises.name, category=d.premises.category,
                              risk_grade=d.premises.risk_grade, station_id=d.premises.station_id,
                              last_inspected_at=d.last_inspected_at, interval_days=d.interval_days, due_at=d.due_at,
                              days_late=round(d.days_late, 2)) for d in rows]


@router.post("/attachments", response_model=AttachmentRead, status_code=status.HTTP_201_CREATED)
def attach_file(
    data: Annotated[bytes, Body(media_type="application/octet-stream", description="the file's bytes")],
    inspection_id: Annotated[Id, Query()], filename: Annotated[str, Query(min_length=1, max_length=128)],
    content_type: Annotated[str, Query(max_length=64, description="image/jpeg, image/png or application/pdf")],
    session: SessionDep, settings: SettingsDep, actor: Inspector,
) -> AttachmentRead:
    """Attach a photo or document to your own inspection (stored on disk under its SHA-256)."""
    attachment = inspections.attach(session, inspection_id, data, filename=filename, content_type=content_type,
                                    actor=actor, directory=settings.attachment_dir,
                                    max_bytes=settings.attachment_max_bytes)
    session.commit()
    return AttachmentRead.model_validate(attachment)


FILE_ANSWER = {"description": "the file's bytes", "content": {
    kind: {"schema": {"type": "string", "format": "binary"}} for kind in inspections.ACCEPTED_TYPES}}


@router.get("/attachments/{attachment_id}", response_class=Response, responses={200: FILE_ANSWER})
def download_file(attachment_id: Id, session: SessionDep, settings: SettingsDep, actor: Reader) -> Response:
    """Return an inspection's file (checked against its SHA-256; 404 outside your scope or if the file was altered)."""
    attachment, data = inspections.read_attachment(session, attachment_id, actor=actor,
                                                   directory=settings.attachment_dir)
    return Response(data, media_type=attachment.content_type, headers={
        "Content-Disposition": f'attachment; filename="file-{attachment.id}"', "X-Content-SHA256": attachment.sha256})


# ---- hazards ------------------------------------------------------------------------------------


def _hazards_read(rows: list[Hazard]) -> list[HazardRead]:
    now = utcnow()
    return [hazard_read(h, now=now, moves=hazards.MOVES[h.status]) for h in rows]


@router.get("/hazards", response_model=list[HazardRead])
def list_hazards(session: SessionDep, actor: Reader, status_: Annotated[HazardStatus | None, Query(alias="status")]
                 = None, premises_id: Id | None = None) -> list[HazardRead]:
    """Return the hazards in your scope (of one status or premises if given), latest first."""
    return _hazards_read(hazards.list_(session, actor=actor, status=status_, premises_id=premises_id))


@router.get("/hazards/overdue", response_model=list[HazardRead])
def overdue_hazards(session: SessionDep, actor: Reader, station_id: Id | None = None) -> list[HazardRead]:
    """超期隐患 / open hazards in your scope (of one station if given: 404 outside it) past their deadline."""
    return _hazards_read(hazards.list_(session, actor=actor, overdue=True,
                                       station_id=_station(session, station_id, actor)))


@router.get("/hazards/{hazard_id}", response_model=HazardRead)
def get_hazard(hazard_id: Id, session: SessionDep, actor: Reader) -> HazardRead:
    """Return a hazard in your scope."""
    return _hazards_read([hazards.get_visible(session, hazard_id, actor)])[0]


@router.get("/hazards/{hazard_id}/events", response_model=list[HazardEventRead])
def hazard_events(hazard_id: Id, session: SessionDep, actor: Reader) -> list[HazardEventRead]:
    """Return a hazard's history (opened, re-inspected, overdue, escalated, closed), oldest first."""
    return [HazardEventRead.model_validate(e) for e in hazards.events_of(session, hazard_id, actor=actor)]


@router.post("/hazards/{hazard_id}/reinspect", response_model=HazardRead)
def reinspect_hazard(hazard_id: Id, body: ReinspectionCreate, session: SessionDep, actor: Inspector) -> HazardRead:
    """复查 / re-inspect a hazard: passed, it may be closed; failed, it stays open (409 unless it is open)."""
    hazard, _ = hazards.reinspect(session, hazard_id, passed=body.passed, note=body.note,
                                  deadline_days=body.deadline_days, actor=actor)
    session.commit()
    return _hazards_read([hazard])[0]


@router.post("/hazards/{hazard_id}/close", response_model=HazardRead)
def close_hazard(hazard_id: Id, body: HazardClose, session: SessionDep, actor: Commander) -> HazardRead:
    """销号 / close a hazard after a passed re-inspection (409 with the allowed moves otherwise)."""
    hazard = hazards.close(session, hazard_id, note=body.note, actor=actor)
    session.commit()
    return _hazards_read([hazard])[0]


@router.get("/board", response_model=BoardRead)
def places_board(session: SessionDep, actor: Reader, station_id: Id | None = None) -> BoardRead:
    """Return the board of places: overdue inspections and hazards in your scope (of one station: 404 outside it)."""
    station = _station(session, station_id, actor)
    return BoardRead(overdue_inspections=_due(inspections.overdue(session, actor=actor, station_id=station)),
                     overdue_hazards=_hazards_read(hazards.list_(session, actor=actor, overdue=True,
                                                                 station_id=station)))


# ---- the beat log -------------------------------------------------------------------------------


@router.post("/beats/{beat_id}/visits", response_model=VisitRead, status_code=status.HTTP_201_CREATED)
def add_visit(beat_id: Id, body: VisitCreate, session: SessionDep, actor: BeatWorker) -> VisitRead:
    """走访登记 / record a visit on a beat of your own station: the place, the purpose, what was done."""
    visit = beat_log.add(session, beat_id, actor=actor, **body.model_dump())
    session.commit()
    return visit_read(visit)


@router.get("/beats/{beat_id}/log", response_model=BeatLogRead)
def get_beat_log(beat_id: Id, session: SessionDep, settings: SettingsDep, actor: Reader,
                 weeks: Annotated[int, Query(ge=1, le=beat_log.MAX_WEEKS)] = 8) -> BeatLogRead:
    """Return a beat's log of the last ``weeks`` local weeks, its visits counted per week and purpose."""
    found = beat_log.log(session, beat_id, actor=actor, zone=settings.zone, weeks=weeks)
    beat = found["beat"]
    return BeatLogRead(beat_id=beat.id, code=beat.code, name_zh=beat.name_zh, name_en=beat.name_en,
                       station_id=beat.station_id, weeks=[WeekCount(**w) for w in found["weeks"]],
                       visits=[visit_read(v) for v in found["visits"]])


@router.get("/beat-weeks", response_model=list[BeatWeeksRead])
def beat_weeks(session: SessionDep, settings: SettingsDep, actor: Reader, station_id: Id,
               weeks: Annotated[int, Query(ge=1, le=beat_log.MAX_WEEKS)] = 8) -> list[BeatWeeksRead]:
    """Visits per beat per local week for the beats of a station in your scope (never per officer)."""
    return [BeatWeeksRead.model_validate(row) for row in beat_log.weekly_counts(
        session, actor=actor, zone=settings.zone, station_id=station_id, weeks=weeks)]
