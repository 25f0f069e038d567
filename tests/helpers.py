"""Tiny data helpers: offers, a case, and the facts that take it to the contract."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

from sqlmodel import Session

from models import Case, CaseKind
from shukko.cases.offers import add_company, add_offer
from shukko.cases.records import open_case, set_terms
from shukko.cases.terms import parse_terms
from shukko.cases.transitions import EventRequest, fire
from shukko.service.cases import add_worker

TODAY = date(2024, 6, 3)
ACTOR = "tester"
_numbers = count(1)


def restart_numbering() -> None:
    """Number companies and offers from 1 again (to build the same data twice)."""
    global _numbers
    _numbers = count(1)


def make_case(
    session: Session,
    *,
    kind: CaseKind = CaseKind.secondment,
    headcount: int = 1,
    has_union: bool | None = True,
    industries: tuple[str, str] = ("31", "44"),
    employees: tuple[int | None, int | None] = (None, None),
    capital: tuple[int | None, int | None] = (None, None),
    dismissals: bool | None = None,
) -> Case:
    """Two companies, a sending and a receiving offer, and a proposed case between them
    (of unknown size unless `employees` or `capital` says; the sender's dismissals as
    its offer records them)."""
    n = next(_numbers)
    sender = add_company(
        session=session,
        name=f"送出{n}株式会社",
        industry_code=industries[0],
        prefecture_code="23",
        has_union=has_union,
        employees=employees[0],
        capital_yen=capital[0],
    )
    receiver = add_company(
        session=session,
        name=f"受入{n}株式会社",
        industry_code=industries[1],
        prefecture_code="23",
        employees=employees[1],
        capital_yen=capital[1],
    )
    sending = add_offer(
        session=session,
        side="sending",
        office_code="23",
        offer_id=f"S-{n}",
        company=sender,
        received_on=TODAY - timedelta(days=60),
        headcount=headcount + 1,
        dismissals=dismissals,
    )
    receiving = add_offer(
        session=session,
        side="receiving",
        office_code="13",
        offer_id=f"R-{n}",
        company=receiver,
        received_on=TODAY - timedelta(days=60),
        headcount=headcount + 1,
    )
    case = open_case(
        session=session,
        kind=kind,
        sending_offer_id=sending.id,
        receiving_offer_id=receiving.id,
        headcount=headcount,
        actor=ACTOR,
        today=TODAY,
    )
    session.commit()
    return case


def send(session: Session, case: Case, event: str, **options):
    """Fire one event and commit, as the CLI does."""
    options.setdefault("on", TODAY)
    entry = fire(
        session=session,
        request=EventRequest(case_id=case.id, event=event, actor=ACTOR, **options),
        today=TODAY,
    )
    session.commit()
    return entry


def terms_data(**changes) -> dict:
    data = {
        "start_date": "2024-07-01",
        "end_date": "2025-06-30",
        "workplace_prefecture": "東京都",
        "workplace": "東京都江東区 受入センター",
        "duties": "倉庫内の入出荷管理",
        "working_hours": "09:00-18:00",
        "holidays": "土日祝",
        "overtime_allowed": True,
        "wage_payer": "split",
        "sending_share_pct": 40,
        "receiving_share_pct": 60,
        "monthly_wage_yen": 300000,
        "social_insurance": "sending",
        "annual_leave": "出向元の規定による",
        "return_conditions": "期間満了時に原職復帰",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def to_preparing(session: Session, case: Case) -> None:
    send(session, case, "schedule_interview")
    send(session, case, "agree_to_proceed")


WORKER = ("試験 花子", date(1990, 1, 1))


def give_worker(
    session: Session, case: Case, *, consent: bool = True, person: tuple[str, date] = WORKER
) -> int:
    worker = add_worker(
        session=session,
        case_id=case.id,
        name=person[0],
        birth_date=person[1],
        actor=ACTOR,
        today=TODAY,
    )
    session.commit()
    if consent:
        send(session, case, "record_consent", worker_id=worker.worker_id)
    return worker.worker_id


def fix_terms(session: Session, case: Case, **changes) -> None:
    set_terms(
        session=session,
        case_id=case.id,
        terms=parse_terms(terms_data(**changes)),
        actor=ACTOR,
        today=TODAY,
    )
    session.commit()


GUARD_FACTS = ("worker_consented", "union_agreed", "rules_updated", "terms_fixed")


def record_guard_facts(
    session: Session, case: Case, skip: str | None = None, person: tuple[str, date] = WORKER
) -> None:
    """Record every fact sign_contract needs, except `skip`."""
    if skip != "worker_consented":
        for _ in range(case.headcount):
            give_worker(session, case, person=person)
    if skip != "union_agreed" and case.kind == CaseKind.secondment:
        send(session, case, "record_union_agreement", doc_ref="協定-1")
    if skip != "rules_updated" and case.kind == CaseKind.secondment:
        send(session, case, "record_rules_update", doc_ref="規則-1")
    if skip != "terms_fixed":
        fix_terms(session, case)


def contracted_case(
    session: Session,
    *,
    start: str,
    end: str,
    skip: str | None = None,
    terms: dict | None = None,
    person: tuple[str, date] = WORKER,
    **case_options,
) -> Case:
    """A secondment with every guard fact and terms for start..end (with `terms` changed),
    signed unless `skip` names a guard fact to leave out (the case then stays preparing)."""
    case = make_case(session, **case_options)
    to_preparing(session, case)
    record_guard_facts(session, case, skip=skip, person=person)
    if skip != "terms_fixed":
        fix_terms(session, case, start_date=start, end_date=end, **(terms or {}))
    if skip is None:
        send(session, case, "sign_contract", doc_ref="契約-1")
    session.refresh(case)
    return case


def at_once(work, times: int = 2) -> list:
    """Run `work()` in several threads released together (overlapping runs); its results.
    An exception in any thread is raised here (all of them, as a group): a test of
    overlapping runs proves that every run succeeded, not only that nothing was doubled."""
    import threading

    barrier = threading.Barrier(times)
    results: list = []
    errors: list[BaseException] = []

    def run() -> None:
        barrier.wait()
        try:
            results.append(work())
        except BaseException as exc:  # handed to the test's thread below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise ExceptionGroup(f"{len(errors)} of {times} overlapping runs failed", errors)
    return results
