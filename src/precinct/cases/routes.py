"""Case routes under /api/v1/cases.

The register, events, reviews, incidents and suggestions, tasks, documents, parties.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from starlette.concurrency import run_in_threadpool

from precinct.api.deps import SessionDep, SettingsDep, WriteSessionDep, require
from precinct.api.inputs import Id
from precinct.cases import catalogue, documents, links, parties, review, service, tasks
from precinct.cases.events import EVENT_NAMES
from precinct.cases.models import CaseKind, CaseStatus, SuggestionStatus, TaskStatus
from precinct.cases.schemas import (
    CaseCreate,
    CaseEventRead,
    CaseIncidentRead,
    CasePage,
    CaseRead,
    CaseTypeRead,
    DocumentRead,
    InboxRead,
    LinkIncident,
    MilestoneCreate,
    PartyCreate,
    PartyCreated,
    PartyRead,
    ReviewDecision,
    ReviewRead,
    ReviewSubmit,
    SuggestionDecision,
    SuggestionRead,
    TaskCreate,
    TaskRead,
    TaskUpdate,
    case_read,
    party_read,
    review_read,
)
from precinct.core.permissions import Permission
from precinct.core.security import Actor
from precinct.core.settings import Settings
from precinct.incidents.models import ReadPurpose

router = APIRouter(prefix="/cases", tags=["cases"])
Reader = Annotated[Actor, require(Permission.READ_CASES)]
Worker = Annotated[Actor, require(Permission.WORK_CASES)]
Approver = Annotated[Actor, require(Permission.APPROVE_CASES)]
PartyReader = Annotated[Actor, require(Permission.CASE_PARTIES)]


def store_of(settings: Settings) -> documents.Store:
    """Return the document store the settings name."""
    return documents.Store(settings.case_documents_dir, settings.case_document_max_bytes)


@router.get("/types", response_model=list[CaseTypeRead])
def list_case_types(session: SessionDep, _: Reader) -> list[object]:
    """案件类别 / the case-type code list (zh/en names, kind, national code where one exists)."""
    return list(catalogue.list_types(session))


@router.get("/inbox", response_model=InboxRead)
def review_inbox(session: SessionDep, actor: Worker) -> InboxRead:
    """待办 / decisions returned to you, and (approvers) those waiting for review in your scope."""
    returned, waiting = review.inbox(session, actor=actor)
    return InboxRead(returned=[review_read(r) for r in returned], waiting=[review_read(r) for r in waiting])


@router.post("/reviews/{review_id}/approve", response_model=ReviewRead)
def approve_review(review_id: Id, body: ReviewDecision, session: SessionDep, settings: SettingsDep,
                   actor: Approver) -> ReviewRead:
    """审批通过 / approve a decision: the move is made (409 with the allowed moves if the state no longer allows it)."""
    decided = review.approve(session, review_id, actor=actor, zone=settings.zone, note=body.note)
    session.commit()
    return review_read(decided)


@router.post("/reviews/{review_id}/return", response_model=ReviewRead)
def return_review(review_id: Id, body: ReviewDecision, session: SessionDep, settings: SettingsDep,
                  actor: Approver) -> ReviewRead:
    """退回 / return a decision to the investigator with a reason (it goes to their inbox)."""
    decided = review.return_(session, review_id, actor=actor, zone=settings.zone, note=body.note)
    session.commit()
    return review_read(decided)


@router.post("/documents", response_model=DocumentRead, status_code=status.HTTP_201_CREATED)
async def upload_case_document(
    case_id: Id, request: Request, session: SessionDep, settings: SettingsDep, actor: Worker,
    filename: Annotated[str, Query(min_length=1, max_length=200, pattern=r"^[^/\\]+$")],
    title: Annotated[str, Query(max_length=200)] = "",
) -> object:
    """上传文书 / upload a file of case ``case_id`` as the request body.

    Content-Type: application/pdf, image/jpeg, image/png or text/plain; it is stored with its SHA-256. Over the
    size limit: 413; another type: 422.
    """
    content = await request.body()

    def store() -> object:
        document = documents.add(session, case_id, content=content,
                                 content_type=request.headers.get("content-type", ""), filename=filename, title=title,
                                 store=store_of(settings), actor=actor, zone=settings.zone)
        session.commit()
        return document

    return await run_in_threadpool(store)


@router.post("", response_model=CaseRead, status_code=status.HTTP_201_CREATED)
def create_case(body: CaseCreate, session: SessionDep, settings: SettingsDep, actor: Worker) -> CaseRead:
    """受案 / register a case from incidents of your scope, or directly; numbered by the configured pattern."""
    case = service.create(session, body, actor=actor, number_pattern=settings.case_number_pattern, zone=settings.zone)
    session.commit()
    return case_read(case)


@router.get("", response_model=CasePage)
def list_cases(
    session: SessionDep, actor: Reader,
    status_: Annotated[list[CaseStatus] | None, Query(alias="status")] = None,
    kind: CaseKind | None = None, type_code: Annotated[str | None, Query(max_length=32)] = None,
    station_id: Id | None = None, number: Annotated[str | None, Query(max_length=64)] = None,
    mine: Annotated[bool, Query(description="only those your team works or you lead")] = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1, page_size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> CasePage:
    """Return one page of the cases of your scope, latest received first."""
    filters = service.CaseFilter(status=tuple(status_ or ()), kind=kind, type_code=type_code, station_id=station_id,
                                 mine=mine, number=number)
    items, total = service.list_(session, filters, actor=actor, page=page, page_size=page_size)
    return CasePage(items=[case_read(c) for c in items], total=total, page=page, page_size=page_size)


@router.get("/{case_id}", response_model=CaseRead)
def get_case(case_id: Id, session: SessionDep, actor: Reader) -> CaseRead:
    """Return a case with the moves its state allows (404 outside your scope)."""
    return case_read(service.get_visible(session, case_id, actor))


@router.get("/{case_id}/events", response_model=list[CaseEventRead])
def list_case_events(case_id: Id, session: SessionDep, actor: Reader) -> list[CaseEventRead]:
    """Return a case's append-only event log, oldest first."""
    return [CaseEventRead.model_validate({**{k: getattr(e, k) for k in ("id", "at", "actor", "kind", "from_status",
                                                                         "to_status", "data")},
                                          "kind_zh": EVENT_NAMES.get(e.kind, (e.kind, e.kind))[0],
                                          "kind_en": EVENT_NAMES.get(e.kind, (e.kind, e.kind))[1]})
            for e in service.events_of(session, case_id, actor=actor)]


