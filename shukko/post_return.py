"""復帰後の賃金: the wage condition after a skill-development secondment (スキルアップ支援コース).

After the worker returns, the sender pays each of the six months' wages at least 5% above
the wage before the secondment (the figures are the programme's, in config/subsidies.toml).
Each month's wage is recorded as a fact of the case, logged like every other (`record_wage`,
never with a name); the six months are counted from the month after the return day (the
month of the first pay day after return, where pay is monthly in arrears — the letter asks
to confirm it where pay days differ).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session

from models import CaseEvent, ContractTerms, PostReturnWage
from shukko.clock import add_months
from shukko.errors import ConcurrentChange, EventNotAllowed, InvalidInput, NotFound
from shukko.notices import raised_wage
from shukko.subsidy import Programme, load_programmes
from shukko.transitions import EventRequest, append_log, next_log_row, read_cases, write_back

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
class WageCheck:
    """Where a returned skill-development case stands on the six months after return."""

    case_id: int
    returned_on: date
    pre_secondment_wage_yen: int
    required_wage_yen: int
    raise_pct: int
    months: list[WageMonth]
    claim_within_months: int

    @property
    def recorded(self) -> int:
        return sum(1 for m in self.months if m.wage_yen is not None)

    @property
    def complete(self) -> bool:
        return self.recorded == len(self.months)

    @property
    def holds(self) -> bool | None:
        """True when every month meets the condition, False as soon as one does not, None
        while months are missing and none failed."""
        if any(m.meets is False for m in self.months):
            return False
        return True if self.complete else None

    @property
    def missing_due(self) -> list[date]:
        return [m.month for m in self.months if m.wage_yen is None and m.due]

    @property
    def last_month(self) -> date:
        return self.months[-1].month


def skill_programme(key: str | None) -> Programme | None:
    """The case's programme when it carries a post-return wage condition."""
    programme = next((p for p in load_programmes() if p.key == key), None)
    return programme if programme and programme.post_return else None


def month_start(day: date) -> date:
    return day.replace(day=1)


def wage_months(returned_on: date, count: int) -> list[date]:
    """The months counted: from the month after the return day."""
    first = add_months(month_start(returned_on), 1)
    return [add_months(first, n) for n in range(count)]


def wage_check(session: Session, case, as_of: date) -> WageCheck | None:
    """The check for a returned case under a programme with the condition; None otherwise."""
    programme = skill_programme(case.subsidy_programme)
    if programme is None or case.state != "returned":
        return None
    returned_on = session.scalar(
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
    if returned_on is None or pre is None:
        return None
    rule = programme.post_return
    required = raised_wage(pre, rule.raise_pct)
    recorded = dict(
        session.execute(
            select(PostReturnWage.month, PostReturnWage.wage_yen).where(
                PostReturnWage.case_id == case.id
            )
        ).all()
    )
    months = [
        WageMonth(
            month=month,
            wage_yen=recorded.get(month),
            due=add_months(month, 1) <= as_of,
            meets=None if month not in recorded else recorded[month] >= required,
        )
        for month in wage_months(returned_on, rule.months)
    ]
    return WageCheck(
        case_id=case.id,
        returned_on=returned_on,
        pre_secondment_wage_yen=pre,
        required_wage_yen=required,
        raise_pct=rule.raise_pct,
        months=months,
        claim_within_months=rule.claim_within_months,
    )


def parse_month(text: str, option: str = "--month") -> date:
    """'2024-05' (or 2024/05) as the first day of the month."""
    cleaned = text.strip().replace("/", "-")
    try:
        year, month = (int(part) for part in cleaned.split("-"))
        return date(year, month, 1)
    except ValueError:
        raise InvalidInput(f"{option}: {text!r} is not a month like 2024-05") from None


def record_wage(
    *,
    session: Session,
    case_id: int,
    month: date,
    wage_yen: int,
    actor: str,
    today: date,
    expected_version: int | None = None,
) -> dict:
    """Record (or correct) one month's wage after return; logged as `record_wage`."""
    case = read_cases(session, [case_id])[0].get(case_id)
    if case is None:
        raise NotFound(f"case {case_id} does not exist (see `shukko case list`)")
    if expected_version is not None and case.version != expected_version:
        raise ConcurrentChange(case_id)
    if skill_programme(case.subsidy_programme) is None:
        raise EventNotAllowed(
            f"case {case_id} is not a skill-development secondment under a programme with a "
            "post-return wage condition (スキルアップ支援コース)"
        )
    check = wage_check(session, case, today)
    if check is None:
        raise EventNotAllowed(
            f"case {case_id} is {case.state}: wages after return are recorded once it has "
            "returned (return_to_origin)"
        )
    if not 0 < wage_yen <= MAX_MONTHLY_WAGE_YEN:
        raise InvalidInput(f"--yen: {wage_yen:,} is not a monthly wage in yen")
    allowed = [m.month for m in check.months]
    if month not in allowed:
        raise InvalidInput(
            f"--month: {month:%Y-%m} is not one of the {len(allowed)} months after the return "
            f"on {check.returned_on} ({allowed[0]:%Y-%m} to {allowed[-1]:%Y-%m})"
        )
    if month > today:
        raise InvalidInput(f"--month: {month:%Y-%m} has not begun yet")
    read_version = {case_id: case.version}
    note = f"{month:%Y-%m}: {wage_yen:,}円"
    row = next_log_row(
        case,
        EventRequest(case_id=case_id, event=RECORD_WAGE_EVENT, actor=actor, note=note),
        case.state,
        today,
    )
    stored = session.scalar(
        select(PostReturnWage).where(
            PostReturnWage.case_id == case_id, PostReturnWage.month == month
        )
    )
    if stored is None:
        session.add(
            PostReturnWage(
                case_id=case_id,
                month=month,
                wage_yen=wage_yen,
                recorded_by=actor,
                recorded_on=today,
                event_seq=row["seq"],
            )
        )
    else:
        stored.wage_yen, stored.recorded_by = wage_yen, actor
        stored.recorded_on, stored.event_seq = today, row["seq"]
    write_back(session, [case], read_version, case_id)
    append_log(session, [row], case_id)
    session.flush()
    return {
        "case_id": case_id,
        "seq": row["seq"],
        "month": f"{month:%Y-%m}",
        "wage_yen": wage_yen,
        "required_wage_yen": check.required_wage_yen,
        "meets": wage_yen >= check.required_wage_yen,
    }


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
    from shukko.followups import follow_up_key

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
