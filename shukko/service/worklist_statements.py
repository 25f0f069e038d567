"""The worklist's statements (業務一覧), built once per shape of filter: the office, the days
and the filters' values are bound when they run, so each page costs no statement building,
and the SQL text is the same from page to page (compiled once; PostgreSQL prepares it)."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import (
    Date,
    Integer,
    String,
    and_,
    bindparam,
    case,
    false,
    func,
    literal_column,
    or_,
    select,
    type_coerce,
    union_all,
)

from models import (
    Case,
    CaseEvent,
    Company,
    FollowUp,
    Introduction,
    Notice,
    ReceivingOffer,
    Registrant,
    SendingOffer,
    Suggestion,
    UserAccount,
)
from shukko.subsidies.notices import PLAN_FILED_EVENT
from states import final_states, state_labels
from states.bank import OPEN_STATES as REGISTRANT_OPEN

# A case is open until its machine's final state.
OPEN_STATES = {
    state
    for kind in ("secondment", "transfer")
    for state in state_labels(kind)
    if state not in final_states(kind)
}


def _count_of(column):
    """The rows of `column`'s table that name the registrant (a correlated count)."""
    return select(func.count()).where(column == Registrant.id).scalar_subquery()


_OFFICE = bindparam("office")
_AS_OF = bindparam("as_of", type_=Date)
_SOON = bindparam("soon", type_=Date)
_OF_OFFICE = or_(Case.sending_office_code == _OFFICE, Case.receiving_office_code == _OFFICE)


# What a line shows of its case, carried from the office's read (not joined again).
_CASE_COLUMNS = (
    Case.id, Case.kind, Case.state, Case.headcount, Case.sending_office_code,
    Case.receiving_office_code, Case.sending_offer_id, Case.receiving_offer_id, Case.owner_id,
)  # fmt: skip


def _among(column, values):
    """`column IN (...)` of constant words written into the SQL (a list bound as parameters
    is rendered anew at every execution)."""
    return column.in_([literal_column(f"'{value}'", String) for value in sorted(values)])


def _is(column, value: str):
    return column == literal_column(f"'{value}'", String)


def _in_view(owner: str, kind: bool, state: bool, other: bool):
    """The office's open cases in the view and filters (a CTE), with the date of the log
    their group sorts by (`dated`): the day a proposal was made, the day of the interview
    scheduled last (evaluated only for those states)."""
    on_case = CaseEvent.case_id == Case.id
    proposed_on = select(func.min(CaseEvent.occurred_on)).where(on_case)
    interview_on = select(func.max(CaseEvent.occurred_on)).where(
        on_case, _is(CaseEvent.event, "schedule_interview")
    )
    dated = case(
        (_is(Case.state, "proposed"), proposed_on.scalar_subquery()),
        (_is(Case.state, "interviewing"), interview_on.scalar_subquery()),
        else_=None,
    )
    statement = select(
        *_CASE_COLUMNS, Case.start_date, Case.end_date, type_coerce(dated, Date).label("dated")
    ).where(_OF_OFFICE, _among(Case.state, OPEN_STATES))
    if owner == "one":
        statement = statement.where(Case.owner_id == bindparam("owner", type_=Integer))
    elif owner == "none":
        statement = statement.where(Case.owner_id.is_(None))
    if kind:
        statement = statement.where(Case.kind == bindparam("kind"))
    if state:
        statement = statement.where(Case.state == bindparam("state"))
    if other:  # the other office: a party of the case that is not this office
        theirs = bindparam("other")
        statement = statement.where(
            or_(
                and_(Case.sending_office_code == theirs, Case.sending_office_code != _OFFICE),
                and_(Case.receiving_office_code == theirs, Case.receiving_office_code != _OFFICE),
            )
        )
    return statement.cte("in_view")


def _group_lines(cases):
    """Every line of every case group: (grp, id, on, overdue), a case in as many groups as
    it needs things done."""

    def line(group: str, on, overdue):
        return select(literal_column(f"'{group}'", String).label("grp"),
                      *(cases.c[column.key] for column in _CASE_COLUMNS),
                      type_coerce(on, Date).label("on"), overdue.label("overdue"))  # fmt: skip

    dated = cases.c.dated
    filing = _filing_due(cases)
    follow_ups = _follow_ups_due(cases)
    return union_all(
        line("review", dated, false()).where(_is(cases.c.state, "proposed")),
        # No interview scheduled: not a state the machine leaves a case in.
        line("interviews", dated, dated < _AS_OF).where(
            _is(cases.c.state, "interviewing"), dated.is_not(None)
        ),
        line("blocked", func.coalesce(cases.c.start_date, _AS_OF), false()).where(
            _is(cases.c.state, "preparing")
        ),
        line("filing", filing.c.deadline, false()).join(filing, filing.c.case_id == cases.c.id),
        line("follow_ups", follow_ups.c.first, follow_ups.c.first < _AS_OF).join(
            follow_ups, follow_ups.c.case_id == cases.c.id
        ),
        line("ending", cases.c.end_date, cases.c.end_date < _AS_OF).where(
            _is(cases.c.state, "active"), cases.c.end_date <= bindparam("month_ahead", type_=Date)
        ),
    ).subquery("lines")