@router.post("/{case_id}/reviews", response_model=ReviewRead, status_code=status.HTTP_201_CREATED)
def submit_review(case_id: Id, body: ReviewSubmit, session: SessionDep, settings: SettingsDep,
                  actor: Worker) -> ReviewRead:
    """提交审核 / submit a decision (open, not open, decide, transfer, withdraw, close) with its grounds."""
    submitted = review.submit(session, case_id, body.move, body.grounds, actor=actor, zone=settings.zone)
    session.commit()
    return review_read(submitted)


@router.get("/{case_id}/reviews", response_model=list[ReviewRead])
def list_case_reviews(case_id: Id, session: SessionDep, actor: Reader) -> list[ReviewRead]:
    """Return a case's decisions and their reviews, oldest first."""
    return [review_read(r) for r in review.reviews_of(session, case_id, actor=actor)]


@router.post("/{case_id}/milestones", response_model=CaseRead, status_code=status.HTTP_201_CREATED)
def record_milestone(case_id: Id, body: MilestoneCreate, session: SessionDep, settings: SettingsDep,
                     actor: Worker) -> CaseRead:
    """Record a summons, detention, notice to the family, interrogation, arrest request or release.

    It starts or stops the legal limits it names.
    """
    case = service.record_milestone(session, case_id, body.kind, actor=actor, zone=settings.zone,
                                    occurred_at=body.occurred_at, party_id=body.party_id, note=body.note)
    session.commit()
    return case_read(case)


@router.post("/{case_id}/cleared", response_model=CaseRead)
def mark_case_cleared(case_id: Id, body: SuggestionDecision, session: SessionDep, settings: SettingsDep,
                      actor: Worker) -> CaseRead:
    """破案 / mark a criminal case under investigation cleared (counted in the clearance figures)."""
    case = service.mark_cleared(session, case_id, actor=actor, zone=settings.zone, note=body.reason)
    session.commit()
    return case_read(case)


@router.get("/{case_id}/incidents", response_model=list[CaseIncidentRead])
def list_case_incidents(case_id: Id, session: SessionDep, actor: Reader) -> list[object]:
    """Return the incidents linked to a case."""
    return list(service.incidents_of(session, case_id, actor=actor))


@router.post("/{case_id}/incidents", response_model=CaseIncidentRead, status_code=status.HTTP_201_CREATED)
def link_case_incident(case_id: Id, body: LinkIncident, session: SessionDep, settings: SettingsDep,
                       actor: Worker) -> object:
    """关联警情 / link an incident of your scope to the case."""
    link = links.link_incident(session, case_id, body.incident_id, actor=actor, zone=settings.zone)
    session.commit()
    return link


@router.post("/{case_id}/suggestions", response_model=list[SuggestionRead])
def refresh_case_suggestions(case_id: Id, session: SessionDep, actor: Worker) -> list[object]:
    """串并建议 / look for incidents similar to the case's (series linking) and return the pending suggestions."""
    found = links.refresh_suggestions(session, case_id, actor=actor)
    session.commit()
    return list(found)


