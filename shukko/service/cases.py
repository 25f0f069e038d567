"""Cases for the front ends to change: opening one between two offers, its events, its
workers and terms, wages after return. (What a case shows is `case_views`.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from models import Case, CaseEvent
from models.reference import prefecture_code
from shukko.case_rules import CaseRules
from shukko.cases.transitions import (
    EventRequest,
    fire,
)
from shukko.errors import InvalidInput
from shukko.limits import InputLimits, check_date, check_text
from shukko.refusals import Refusal
from shukko.service.inputs import CaseStep, TermsUpload
from shukko.service.schemas import (
    EventResult,
    OpenedCase,
    TermsFixed,
    WageRecorded,
    WorkerAssigned,
)


def office_code(text: str | None, field: str = "office") -> str | None:
    """An office given as a prefecture code or name (13, 東京都, 東京), or None."""
    if not text:
        return None
    try:
        return prefecture_code(text)
    except ValueError:
        raise InvalidInput(code="input.office", fields=(field,), value=text) from None


def record_post_return_wage(
    *,
    session: Session,
    case_id: int,
    month: str,
    wage_yen: int,
    actor: str,
    today: date,
    worker_id: int | None = None,
    expected_version: int | None = None,
) -> WageRecorded:
    """復帰後の賃金: record one worker's wage for one month after a skill-development
    secondment (the worker may be left out on a case of one worker)."""
    from shukko.subsidies.post_return import parse_month, record_wage

    return WageRecorded(
        **record_wage(
            session=session,
            case_id=case_id,
            month=parse_month(month),
            wage_yen=wage_yen,
            actor=actor,
            today=today,
            worker_id=worker_id,
            expected_version=expected_version,
        )
    )


def fire_event(
    *,
    session: Session,
    request: CaseStep | EventRequest,
    today: date,
    rules: CaseRules = CaseRules(),
    limits: InputLimits = InputLimits(),
) -> EventResult:
    """Send one event to one case (a lifecycle step or a recorded fact); free text and dates
    within their limits first."""
    if isinstance(request, CaseStep):
        request = request.request()
    check_request(request, today, limits)
    entry = fire(session=session, request=request, today=today, rules=rules)
    return EventResult(
        case_id=entry.case_id,
        seq=entry.seq,
        event=entry.event,
        from_=entry.from_state,
        to=entry.to_state,
        on=entry.occurred_on,
    )


def check_request(request: EventRequest, today: date, limits: InputLimits) -> None:
    """An operator's event within the input limits, each refusal naming its option."""
    for field, value in (("note", request.note), ("doc", request.doc_ref),
                         ("actor", request.actor)):  # fmt: skip
        check_text(value, field, limits)
    check_date(request.on, "at", limits, today)
    check_date(request.end_date, "until", limits, today)


@dataclass(frozen=True)
class OfferPair:
    """A sending and a receiving offer a case may be opened between, each found once."""

    sending_id: int
    receiving_id: int
    offices: tuple[str, str]  # the sending offer's office, the receiving offer's


def offer_pair(*, session: Session, sending: str, receiving: str) -> OfferPair:
    """The two offers given as OFFICE:OFFER_ID (each refused on its own field)."""
    from shukko.cases.offers import find_offer, parse_offer_key

    found = []
    for side, key in (("sending", sending), ("receiving", receiving)):
        office, offer_id = parse_offer_key(key, side)
        found.append(find_offer(session=session, side=side, office_code=office, offer_id=offer_id))
    return OfferPair(found[0].id, found[1].id, (found[0].office_code, found[1].office_code))


def open_case_for_pair(
    *,
    session: Session,
    pair: OfferPair,
    kind: str,
    headcount: int,
    actor: str,
    today: date,
    note: str | None = None,
) -> OpenedCase:
    """Open a case by hand between the two offers of `pair`."""
    from shukko.cases.records import open_case

    _check_kind(kind)
    case = open_case(
        session=session,
        kind=kind,
        sending_offer_id=pair.sending_id,
        receiving_offer_id=pair.receiving_id,
        headcount=headcount,
        actor=actor,
        today=today,
        note=note,
    )
    return OpenedCase(id=case.id, kind=str(case.kind), state=case.state)


