"""キャリア人材バンク for the front ends: register, list, show (personal data only when asked),
steps through the lifecycle, suggestions, and the openings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from models import (
    Company,
    FollowUp,
    Introduction,
    Opening,
    Registrant,
    RegistrantEvent,
    RegistrantPerson,
    SendingOffer,
    Suggestion,
)
from shukko.bank.lifecycle import (
    KIND,
    BankEvent,
    allowed_events,
    fire_bank_event,
    get_registrant,
    hires_by_opening,
    open_on,
    registrant_facts,
)
from shukko.bank.registration import Registration, register
from shukko.bank.retention import record_retention
from shukko.bank.rules import BankRules
from shukko.bank.suggest import best_for, suggest
from shukko.bank.targets import TARGETS
from shukko.errors import InvalidInput
from shukko.limits import InputLimits, check_date, check_text
from shukko.service.bank_schemas import (
    BankEventResult,
    BankHistoryEntry,
    FollowUpEntry,
    IntroductionEntry,
    OpeningRow,
    RegistrantRow,
    RegistrantView,
    RetentionResult,
    SuggestionEntry,
)
from shukko.service.inputs import NewRegistrant, RegistrantStep
from shukko.service.listing import listing
from shukko.service.owners import Subject, notes_of, owner_name
from shukko.service.schemas import Listing
from states import final_states, state_labels


@dataclass(frozen=True)
class RegistrantFilter:
    state: str | None = None
    office: str | None = None  # prefecture code
    programme: str | None = None  # career_bank or transfer (job seekers)


def rules_from(settings) -> BankRules:
    """The career bank's rules from the settings (ages, periods), built at the edge."""
    from shukko.bank.rules import bank_rules

    return bank_rules(settings)


def register_person(
    *,
    session: Session,
    registration: NewRegistrant | Registration,  # the same fields: a NewRegistrant is one
    actor: str,
    today: date,
    rules: BankRules,
    limits: InputLimits = InputLimits(),
) -> RegistrantView:
    """登録: free text and the leaving day within their limits, then the registration."""
    reg = registration
    for field, value in (("name", reg.name), ("contact", reg.contact),
                         ("via_company", reg.via_company), ("actor", actor)):  # fmt: skip
        check_text(value, field, limits)
    for field in ("qualifications", "occupations", "areas"):
        for value in getattr(reg, field):
            check_text(value, field, limits)
    registrant = register(session=session, reg=registration, actor=actor, today=today, rules=rules)
    return registrant_view(session=session, registrant_id=registrant.id)


def list_registrants(
    *, session: Session, where: RegistrantFilter = RegistrantFilter(), limit: int | None = None,
    offset: int = 0,
) -> Listing[RegistrantRow]:
    if where.state and where.state not in state_labels(KIND):
        raise InvalidInput(
            code="input.registrant_state", fields=("state",), value=where.state,
            states=", ".join(state_labels(KIND)),
        )  # fmt: skip
    statement = select(Registrant).order_by(Registrant.id)
    if where.state:
        statement = statement.where(Registrant.state == where.state)
    if where.office:
        statement = statement.where(Registrant.office_code == where.office)
    if where.programme:
        statement = statement.where(Registrant.programme == where.programme)
    labels = state_labels(KIND)
    return listing(
        session,
        statement,
        lambda row: RegistrantRow(
            id=row[0].id,
            office=row[0].office_code,
            state=row[0].state,
            state_label=labels[row[0].state],
            route=row[0].route,
            registered_on=row[0].registered_on,
            leaving_on=row[0].leaving_on,
            age_at_leaving=row[0].age_at_leaving,
            occupations=row[0].occupations,
            employment_type=str(row[0].employment_type),
            last_activity_on=row[0].last_activity_on,
        ),
        limit,
        offset,
    )


def registrant_office(*, session: Session, registrant_id: int) -> str:
    """The office a registrant is registered with (who may see and act on them)."""
    return get_registrant(session, registrant_id).office_code


def _request_key(session: Session, request_id: int | None) -> str | None:
    """A job seeker's company request as OFFICE:OFFER_ID."""
    request = session.get(SendingOffer, request_id) if request_id else None
    return f"{request.office_code}:{request.offer_id}" if request else None


