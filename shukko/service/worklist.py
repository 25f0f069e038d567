"""業務一覧: one office's open cases grouped by what they need next, for the web worklist.

Groups (each row links to its case):
- review      提案の確認・面談の日程調整: proposed cases (schedule the interview or withdraw)
- interviews  面談後の判断: interviewing cases, by interview date (proceed or withdraw)
- blocked     契約締結前: preparing cases, with what still blocks signing (the words of
              `case show`), or that everything is in
- filing      出向実施計画届: filing deadlines (as the notices state them) within 14 days
- follow_ups  フォローアップ: follow-ups due within 14 days, and overdue ones
- ending      終了1か月前: active secondments ending within a month (return, extension or
              transfer to decide)
- bank        キャリア人材バンク: the office's open registrants, by their last activity: to
              counsel, to introduce (suggestions waiting), introduced (hire or close)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import (
    Date,
    Integer,
    Row,
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
from sqlmodel import Session

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
from shukko.case_rules import CaseRules
from shukko.cases.facts import read_cases_with_facts
from shukko.cases.transitions import blocking_guards, guard_arguments
from shukko.clock import add_months, era_date
from shukko.refusals import Refusal
from shukko.service.schemas import RefusalEntry, RegistrantItem, WorkItem, Worklist
from shukko.subsidies.notices import PLAN_FILED_EVENT
from states import final_states, guard_reason, state_labels
from states.bank import OPEN_STATES as REGISTRANT_OPEN

PAGE_ROWS = 100
PREVIEW_ROWS = 20  # of each group on the overview; a group's own page shows PAGE_ROWS
SOON_DAYS = 14
GROUPS = {
    "review": "提案の確認・面談の日程調整",
    "interviews": "面談後の判断",
    "blocked": "契約締結前（不足している事項）",
    "filing": "出向実施計画届の提出（推奨提出日まで14日以内・未提出）",
    "follow_ups": "フォローアップ（期限到来・超過）",
    "ending": "出向終了1か月前（復帰・延長・移籍の判断）",
    "bank": "キャリア人材バンク（面談・紹介・採用の確認）",
}
CLOSING_EVENT = {"secondment": "sign_contract", "transfer": "hire"}
OPEN_STATES = {
    state
    for kind in CLOSING_EVENT
    for state in state_labels(kind)
    if state not in final_states(kind)
}
FOLLOW_UP_KINDS = {
    "periodic": "定期フォローアップ",
    "end_decision": "終了前の判断",
    "wage_report": "復帰後賃金の報告",
}


VIEWS = {"mine": "自分の担当", "all": "事務所全体", "unowned": "担当者なし"}


@dataclass(frozen=True)
class WorklistQuery:
    """Which office, as of which day, whose cases (a view: the user's own, the whole office,
    nobody's), which of them (a kind, a state, the other office, overdue lines only), which
    group's page, sorted by date up or down."""

    office: str
    as_of: date
    group: str | None = None  # the group paged; the others show their first PREVIEW_ROWS
    page: int = 1
    newest_first: bool = False
    view: str = "all"  # a key of VIEWS
    user_id: int | None = None  # the user whose cases are "mine"
    kind: str | None = None
    state: str | None = None
    other_office: str | None = None
    overdue_only: bool = False
    owner_id: int | None = None  # one colleague's (within the whole office's view)

    def owned(self, owner_id: int | None) -> bool:
        """Whether a case or registrant of this owner is in the view."""
        if self.owner_id is not None and self.view == "all":
            return owner_id == self.owner_id
        if self.view == "mine":
            return owner_id is not None and owner_id == self.user_id
        return owner_id is None if self.view == "unowned" else True


def worklist(*, session: Session, query: WorklistQuery, rules: CaseRules = CaseRules()) -> Worklist:
    """The office's worklist: every group's count, a page of the group asked for and the
    first rows of the others (an office has hundreds of open cases: the overview shows what
    comes first in each group, a group's own page all of it, page by page).

    The database groups, counts, sorts and pages the lines (one statement); only the lines
    shown are read in full (their companies, owner, a preparing case's facts, a follow-up's
    kinds), so a page costs the same whether the office has sixty open cases or six hundred."""
    owners = session.connection().execute(OWNERS_OF_OPEN_CASES, {"office": query.office}).all()
    registrants = _registrants(session, query.office)
    views = {}
    for view in VIEWS:  # each tab's count (cases and registrants)
        in_view = replace(query, view=view, owner_id=None)
        views[view] = sum(n for owner, n in owners if in_view.owned(owner))
        views[view] += sum(in_view.owned(item.owner_id) for item in registrants)
    counts, shown = _shown_lines(session, query)
    pages = {group: query.page if group == query.group else 1 for group in GROUPS}
    if query.group and query.page > 1 and not shown[query.group] and counts[query.group]:
        # A page past the last (a link from before cases closed): its last page.
        last = _page_count(counts[query.group])
        counts, shown = _shown_lines(session, replace(query, page=last))
        pages[query.group] = last
    items: dict[str, list] = {group: _typed(session, group, rows, query.as_of, rules)
                              for group, rows in shown.items()}  # fmt: skip
    # The career bank's registrants have no kind, case state or other office: a filter on
    # those leaves them out.
    filtered = query.kind or query.state or query.other_office or query.overdue_only
    bank = [item for item in registrants if not filtered and query.owned(item.owner_id)]
    bank.sort(key=lambda item: (item.on, item.id), reverse=query.newest_first)
    counts["bank"] = len(bank)
    page = max(1, min(query.page, _page_count(len(bank)))) if query.group == "bank" else 1
    size = PAGE_ROWS if query.group == "bank" else PREVIEW_ROWS
    items["bank"] = bank[(page - 1) * PAGE_ROWS : (page - 1) * PAGE_ROWS + size]
    pages["bank"] = page
    return Worklist(
        office=query.office,
        as_of=query.as_of,
        open_cases=sum(n for _, n in owners),
        views=views,
        counts=counts,
        groups=items,
        pages=pages,
        page_count={group: _page_count(n) for group, n in counts.items()},
    )


def _page_count(rows: int) -> int:
    return max(1, -(-rows // PAGE_ROWS))


def _shown_lines(session: Session, query: WorklistQuery) -> tuple[dict[str, int], dict]:
    """Each case group's count and the rows of its lines shown (in order)."""
    statement = _lines_statement(
        owner=_owner_filter(query), kind=bool(query.kind), state=bool(query.state),
        other=bool(query.other_office), overdue_only=query.overdue_only,
        newest_first=query.newest_first,
    )  # fmt: skip
    soon = query.as_of + timedelta(days=SOON_DAYS)
    first = (query.page - 1) * PAGE_ROWS if query.group else 0
    values = {
        "office": query.office, "as_of": query.as_of, "soon": soon,
        "month_ahead": add_months(query.as_of, 1),
        "owner": query.owner_id if query.view == "all" else query.user_id,
        "kind": query.kind, "state": query.state, "other": query.other_office,
        "paged": query.group or "", "first": first, "last": first + PAGE_ROWS,
    }  # fmt: skip
    counts = {group: 0 for group in GROUPS if group != "bank"}
    shown: dict[str, list] = {group: [] for group in counts}
    for row in session.connection().execute(statement, values).all():
        counts[row.grp] = row.n
        if row.shown:
            shown[row.grp].append(row)
    return counts, shown


def _owner_filter(query: WorklistQuery) -> str:
    """Whose cases the view holds: anyone's, one user's (the user's own, or a colleague's
    in the whole office's view), nobody's."""
    if query.view == "all":
        return "one" if query.owner_id is not None else "any"
    return "one" if query.view == "mine" else "none"


def _typed(session: Session, group: str, rows: list[Row], as_of: date, rules: CaseRules):
    """The shown lines of a group as WorkItems, with what each needs in words."""
    if group == "blocked":
        cases, facts = read_cases_with_facts(session, [row.id for row in rows],
                                             rules.max_period_months)  # fmt: skip
        no_input = guard_arguments(on=as_of)
    if group == "follow_ups":
        due = _follow_ups_of(session, [row.id for row in rows], as_of + timedelta(SOON_DAYS))
    items = []
    for row in rows:
        reasons: tuple[Refusal, ...] = ()
        if group == "blocked":
            event = CLOSING_EVENT[str(row.kind)]
            missing = blocking_guards(cases[row.id], facts[row.id], event, no_input)
            reasons = tuple(Refusal(*guard_reason(g, facts[row.id])) for g in missing)
            detail = "" if missing else "すべて揃っています: 契約を締結できます"
        elif group == "follow_ups":
            detail = "・".join(
                FOLLOW_UP_KINDS.get(kind, kind) + _days_late(as_of, due_on)
                for kind, due_on in due[row.id]
            )
        elif group == "interviews":
            detail = "面談済み: 進めるか辞退かを記録" if row.overdue else "企業間面談（予定日）"
        elif group == "filing":
            detail = f"出向実施計画届を提出（推奨提出日 {era_date(row.on, weekday=False)}）"
        else:
            detail = DETAILS[group]
        items.append(_work_item(row, detail, reasons))
    return items


DETAILS = {"review": "企業間面談の日程を調整", "ending": "出向終了日: 復帰・延長・移籍を判断"}


def _days_late(as_of: date, due_on: date) -> str:
    late = (as_of - due_on).days
    return f"（{late}日超過）" if late > 0 else ""


def _work_item(row: Row, detail: str, reasons: tuple[Refusal, ...]) -> WorkItem:
    # Built without validation: every value is the database's, of the field's type.
    return WorkItem.model_construct(
        case_id=row.id,
        kind=row.kind,
        state=row.state,
        state_label=state_labels(row.kind)[row.state],
        headcount=row.headcount,
        sending_office=row.sending_office_code,
        receiving_office=row.receiving_office_code,
        sending_company=row.sending_company,
        receiving_company=row.receiving_company,
        owner=row.owner,
        on=row.on,
        detail=detail,
        overdue=bool(row.overdue),
        reasons=[RefusalEntry.of(reason) for reason in reasons],
    )


def _follow_ups_of(session: Session, case_ids: list[int], soon: date) -> dict[int, list]:
    """(kind, due day) of each case's scheduled follow-ups due, earliest first (a case with
    a periodic follow-up and an end decision due is one line naming both)."""
    due: dict[int, list] = {case_id: [] for case_id in case_ids}
    if case_ids:
        rows = session.connection().execute(FOLLOW_UPS_OF, {"ids": case_ids, "soon": soon}).all()
        for case_id, kind, due_on in rows:
            due[case_id].append((kind, due_on))
    return due


def _registrants(session: Session, office: str) -> list[RegistrantItem]:
    """The office's open registrants, each with what the consultant does next."""
    from shukko.bank.lifecycle import KIND

    labels = state_labels(KIND)
    rows = session.connection().execute(OPEN_REGISTRANTS, {"office": office}).all()
    items = []
    for registrant_id, state, route, age, occupations, last, owner_id, owner, suggested, \
            introduced in rows:  # fmt: skip
        if state == "registered":
            detail = "面談（カウンセリング）を記録"
        elif state == "counselled":
            detail = f"紹介候補 {suggested}件: 紹介先を検討"
        elif state == "interviewing":
            detail = "採用面接: 内定・不採用を記録"
        elif state == "offered":
            detail = "内定: 入社日に採用を記録"
        else:
            detail = f"紹介先 {introduced}件: 採用結果を確認"
        item = RegistrantItem(
            registrant_id=registrant_id, state_label=labels[state], route=route,
            age_at_leaving=age, occupations=occupations, on=last, detail=detail,
            owner_id=owner_id, owner=owner,
        )  # fmt: skip
        items.append(item)
    return items


def _count_of(column):
    """The rows of `column`'s table that name the registrant (a correlated count)."""
    return select(func.count()).where(column == Registrant.id).scalar_subquery()


# The worklist's statements, built once (per shape of filter): the office, the days and the
# filters' values are bound when they run, so each page costs no statement building, and the
# SQL text is the same from page to page (compiled once; PostgreSQL prepares it).
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
def _lines_statement(*, owner: str, kind: bool, state: bool, other: bool, overdue_only: bool,
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
        and_(ranked.c.grp != paged, ranked.c.rn <= PREVIEW_ROWS),
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
).where(Registrant.office_code == _OFFICE, _among(Registrant.state, REGISTRANT_OPEN))
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
