"""復帰後の賃金: the wage condition after a skill-development secondment (スキルアップ支援コース).

After the workers return, the sender pays each worker each of the six months' wages at least
5% above the wage before the secondment (the figures are the programme's, in
config/subsidies.toml). Each worker's wage for each month is recorded as a fact of the case,
logged like every other (`record_wage`, with the worker's id, never a name); the condition
holds for a worker only if it holds in every month, and the claim counts the workers for
whom it holds. The 復帰日 is the day after the secondment's last day; the six months are
counted from the month after that last day (the month of the first pay day after return,
where pay is monthly in arrears — the letter asks to confirm it where pay days differ).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session

from models import CaseEvent, CaseWorker, ContractTerms, PostReturnWage
from shukko.cases.log import append_log, next_log_row, write_back
from shukko.cases.transitions import EventRequest, read_cases
from shukko.clock import add_months
from shukko.errors import ConcurrentChange, EventNotAllowed, InvalidInput, NotFound
from shukko.subsidies.estimate_text import raised_wage
from shukko.subsidies.programmes import Programme, load_programmes
from states import state_labels

RECORD_WAGE_EVENT = "record_wage"
RETURN_EVENT = "return_to_origin"
MAX_MONTHLY_WAGE_YEN = 100_000_000  # a figure above this is a typo, not a wage


@dataclass(frozen=True)
class WageMonth:
    month: date  # the first day of the month
    wage_yen: int | None  # None: not recorded yet
    due: bool  # the month is over: its wage can be asked for
    meets: bool | None  # at least the required wage (None while not recorded)


@dataclass(frozen=True)
class WorkerWages:
    """One worker's six months after return."""

    worker_id: int
    months: list[WageMonth]

    @property
    def complete(self) -> bool:
        return all(m.wage_yen is not None for m in self.months)

    @property
    def holds(self) -> bool | None:
        """True when every month meets the condition, False as soon as one does not, None
        while months are missing and none failed."""
        if any(m.meets is False for m in self.months):
            return False
        return True if self.complete else None

    @property
    def short_months(self) -> list[date]:
        return [m.month for m in self.months if m.meets is False]


@dataclass(frozen=True)
class WageCheck:
    """Where a returned skill-development case stands on the six months after return, for
    each of its workers."""

    case_id: int
    last_day: date  # the secondment's last day
    pre_secondment_wage_yen: int
    required_wage_yen: int
    raise_pct: int
    workers: list[WorkerWages]
    claim_within_months: int

    @property
    def returned_on(self) -> date:
        """復帰日: the day the workers are back at the sender."""
        return self.last_day + timedelta(days=1)

    @property
    def months(self) -> list[WageMonth]:
        """Month by month for the case: a month is recorded once every worker's wage is in,
        and meets the condition only if every worker's wage does."""
        out = []
        for index, month in enumerate(self.workers[0].months if self.workers else []):
            column = [w.months[index] for w in self.workers]
            recorded = all(m.wage_yen is not None for m in column)
            failed = any(m.meets is False for m in column)
            out.append(
                WageMonth(
                    month=month.month,
                    wage_yen=min(m.wage_yen for m in column) if recorded else None,
                    due=month.due,
                    meets=False if failed else (True if recorded else None),
                )
            )
        return out

    @property
    def recorded(self) -> int:
        """Months whose wages are in for every worker."""
        return sum(1 for m in self.months if m.wage_yen is not None)

    @property
    def complete(self) -> bool:
        return all(w.complete for w in self.workers)

    @property
    def holds(self) -> bool | None:
        """True when the condition holds for every worker, False once it fails for one."""
        verdicts = [w.holds for w in self.workers]
        if False in verdicts:
            return False
        return True if all(verdicts) else None

    @property
    def qualifying(self) -> list[WorkerWages]:
        return [w for w in self.workers if w.holds]

    @property
    def missing_due(self) -> list[tuple[int, date]]:
        """(worker, month) of every month that is over and has no wage recorded."""
        return [
            (w.worker_id, m.month)
            for w in self.workers
            for m in w.months
            if m.wage_yen is None and m.due
        ]

    @property
    def last_month(self) -> date:
        return self.months[-1].month


def skill_programme(key: str | None) -> Programme | None:
    """The case's programme when it carries a post-return wage condition."""
    programme = next((p for p in load_programmes() if p.key == key), None)
    return programme if programme and programme.post_return else None


def month_start(day: date) -> date:
    return day.replace(day=1)