def _check_kind(kind: str) -> None:
    if kind not in ("secondment", "transfer"):
        raise InvalidInput(code="input.case_kind", fields=("kind",), value=kind)


def open_case_between(
    *,
    session: Session,
    kind: str,
    sending: str,
    receiving: str,
    headcount: int,
    actor: str,
    today: date,
    note: str | None = None,
) -> OpenedCase:
    """Open a case by hand between two offers given as OFFICE:OFFER_ID (the kind refused
    before the offers are looked up)."""
    _check_kind(kind)
    pair = offer_pair(session=session, sending=sending, receiving=receiving)
    return open_case_for_pair(
        session=session, pair=pair, kind=kind, headcount=headcount, actor=actor, today=today,
        note=note,
    )  # fmt: skip


def listed(text: str | None) -> list[str]:
    """A list typed in one field (qualifications), separated by ; 、 or , as the intake's
    cells are."""
    from shukko.intake.schemas import split_list

    return split_list(text)


def add_worker(
    *,
    session: Session,
    case_id: int,
    name: str,
    birth_date: date,
    actor: str,
    today: date,
    gender: str | None = None,
    qualifications: list[str] | None = None,
    limits: InputLimits = InputLimits(),
) -> WorkerAssigned:
    """出向対象労働者: assign a worker to a case (personal data kept in its own table)."""
    from shukko.cases.records import assign_workers

    check_text(name, "name", limits)
    for quality in qualifications or []:
        check_text(quality, "qualifications", limits)
    person = {
        "name": name,
        "birth_date": birth_date,
        "gender": gender,
        "qualifications": qualifications or [],
    }
    (worker,) = assign_workers(
        session=session, case_id=case_id, people=[person], actor=actor, today=today
    )
    return WorkerAssigned(case_id=case_id, worker_id=worker.id)


def saved_already(*, session: Session, request: CaseStep) -> bool:
    """Whether a step refused as a conflict was this very step, saved before: the case is one
    version past the form's and its newest entry is this event by this actor (a form sent
    twice), rather than someone else's change."""
    version = session.scalar(select(Case.version).where(Case.id == request.case_id))
    newest = session.execute(
        select(CaseEvent.event, CaseEvent.actor)
        .where(CaseEvent.case_id == request.case_id)
        .order_by(CaseEvent.seq.desc())
        .limit(1)
    ).first()
    return (
        request.expected_version is not None
        and version == request.expected_version + 1
        and newest is not None
        and tuple(newest) == (request.event, request.actor)
    )


def hand_in_terms(
    *,
    session: Session,
    case_id: int,
    file: Path | TermsUpload,
    actor: str,
    today: date,
    doc_ref: str | None = None,
    rules: CaseRules = CaseRules(),
    limits: InputLimits = InputLimits(),
    expected_version: int | None = None,
) -> TermsFixed:
    """出向契約: read a JSON or YAML terms file (a path, or the bytes a form uploaded),
    store it and record fix_terms."""
    from shukko.cases.records import set_terms
    from shukko.cases.terms import TermsFile, read_terms

    handed_in = file.file() if isinstance(file, TermsUpload) else TermsFile.read(file, limits)
    terms = read_terms(handed_in, limits)
    _check_terms_dates(terms, handed_in.name, limits, today)
    entry = set_terms(
        session=session,
        case_id=case_id,
        terms=terms,
        actor=actor,
        today=today,
        doc_ref=doc_ref,
        rules=rules,
        expected_version=expected_version,
    )
    return TermsFixed(case_id=case_id, seq=entry.seq, event="fix_terms")


def _check_terms_dates(terms, source: str, limits: InputLimits, today: date) -> None:
    """The terms' dates within the window an operator's dates are held to."""
    from shukko.cases.terms import terms_refused

    for key in ("start_date", "end_date"):
        try:
            check_date(getattr(terms, key), key, limits, today)
        except InvalidInput as exc:
            problem = Refusal("terms.date_outside", {**exc.params, "key": key})
            raise terms_refused([problem], source) from None