def _introductions(session: Session, registrant: Registrant) -> list[IntroductionEntry]:
    """紹介: each opening (or receiving offer) introduced, to which company, its interview
    and outcome, and the day of hiring if any."""
    target = TARGETS[registrant.programme]
    return [
        IntroductionEntry(
            opening=target.key(row),
            company=company,
            introduced_on=intro.introduced_on,
            interview_on=intro.interview_on,
            outcome=intro.outcome,
            outcome_on=intro.outcome_on,
            start_on=intro.start_on,
            hired_on=intro.hired_on,
        )
        for intro, row, company in session.execute(
            select(Introduction, target.table, Company.name)
            .join(target.table, target.table.id == target.of(Introduction))
            .join(Company, Company.id == target.table.company_id)
            .where(Introduction.registrant_id == registrant.id)
            .order_by(Introduction.id)
        )
    ]


def _suggestions(session: Session, registrant: Registrant) -> list[SuggestionEntry]:
    """The targets matching suggested, best first, each score explained."""
    target = TARGETS[registrant.programme]
    return [
        SuggestionEntry(
            opening=target.key(row),
            company=company,
            score=suggestion.score,
            breakdown=suggestion.breakdown,
            suggested_on=suggestion.suggested_on,
        )
        for suggestion, row, company in session.execute(
            select(Suggestion, target.table, Company.name)
            .join(target.table, target.table.id == target.of(Suggestion))
            .join(Company, Company.id == target.table.company_id)
            .where(Suggestion.registrant_id == registrant.id)
            .order_by(Suggestion.score.desc(), Suggestion.id)
        )
    ]


def _history(session: Session, registrant: Registrant) -> list[BankHistoryEntry]:
    """The registrant's log, each step with the opening (or receiving offer) it concerned."""
    target = TARGETS[registrant.programme]
    keys = {
        row.id: target.key(row)
        for row in session.scalars(
            select(target.table)
            .join(RegistrantEvent, target.of(RegistrantEvent) == target.table.id)
            .where(RegistrantEvent.registrant_id == registrant.id)
        )
    }
    return [
        BankHistoryEntry(**BankHistoryEntry.common(e), opening=keys.get(target.of(e)))
        for e in session.scalars(
            select(RegistrantEvent)
            .where(RegistrantEvent.registrant_id == registrant.id)
            .order_by(RegistrantEvent.seq)
        )
    ]


def registrant_view(
    *, session: Session, registrant_id: int, with_personal_data: bool = False
) -> RegistrantView:
    registrant = get_registrant(session, registrant_id)
    facts = registrant_facts(session, registrant)
    former = (
        session.get(Company, registrant.former_company_id).name
        if registrant.former_company_id
        else None
    )
    consent_companies = sorted(
        session.scalars(select(Company.name).where(Company.id.in_(facts.consented_companies))).all()
    )
    values = dict(
        id=registrant.id,
        state=registrant.state,
        state_label=state_labels(KIND)[registrant.state],
        final=registrant.state in final_states(KIND),
        version=registrant.version,
        office=registrant.office_code,
        route=registrant.route,
        programme=registrant.programme,
        request=_request_key(session, registrant.request_id),
        former_company=former,
        registered_on=registrant.registered_on,
        leaving_on=registrant.leaving_on,
        leaving_reason=str(registrant.leaving_reason),
        age_at_leaving=registrant.age_at_leaving,
        occupations=registrant.occupations,
        qualifications=registrant.qualifications,
        areas=registrant.areas,
        employment_type=str(registrant.employment_type),
        desired_monthly_wage_yen=registrant.desired_monthly_wage_yen,
        desired_hourly_wage_yen=registrant.desired_hourly_wage_yen,
        hours_per_week=registrant.hours_per_week,
        consent={"any_company": facts.consented_all, "companies": consent_companies},
        introductions=_introductions(session, registrant),
        suggestions=_suggestions(session, registrant),
        allowed_events=allowed_events(registrant),
        history=_history(session, registrant),
        owner=owner_name(session, registrant.owner_id),
        notes=notes_of(session, Subject("registrant", registrant.id)),
        follow_ups=[
            FollowUpEntry(kind=f.kind, due_on=f.due_on, status=f.status, done_on=f.done_on)
            for f in session.scalars(
                select(FollowUp)
                .where(FollowUp.registrant_id == registrant.id)
                .order_by(FollowUp.due_on, FollowUp.id)
            )
        ],
    )
    if with_personal_data:
        person = session.get(RegistrantPerson, registrant.id)
        values.update(name=person.name, birth_date=person.birth_date, contact=person.contact)
    return RegistrantView(**values)


