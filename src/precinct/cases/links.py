"""Linked incidents and the suggestions of the series-linking analysis, accepted or rejected by the investigator."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.cases import events
from precinct.cases.messages import field_error, said
from precinct.cases.models import CaseIncident, LinkSuggestion, SuggestionStatus
from precinct.cases.service import get_visible, get_workable, touch
from precinct.core.db import conflicts_as_domain_errors, flush_or_conflict, utcnow
from precinct.core.errors import ConflictError, NotFoundError, ValidationError
from precinct.core.security import Actor
from precinct.forecasts.series import similar_incidents
from precinct.incidents.models import Incident
from precinct.supervision.service import scope_of


def _link(session: Session, case_id: int, incident_id: int, source: str, *, actor: Actor, zone: ZoneInfo,
          now: datetime, field: str = "incident_id") -> CaseIncident:
    case = get_workable(session, case_id, actor)
    incident = session.get(Incident, incident_id)
    if incident is None or not scope_of(session, actor).holds(incident.station_id, incident.district_id):
        raise field_error(field, "case.incident_unknown", id=incident_id)
    if session.scalar(select(CaseIncident.id).where(CaseIncident.case_id == case.id,
                                                    CaseIncident.incident_id == incident_id)) is not None:
        raise ConflictError(said("case.incident_linked", id=incident_id))
    link = CaseIncident(case_id=case.id, incident_id=incident_id, source=source, linked_at=now,
                        linked_by=actor.username)
    session.add(link)
    touch(case, now)
    events.record(session, case, "incident_linked", actor=actor, at=now, zone=zone,
                  data={"incident_id": incident_id, "source": source})
    return link


@conflicts_as_domain_errors
def link_incident(session: Session, case_id: int, incident_id: int, *, actor: Actor, zone: ZoneInfo,
                  now: datetime | None = None) -> CaseIncident:
    """Link an incident of the actor's scope to a case they work (409 if it is linked already)."""
    link = _link(session, case_id, incident_id, "manual", actor=actor, zone=zone, now=now or utcnow())
    flush_or_conflict(session, f"case {case_id}")
    return link


def refresh_suggestions(session: Session, case_id: int, *, actor: Actor, now: datetime | None = None,
                        max_distance_m: float = 1000.0, max_days: float = 30.0) -> list[LinkSuggestion]:
    """Look for incidents similar to the case's linked ones and store the new ones as pending suggestions.

    Incidents already linked, or suggested before (pending, accepted or rejected), are not
    suggested again; only incidents of the actor's scope are looked at. Returns the pending ones.

    Raises
    ------
    ValidationError
        If the case has no linked incident to start from.
    """
    now = now or utcnow()
    case = get_workable(session, case_id, actor)
    linked = list(session.scalars(select(CaseIncident.incident_id).where(CaseIncident.case_id == case.id)))
    if not linked:
        raise ValidationError(said("case.no_incidents"))
    known = set(linked) | set(session.scalars(select(LinkSuggestion.incident_id)
                                              .where(LinkSuggestion.case_id == case.id)))
    for found in similar_incidents(session, linked, scope_of(session, actor), max_distance_m=max_distance_m,
                                   max_days=max_days):
        if found.incident_id in known:
            continue
        session.add(LinkSuggestion(case_id=case.id, incident_id=found.incident_id, score=round(found.score, 4),
                                   distance_m=round(found.distance_m, 1), gap_days=round(found.gap_days, 2),
                                   status=SuggestionStatus.PENDING, suggested_at=now))
    session.flush()
    return suggestions_of(session, case.id, actor=actor, status=SuggestionStatus.PENDING)


def suggestions_of(session: Session, case_id: int, *, actor: Actor,
                   status: SuggestionStatus | None = None) -> list[LinkSuggestion]:
    """Return a case's suggestions (best first), of one status or all."""
    get_visible(session, case_id, actor)
    query = select(LinkSuggestion).where(LinkSuggestion.case_id == case_id)
    if status is not None:
        query = query.where(LinkSuggestion.status == status)
    return list(session.scalars(query.order_by(LinkSuggestion.score.desc(), LinkSuggestion.id)))


@conflicts_as_domain_errors
def decide_suggestion(session: Session, case_id: int, suggestion_id: int, *, accepted: bool, reason: str = "",
                      actor: Actor, zone: ZoneInfo, now: datetime | None = None) -> LinkSuggestion:
    """Accept a suggestion (the incident is linked) or reject it (kept, never suggested again)."""
    now = now or utcnow()
    case = get_workable(session, case_id, actor)
    suggestion = session.get(LinkSuggestion, suggestion_id, with_for_update=True)
    if suggestion is None or suggestion.case_id != case.id:
        raise NotFoundError(said("case.suggestion_not_found", id=suggestion_id))
    if suggestion.status != SuggestionStatus.PENDING:
        raise ConflictError(said("case.suggestion_decided", id=suggestion.id, status=suggestion.status.value))
    suggestion.status = SuggestionStatus.ACCEPTED if accepted else SuggestionStatus.REJECTED
    suggestion.decided_at, suggestion.decided_by = now, actor.username
    suggestion.reason = reason.strip() or None
    if accepted:
        _link(session, case.id, suggestion.incident_id, "suggestion", actor=actor, zone=zone, now=now)
    else:
        touch(case, now)
        events.record(session, case, "suggestion_rejected", actor=actor, at=now, zone=zone,
                      data={"incident_id": suggestion.incident_id, "reason": suggestion.reason})
    flush_or_conflict(session, f"case {case.id}")
    return suggestion