@router.get("/{case_id}/suggestions", response_model=list[SuggestionRead])
def list_case_suggestions(case_id: Id, session: SessionDep, actor: Reader,
                          status_: Annotated[SuggestionStatus | None, Query(alias="status")] = None) -> list[object]:
    """Return a case's link suggestions, best first."""
    return list(links.suggestions_of(session, case_id, actor=actor, status=status_))


@router.post("/{case_id}/suggestions/{suggestion_id}/accept", response_model=SuggestionRead)
def accept_case_suggestion(case_id: Id, suggestion_id: Id, body: SuggestionDecision, session: SessionDep,
                           settings: SettingsDep, actor: Worker) -> object:
    """Accept a suggestion: its incident is linked to the case."""
    found = links.decide_suggestion(session, case_id, suggestion_id, accepted=True, reason=body.reason, actor=actor,
                                    zone=settings.zone)
    session.commit()
    return found


@router.post("/{case_id}/suggestions/{suggestion_id}/reject", response_model=SuggestionRead)
def reject_case_suggestion(case_id: Id, suggestion_id: Id, body: SuggestionDecision, session: SessionDep,
                           settings: SettingsDep, actor: Worker) -> object:
    """Reject a suggestion (kept, never suggested again)."""
    found = links.decide_suggestion(session, case_id, suggestion_id, accepted=False, reason=body.reason, actor=actor,
                                    zone=settings.zone)
    session.commit()
    return found


@router.get("/{case_id}/tasks", response_model=list[TaskRead])
def list_case_tasks(case_id: Id, session: SessionDep, actor: Reader) -> list[object]:
    """Return a case's tasks, open ones first by due date."""
    return list(tasks.list_(session, case_id, actor=actor))


@router.post("/{case_id}/tasks", response_model=TaskRead, status_code=status.HTTP_201_CREATED)
def add_case_task(case_id: Id, body: TaskCreate, session: SessionDep, settings: SettingsDep, actor: Worker) -> object:
    """Add a task with its assignee and due date."""
    task = tasks.add(session, case_id, title=body.title, assignee=body.assignee, due_at=body.due_at, note=body.note,
                     actor=actor, zone=settings.zone)
    session.commit()
    return task


@router.post("/{case_id}/tasks/{task_id}/status", response_model=TaskRead)
def finish_case_task(case_id: Id, task_id: Id, body: TaskUpdate, session: SessionDep, settings: SettingsDep,
                     actor: Worker) -> object:
    """Mark a task done or cancelled."""
    task = tasks.finish(session, case_id, task_id, TaskStatus(body.status), note=body.note, actor=actor,
                        zone=settings.zone)
    session.commit()
    return task


@router.get("/{case_id}/documents", response_model=list[DocumentRead])
def list_case_documents(case_id: Id, session: SessionDep, actor: Reader) -> list[object]:
    """Return a case's documents with their SHA-256."""
    return list(documents.list_(session, case_id, actor=actor))


@router.get("/{case_id}/documents/{document_id}/content", response_class=Response,
            responses={200: {"description": "the document's bytes, as stored (its SHA-256 checked)",
                             "content": {"application/octet-stream": {"schema": {"type": "string",
                                                                                 "format": "binary"}}}}})
def download_case_document(case_id: Id, document_id: Id, session: WriteSessionDep, settings: SettingsDep,
                           actor: Reader) -> Response:
    """Download a document once its SHA-256 is checked (409 if the stored file was changed; audited)."""
    try:
        document, content = documents.read(session, case_id, document_id, store=store_of(settings), actor=actor)
    finally:
        session.commit()  # the audit entry of the read, or of the refused tampered file
    return Response(content, media_type=document.content_type, headers={
        "X-Content-SHA256": document.sha256, "Content-Disposition": f'attachment; filename="{document.id}"'})


@router.post("/{case_id}/parties", response_model=PartyCreated, status_code=status.HTTP_201_CREATED)
def add_case_party(case_id: Id, body: PartyCreate, session: SessionDep, settings: SettingsDep,
                   actor: PartyReader) -> PartyCreated:
    """登记当事人 / record a victim, witness, suspect or reporting person of a case you work."""
    party = parties.add(session, case_id, body, actor=actor, zone=settings.zone)
    session.commit()
    return PartyCreated(id=party.id, case_id=party.case_id, role=party.role)


@router.get("/{case_id}/parties", response_model=list[PartyRead])
def list_case_parties(
    case_id: Id, session: WriteSessionDep, actor: PartyReader,
    purpose: Annotated[ReadPurpose, Query(description="why: case_work, court, follow_up or incident_handling")],
    reason: Annotated[str, Query(min_length=1, max_length=500, description="in a few words, for the audit log")],
) -> list[PartyRead]:
    """Return a case's parties for a stated purpose and reason (audited); only on a case you work."""
    found = parties.list_(session, case_id, actor=actor, purpose=purpose, reason=reason)
    session.commit()
    return [party_read(p) for p in found]