def fire(
    *,
    session: Session,
    request: RegistrantStep | BankEvent,  # a RegistrantStep is a BankEvent
    today: date,
    limits: InputLimits = InputLimits(),
    rules: BankRules = BankRules(),
) -> BankEventResult:
    """One step of a registrant; free text and the date within their limits first."""
    check_text(request.note, "note", limits)
    check_text(request.actor, "actor", limits)
    check_date(request.on, "at", limits, today)
    check_date(request.start_on, "start", limits, today)
    result = fire_bank_event(session=session, request=request, today=today, rules=rules)
    return BankEventResult(**result)


def record_follow_up(
    *, session: Session, registrant_id: int, on: date | None, actor: str, note: str | None,
    today: date, limits: InputLimits = InputLimits(),
) -> RetentionResult:  # fmt: skip
    """定着確認: the earliest open follow-up of a hired job seeker, done on the day."""
    check_text(note, "note", limits)
    check_text(actor, "actor", limits)
    day = check_date(on, "at", limits, today) or today
    if day > today:
        raise InvalidInput(code="input.date_in_future", fields=("at",), field="at", day=day)
    get_registrant(session, registrant_id)
    done = record_retention(session, registrant_id=registrant_id, on=day, actor=actor,
                            note=note)  # fmt: skip
    return RetentionResult(registrant_id=registrant_id, due_on=done.due_on, done_on=day)


def match_all(
    *, session: Session, as_of: date, rules: BankRules, office: str | None = None,
    programme: str = "career_bank",
) -> dict:  # fmt: skip
    """Suggestions for every eligible registrant of the career bank, or every job seeker of
    a transfer (stored; never the same pair twice)."""
    return suggest(session, as_of=as_of, per_registrant=rules.suggestions, office=office,
                   programme=programme)  # fmt: skip


def match_one(
    *, session: Session, registrant_id: int, top: int, as_of: date
) -> list[SuggestionEntry]:
    """One person's best openings (a job seeker's: receiving offers) now; creates nothing."""
    if top < 1:
        raise InvalidInput(code="input.top", fields=("top",), value=top)
    target = TARGETS[get_registrant(session, registrant_id).programme]
    rows = best_for(session, registrant_id=registrant_id, top=top, as_of=as_of)
    companies = dict(
        session.execute(
            select(target.table.id, Company.name)
            .join(Company, Company.id == target.table.company_id)
            .where(target.table.id.in_([row["opening_id"] for row in rows]))
        ).all()
    )
    return [
        SuggestionEntry(
            opening=row["opening"],
            company=companies.get(row["opening_id"]),
            score=row["score"],
            breakdown=row["breakdown"],
        )
        for row in rows
    ]


def list_openings(
    *,
    session: Session,
    office: str | None = None,
    only_open: bool = False,
    as_of: date | None = None,
    limit: int | None = None,
) -> Listing[OpeningRow]:
    hired = hires_by_opening()
    statement = (
        select(Opening, Company.name, func.coalesce(hired.c.hired, 0))
        .join(Company, Company.id == Opening.company_id)
        .outerjoin(hired, hired.c.opening_id == Opening.id)
        .order_by(Opening.received_on.desc(), Opening.id.desc())
    )
    if office:
        statement = statement.where(Opening.office_code == office)
    if only_open:
        statement = statement.where(open_on(as_of) if as_of else Opening.is_open)
    return listing(session, statement, _opening_row, limit)


def _opening_row(row) -> OpeningRow:
    opening, company, hired = row
    return OpeningRow(
        office=opening.office_code,
        opening_id=opening.opening_id,
        received_on=opening.received_on,
        company=company,
        occupation=opening.occupation,
        work_prefecture=opening.work_prefecture,
        employment_type=str(opening.employment_type),
        hours_per_week=opening.hours_per_week,
        monthly_wage_yen=opening.monthly_wage_yen,
        hourly_wage_yen=opening.hourly_wage_yen,
        headcount=opening.headcount,
        hired=hired,
        open_until=opening.open_until,
        is_open=opening.is_open,
    )