def wage_months(last_day: date, count: int) -> list[date]:
    """The months counted: from the month after the secondment's last day."""
    first = add_months(month_start(last_day), 1)
    return [add_months(first, n) for n in range(count)]


def case_workers(session: Session, case_id: int) -> list[int]:
    return list(
        session.scalars(
            select(CaseWorker.worker_id)
            .where(CaseWorker.case_id == case_id)
            .order_by(CaseWorker.worker_id)
        )
    )


def wage_check(session: Session, case, as_of: date) -> WageCheck | None:
    """The check for a returned case under a programme with the condition; None otherwise."""
    programme = skill_programme(case.subsidy_programme)
    if programme is None or case.state != "returned":
        return None
    returned = session.scalar(
        select(CaseEvent.occurred_on)
        .where(CaseEvent.case_id == case.id, CaseEvent.event == RETURN_EVENT)
        .order_by(CaseEvent.seq.desc())
        .limit(1)
    )
    pre = session.scalar(
        select(ContractTerms.pre_secondment_monthly_wage_yen).where(
            ContractTerms.case_id == case.id
        )
    )
    workers = case_workers(session, case.id)
    if returned is None or pre is None or not workers:
        return None
    # the last day: the end date, or the day an early return was recorded
    last_day = min(returned, case.end_date) if case.end_date else returned
    rule = programme.post_return
    required = raised_wage(pre, rule.raise_pct)
    recorded = {
        (worker, month): wage
        for worker, month, wage in session.execute(
            select(PostReturnWage.worker_id, PostReturnWage.month, PostReturnWage.wage_yen).where(
                PostReturnWage.case_id == case.id
            )
        )
    }
    months = wage_months(last_day, rule.months)
    return WageCheck(
        case_id=case.id,
        last_day=last_day,
        pre_secondment_wage_yen=pre,
        required_wage_yen=required,
        raise_pct=rule.raise_pct,
        workers=[
            WorkerWages(
                worker_id=worker,
                months=[
                    WageMonth(
                        month=month,
                        wage_yen=recorded.get((worker, month)),
                        due=add_months(month, 1) <= as_of,
                        meets=None
                        if (worker, month) not in recorded
                        else recorded[(worker, month)] >= required,
                    )
                    for month in months
                ],
            )
            for worker in workers
        ],
        claim_within_months=rule.claim_within_months,
    )


def parse_month(text: str) -> date:
    """'2024-05' (or 2024/05) as the first day of the month."""
    cleaned = text.strip().replace("/", "-")
    try:
        year, month = (int(part) for part in cleaned.split("-"))
        return date(year, month, 1)
    except ValueError:
        raise InvalidInput(code="input.month", fields=("month",), value=text) from None


def _whose_wage(check: WageCheck, worker_id: int | None) -> int:
    """The worker a wage is for: the one named, or the case's only worker."""
    ids = [w.worker_id for w in check.workers]
    if worker_id is None:
        if len(ids) == 1:
            return ids[0]
        raise InvalidInput(
            code="input.worker_ambiguous", fields=("worker",), case_id=check.case_id,
            count=len(ids), workers=", ".join(map(str, ids)),
        )  # fmt: skip
    if worker_id not in ids:
        raise InvalidInput(
            code="input.worker_not_on_case", fields=("worker",), worker_id=worker_id,
            case_id=check.case_id, workers=", ".join(map(str, ids)),
        )  # fmt: skip
    return worker_id


def record_wage(
    *,
    session: Session,
    case_id: int,
    month: date,
    wage_yen: int,
    actor: str,
    today: date,
    worker_id: int | None = None,
    expected_version: int | None = None,
) -> dict:
    """Record (or correct) one worker's wage for one month after return; logged as
    `record_wage` with the worker's id. A case of one worker may leave the worker out."""
    case = read_cases(session, [case_id])[0].get(case_id)
    if case is None:
        raise NotFound(code="not_found.case", case_id=case_id)
    if expected_version is not None and case.version != expected_version:
        raise ConcurrentChange(case_id)
    if skill_programme(case.subsidy_programme) is None:
        raise EventNotAllowed(code="event.not_skill_programme", case_id=case_id)
    check = wage_check(session, case, today)
    if check is None:
        raise EventNotAllowed(
            code="event.not_returned", case_id=case_id, state=case.state,
            state_label=state_labels(str(case.kind))[case.state],
        )  # fmt: skip
    worker = _whose_wage(check, worker_id)
    _check_wage_month(check, wage_yen, month, today)
    read_version = {case_id: case.version}
    note = f"{month:%Y-%m}: {wage_yen:,}円"
    row = next_log_row(
        case,
        EventRequest(
            case_id=case_id, event=RECORD_WAGE_EVENT, actor=actor, note=note, worker_id=worker
        ),
        case.state,
        today,
    )
    _store_wage(session, case_id, worker, month, wage_yen, actor, today, row["seq"])
    write_back(session, [case], read_version, case_id)
    append_log(session, [row], case_id)
    session.flush()
    return {
        "case_id": case_id,
        "seq": row["seq"],
        "worker_id": worker,
        "month": f"{month:%Y-%m}",
        "wage_yen": wage_yen,
        "required_wage_yen": check.required_wage_yen,
        "meets": wage_yen >= check.required_wage_yen,
    }


