"""フォローアップ: the follow-ups an active secondment is due, and which are done or overdue.

The schedule follows from the case's dates and the settings: the first follow-up a month
after the start, then every three months, and the decision one month before the end (return,
extension or transfer). A `record_follow_up` event completes the earliest open follow-up.
Everything here is derived again from the case whenever it changes, so re-runs add nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import bindparam, func, select, update
from sqlmodel import Session

from models import Case, CaseEvent, CaseKind, FollowUp, Watermark
from models.db import insert_missing
from shukko.case_rules import FollowUpPlan
from shukko.clock import add_months

# Events after which a case's follow-ups are derived again.
SCHEDULE_EVENTS = frozenset(
    {"start", "record_follow_up", "extend", "return_to_origin", "convert_to_transfer"}
)
EARLY_GRACE = timedelta(days=31)  # a visit up to a month early still counts
PLANNED_KINDS = ("periodic", "end_decision")  # derived from an active case's dates, here


def planned(
    start: date,
    end: date | None,
    *,
    first_months: int,
    every_months: int,
    decision_months: int,
    horizon: date,
) -> list[tuple[str, date]]:
    """(kind, due date) of a case's follow-ups: periodic, then the end decision.

    Without an end date, periodic follow-ups are planned up to `horizon`.
    """
    decision = add_months(end, -decision_months) if end else None

    def within(due: date) -> bool:
        return due < decision if decision else due <= horizon

    plan, step = [], 0
    while within(due := add_months(start, first_months + step * every_months)):
        plan.append(("periodic", due))
        step += 1
    if decision and decision > start:
        plan.append(("end_decision", decision))
    return plan


def follow_up_key(case_id: int, kind: str, due: date) -> str:
    return f"{case_id}:{kind}:{due.isoformat()}"


# Built once: on an operator's path the refresh runs for one case per event, where building
# the statements cost more than running them.
_TABLE = FollowUp.__table__
_IDS = bindparam("ids", expanding=True)
_CASES = select(Case.id, Case.state, Case.start_date, Case.end_date).where(
    Case.id.in_(_IDS), Case.kind == CaseKind.secondment
)
_ROWS = (
    select(
        _TABLE.c.id,
        _TABLE.c.case_id,
        _TABLE.c.key,
        _TABLE.c.status,
        _TABLE.c.due_on,
        _TABLE.c.done_seq,
    )
    .where(_TABLE.c.case_id.in_(_IDS), _TABLE.c.kind.in_(PLANNED_KINDS))
    .order_by(_TABLE.c.due_on)
)
_VISITS = (
    select(CaseEvent.case_id, CaseEvent.seq, CaseEvent.occurred_on)
    .where(CaseEvent.case_id.in_(_IDS), CaseEvent.event == "record_follow_up")
    .order_by(CaseEvent.case_id, CaseEvent.seq)
)
_SET_STATUS = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("b_id"))
    .values(
        status=bindparam("b_status"),
        done_on=bindparam("b_done_on"),
        done_seq=bindparam("b_done_seq"),
    )
)


def refresh(session: Session, case_ids: list[int], *, as_of: date, plan: FollowUpPlan) -> dict:
    """Derive the follow-ups of these cases again: add what is due by the plan, cancel open
    ones the plan no longer has (the end moved, the case ended), and mark done the ones a
    `record_follow_up` event answered. Plain rows and bulk statements: the nightly run
    refreshes every active case."""
    counts = {"scheduled": 0, "cancelled": 0, "done": 0}
    if not case_ids:
        return counts
    connection = session.connection()
    ids = {"ids": list(case_ids)}
    horizon = add_months(as_of, plan.every_months)
    wanted: dict[int, set[str]] = {case_id: set() for case_id in case_ids}
    planned_rows = []
    for case_id, state, start, end in connection.execute(_CASES, ids):
        if state != "active" or start is None:
            continue
        schedule = planned(
            start,
            end,
            first_months=plan.first_months,
            every_months=plan.every_months,
            decision_months=plan.decision_months,
            horizon=horizon,
        )
        for kind, due in schedule:
            key = follow_up_key(case_id, kind, due)
            wanted[case_id].add(key)
            planned_rows.append(
                {"key": key, "case_id": case_id, "kind": kind, "due_on": due, "status": "scheduled"}
            )
    stored = [dict(row) for row in connection.execute(_ROWS, ids).mappings()]
    known = {row["key"] for row in stored}
    new_rows = [row for row in planned_rows if row["key"] not in known]
    if new_rows:
        insert_missing(session, _TABLE, new_rows)
        stored = [dict(row) for row in connection.execute(_ROWS, ids).mappings()]
    counts["scheduled"] = len(new_rows)

    rows_by_case: dict[int, list[dict]] = {case_id: [] for case_id in case_ids}
    for row in stored:
        rows_by_case[row["case_id"]].append(row)
    changed: dict[int, dict] = {}
    for case_id, rows in rows_by_case.items():
        for row in rows:
            if row["status"] == "scheduled" and row["key"] not in wanted[case_id]:
                row["status"] = "cancelled"
                changed[row["id"]] = row
                counts["cancelled"] += 1
            elif row["status"] == "cancelled" and row["key"] in wanted[case_id]:
                row["status"] = "scheduled"  # the end moved back again
                changed[row["id"]] = row
    for row in _settle(connection.execute(_VISITS, ids).all(), rows_by_case):
        changed[row["id"]] = row
        counts["done"] += 1
    if changed:
        connection.execute(
            _SET_STATUS,
            [
                {
                    "b_id": row["id"],
                    "b_status": row["status"],
                    "b_done_on": row.get("done_on"),
                    "b_done_seq": row["done_seq"],
                }
                for row in changed.values()
            ],
        )
    return counts


def _settle(visits: list, rows_by_case: dict[int, list[dict]]) -> list:
    """Link each unlinked record_follow_up event (case, seq, date) to the earliest open
    follow-up it answers; returns the rows marked done."""
    done = []
    linked = {(case_id, row["done_seq"]) for case_id, rows in rows_by_case.items() for row in rows}
    for case_id, seq, on in visits:
        if (case_id, seq) in linked:
            continue
        target = next(
            (
                row
                for row in rows_by_case[case_id]
                if row["status"] == "scheduled" and row["due_on"] <= on + EARLY_GRACE
            ),
            None,
        )
        if target is not None:
            target.update(status="done", done_on=on, done_seq=seq)
            done.append(target)
    return done


WATERMARK = "follow-up"


def cases_to_refresh(session: Session) -> tuple[list[int], int]:
    """Cases whose follow-ups may have changed since the last nightly refresh (an event that
    moves the plan came after the watermark), plus active cases without an end date (their
    plan rolls forward); and the newest event id, to move the watermark to."""
    mark = session.get(Watermark, WATERMARK)
    since = mark.last_event_id if mark else 0
    newest = session.scalar(select(func.max(CaseEvent.id))) or 0
    changed = set(
        session.scalars(
            select(CaseEvent.case_id)
            .where(CaseEvent.id > since, CaseEvent.event.in_(SCHEDULE_EVENTS))
            .distinct()
        )
    )
    open_ended = session.scalars(
        select(Case.id).where(
            Case.kind == CaseKind.secondment, Case.state == "active", Case.end_date.is_(None)
        )
    )
    return sorted(changed | set(open_ended)), newest


def move_watermark(session: Session, newest: int) -> None:
    """Forward only: an overlapping run that read further is not set back."""
    insert_missing(
        session, Watermark.__table__, [{"name": WATERMARK, "last_event_id": 0}], key="name"
    )
    session.execute(
        update(Watermark)
        .where(Watermark.name == WATERMARK, Watermark.last_event_id < newest)
        .values(last_event_id=newest)
    )


def flag_overdue(session: Session, as_of: date) -> int:
    """Mark open follow-ups past their date as overdue (the first day they were found so)."""
    result = session.execute(
        update(FollowUp)
        .where(
            FollowUp.status == "scheduled",
            FollowUp.due_on < as_of,
            FollowUp.overdue_since.is_(None),
        )
        .values(overdue_since=as_of)
    )
    return result.rowcount


def follow_ups_query(
    *,
    as_of: date,
    due_before: date | None = None,
    overdue: bool = False,
    include_done: bool = False,
):
    """The follow-ups to list, by due date: open ones (and done ones when asked)."""
    statuses = ["scheduled", "done"] if include_done else ["scheduled"]
    query = (
        select(FollowUp)
        .where(FollowUp.status.in_(statuses))
        .order_by(FollowUp.due_on, FollowUp.case_id, FollowUp.id)
    )
    if due_before is not None:
        query = query.where(FollowUp.due_on < due_before)
    if overdue:
        query = query.where(FollowUp.status == "scheduled", FollowUp.due_on < as_of)
    return query


def follow_up_row(row: FollowUp, as_of: date) -> dict:
    """A follow-up as listed, overdue flagged as of the day."""
    return {
        "id": row.id,
        "case_id": row.case_id,
        "registrant_id": row.registrant_id,  # a job seeker's 定着確認 after the hire
        "kind": row.kind,
        "due_on": row.due_on,
        "status": row.status,
        "overdue": row.status == "scheduled" and row.due_on < as_of,
        "overdue_days": (as_of - row.due_on).days if row.due_on < as_of else 0,
        "done_on": row.done_on,
    }


def list_follow_ups(*, session: Session, as_of: date, **conditions) -> list[dict]:
    """Follow-ups by due date as plain rows (conditions as for follow_ups_query)."""
    query = follow_ups_query(as_of=as_of, **conditions)
    return [follow_up_row(row, as_of) for row in session.scalars(query)]