def _filing_due(cases):
    """The plan's recommended filing day of the cases not started whose filing is not
    recorded yet, within [as_of, soon]: asked per case with a deadline (by the case index),
    not of every filing recorded."""
    filed = (
        select(CaseEvent.id)
        .where(CaseEvent.case_id == Notice.case_id, _is(CaseEvent.event, PLAN_FILED_EVENT))
        .exists()
    )
    deadline = func.max(Notice.filing_deadline)
    not_started = select(cases.c.id).where(_among(cases.c.state, ("preparing", "contracted")))
    return (
        select(Notice.case_id, deadline.label("deadline"))
        .where(Notice.case_id.in_(not_started), Notice.filing_deadline.is_not(None))
        .group_by(Notice.case_id)
        .having(deadline.between(_AS_OF, _SOON))
        .having(~filed)
        .subquery("filing")
    )


def _follow_ups_due(cases):
    """Each case's earliest scheduled follow-up due by `soon`."""
    first = func.min(FollowUp.due_on)
    return (
        select(FollowUp.case_id, first.label("first"))
        .where(
            FollowUp.case_id.in_(select(cases.c.id)),
            _is(FollowUp.status, "scheduled"),
            FollowUp.due_on <= _SOON,
        )
        .group_by(FollowUp.case_id)
        .subquery("follow_ups")
    )


@lru_cache(maxsize=64)
def lines_statement(*, owner: str, kind: bool, state: bool, other: bool, overdue_only: bool,
                     newest_first: bool):  # fmt: skip
    """The lines shown of each group, numbered by date within their group (either way), with
    the group's count on each, and the cases' columns and names for those lines only; a
    group whose page holds none of its lines still gives its first (not shown) for its
    count."""
    lines = _group_lines(_in_view(owner, kind, state, other))
    order = (lines.c.on, lines.c.id)
    if newest_first:
        order = tuple(column.desc() for column in order)
    ranked = select(
        lines,
        func.row_number().over(partition_by=lines.c.grp, order_by=order).label("rn"),
        func.count().over(partition_by=lines.c.grp).label("n"),
    )
    if overdue_only:
        ranked = ranked.where(lines.c.overdue)
    ranked = ranked.subquery("ranked")
    paged = bindparam("paged", type_=String)
    shown = or_(
        and_(ranked.c.grp == paged, ranked.c.rn > bindparam("first", type_=Integer),
             ranked.c.rn <= bindparam("last", type_=Integer)),
        and_(ranked.c.grp != paged, ranked.c.rn <= bindparam("preview", type_=Integer)),
    )  # fmt: skip
    return (
        select(
            ranked, shown.label("shown"),
            _company_of(SendingOffer, ranked.c.sending_offer_id).label("sending_company"),
            _company_of(ReceivingOffer, ranked.c.receiving_offer_id).label("receiving_company"),
            _name_of(ranked.c.owner_id).label("owner"),
        )
        .where(or_(shown, ranked.c.rn == 1))
        .order_by(ranked.c.grp, ranked.c.rn)
    )


def _company_of(table, offer_id):
    """An offer's company name, looked up by key per shown line (a join let PostgreSQL hash
    both offer tables)."""
    return (
        select(Company.name)
        .join(table, table.company_id == Company.id)
        .where(table.id == offer_id)
        .scalar_subquery()
    )


def _name_of(user_id):
    return select(UserAccount.name).where(UserAccount.id == user_id).scalar_subquery()


# A person's 定着確認 open and due by `soon` (after a job seeker's hire), and the earliest.
_RETENTION_OPEN = (
    FollowUp.registrant_id == Registrant.id,
    _is(FollowUp.status, "scheduled"),
    FollowUp.due_on <= _SOON,
)
_RETENTION_DUE = select(func.min(FollowUp.due_on)).where(*_RETENTION_OPEN)
OPEN_REGISTRANTS = select(
    Registrant.id,
    Registrant.state,
    Registrant.route,
    Registrant.age_at_leaving,
    Registrant.occupations,
    Registrant.last_activity_on,
    Registrant.owner_id,
    _name_of(Registrant.owner_id),
    _count_of(Suggestion.registrant_id),
    _count_of(Introduction.registrant_id),
    Registrant.programme,
    # The next interview still waiting for its result, and the first day an offer agreed.
    select(func.min(Introduction.interview_on))
    .where(Introduction.registrant_id == Registrant.id, Introduction.outcome.is_(None))
    .scalar_subquery(),
    select(func.min(Introduction.start_on))
    .where(Introduction.registrant_id == Registrant.id, _is(Introduction.outcome, "offered"))
    .scalar_subquery(),
    _RETENTION_DUE.scalar_subquery(),
).where(
    Registrant.office_code == _OFFICE,
    # Open, or hired with a 定着確認 due by the worklist's horizon.
    or_(
        _among(Registrant.state, REGISTRANT_OPEN),
        select(FollowUp.id).where(*_RETENTION_OPEN).exists(),
    ),
)
OWNERS_OF_OPEN_CASES = (
    select(Case.owner_id, func.count())
    .where(_OF_OFFICE, _among(Case.state, OPEN_STATES))
    .group_by(Case.owner_id)
)
FOLLOW_UPS_OF = (
    select(FollowUp.case_id, FollowUp.kind, FollowUp.due_on)
    .where(
        FollowUp.case_id.in_(bindparam("ids", expanding=True)),
        _is(FollowUp.status, "scheduled"),
        FollowUp.due_on <= _SOON,
    )
    .order_by(FollowUp.due_on, FollowUp.id)
)