def _check_wage_month(check: WageCheck, wage_yen: int, month: date, today: date) -> None:
    """A monthly wage in yen, for one of the months after the return that has begun."""
    if not 0 < wage_yen <= MAX_MONTHLY_WAGE_YEN:
        raise InvalidInput(code="input.monthly_wage", fields=("yen",), value=wage_yen)
    allowed = [m.month for m in check.workers[0].months]
    if month not in allowed:
        raise InvalidInput(
            code="input.month_outside", fields=("month",), month=f"{month:%Y-%m}",
            count=len(allowed), returned_on=check.returned_on, first=f"{allowed[0]:%Y-%m}",
            last=f"{allowed[-1]:%Y-%m}",
        )  # fmt: skip
    if month > today:
        raise InvalidInput(code="input.month_ahead", fields=("month",), month=f"{month:%Y-%m}")


def _store_wage(
    session: Session, case_id: int, worker: int, month: date, wage_yen: int, actor: str,
    today: date, seq: int,
) -> None:  # fmt: skip
    """The month's wage, stored or corrected, with the log entry that recorded it."""
    stored = session.scalar(
        select(PostReturnWage).where(
            PostReturnWage.case_id == case_id,
            PostReturnWage.worker_id == worker,
            PostReturnWage.month == month,
        )
    )
    if stored is None:
        values = {"case_id": case_id, "worker_id": worker, "month": month}
        values |= {"wage_yen": wage_yen, "recorded_by": actor, "recorded_on": today}
        session.add(PostReturnWage(**values, event_seq=seq))
    else:
        stored.wage_yen, stored.recorded_by = wage_yen, actor
        stored.recorded_on, stored.event_seq = today, seq


WAGE_REPORT = "wage_report"


def returned_with_condition(session: Session) -> list:
    """Returned cases whose programme has the post-return wage condition."""
    from models import Case

    keys = [p.key for p in load_programmes() if p.post_return]
    return list(
        session.scalars(
            select(Case)
            .where(Case.state == "returned", Case.subsidy_programme.in_(keys))
            .order_by(Case.id)
        )
    )


def refresh_wage_follow_ups(session: Session, as_of: date) -> dict[str, int]:
    """A follow-up (wage_report) for each month after return that is over and has no wage
    recorded, due by the end of the next month; done once its wage is in. Returns the counts
    added and done."""
    from models import FollowUp
    from models.db import insert_new
    from shukko.cases.followups import follow_up_key

    counts = {"scheduled": 0, "done": 0}
    cases = returned_with_condition(session)
    if not cases:
        return counts
    stored = {
        row.key: row
        for row in session.scalars(
            select(FollowUp).where(
                FollowUp.case_id.in_([c.id for c in cases]), FollowUp.kind == WAGE_REPORT
            )
        )
    }
    new_rows = []
    for case in cases:
        check = wage_check(session, case, as_of)
        if check is None:
            continue
        for month in check.months:
            # asked for once the month is over; due by the end of the next (its pay day)
            due_on = add_months(month.month, 2) - timedelta(days=1)
            key = follow_up_key(case.id, WAGE_REPORT, month.month)
            row = stored.get(key)
            if month.wage_yen is not None:
                if row is not None and row.status == "scheduled":
                    row.status, row.done_on = "done", as_of
                    counts["done"] += 1
            elif month.due and row is None:
                new_rows.append(
                    {
                        "key": key,
                        "case_id": case.id,
                        "kind": WAGE_REPORT,
                        "due_on": due_on,
                        "status": "scheduled",
                    }
                )
    if new_rows:
        counts["scheduled"] = len(insert_new(session, FollowUp.__table__, new_rows))
    session.flush()
    return counts
