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

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import Row, bindparam, case, func, or_, select
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
from shukko.service.case_views import case_rows
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

    def keeps(self, row) -> bool:
        """Whether an open case is in the view and passes the filters."""
        if not self.owned(row.owner_id):
            return False
        if (self.kind and row.kind != self.kind) or (self.state and row.state != self.state):
            return False
        if self.other_office:
            other = {row.sending_office_code, row.receiving_office_code} - {self.office}
            return self.other_office in other
        return True


def worklist(*, session: Session, query: WorklistQuery, rules: CaseRules = CaseRules()) -> Worklist:
    """The office's worklist: every group's count, a page of the group asked for and the
    first rows of the others (an office has hundreds of open cases: the overview shows what
    comes first in each group, a group's own page all of it, page by page)."""
    every_case = _open_cases(session, query.office)
    registrants = _registrants(session, query.office)
    owners = [row.owner_id for row in every_case.values()]
    owners += [item.owner_id for item in registrants]
    views = {}
    for view in VIEWS:  # each tab's count (cases and registrants), from the same read
        in_view = replace(query, view=view, owner_id=None)
        views[view] = sum(map(in_view.owned, owners))
    cases = {case_id: row for case_id, row in every_case.items() if query.keeps(row)}
    items: dict[str, list] = {group: [] for group in GROUPS}
    for group, line in _items(session, query.office, cases, query.as_of, rules):
        if line.overdue or not query.overdue_only:
            items[group].append(line)
    # The career bank's registrants have no kind, case state or other office: a filter on
    # those leaves them out.
    filtered = query.kind or query.state or query.other_office or query.overdue_only
    items["bank"] = [item for item in registrants if not filtered and query.owned(item.owner_id)]
    counts = {group: len(rows) for group, rows in items.items()}
    pages = {}
    for group, rows in items.items():
        rows.sort(key=lambda line: (line.on, line.id), reverse=query.newest_first)
        page = query.page if group == query.group else 1
        page = max(1, min(page, _page_count(len(rows))))
        pages[group] = page
        size = PAGE_ROWS if group == query.group else PREVIEW_ROWS
        items[group] = rows[(page - 1) * PAGE_ROWS : (page - 1) * PAGE_ROWS + size]
    # Typed rows, with the companies' and owners' names, for the page's lines only: an
    # office has hundreds of open cases.
    names = _names(session, {line.id for rows in items.values() for line in rows
                             if isinstance(line, _Line)})  # fmt: skip
    for group, rows in items.items():
        items[group] = [
            _work_item(line, names[line.id]) if isinstance(line, _Line) else line
            for line in rows
        ]
    return Worklist(
        office=query.office,
        as_of=query.as_of,
        open_cases=len(every_case),
        views=views,
        counts=counts,
        groups=items,
        pages=pages,
        page_count={group: _page_count(n) for group, n in counts.items()},
    )


def _page_count(rows: int) -> int:
    return max(1, -(-rows // PAGE_ROWS))


def _open_cases(session: Session, office: str) -> dict[int, Row]:
    """The office's open cases (it sends or receives; rows of `case_rows`), by id, each
    with the date its group sorts by where that is a date of its log (`dated`)."""
    rows = session.connection().execute(OPEN_CASES, {"office": office}).all()
    return {row.id: row for row in rows}


class _Line(NamedTuple):
    """A line of a group before it is shown: what sorts it, and what its WorkItem says."""

    on: date
    id: int
    case: Row
    detail: str
    overdue: bool = False
    reasons: tuple[Refusal, ...] = ()  # typed (RefusalEntry) only for the lines shown


def _item(case: Row, on: date, detail: str, overdue: bool = False) -> _Line:
    return _Line(on, case.id, case, detail, overdue)


def _work_item(line: _Line, names: Row) -> WorkItem:
    case = line.case
    return WorkItem(
        case_id=case.id,
        kind=case.kind,
        state=case.state,
        state_label=state_labels(case.kind)[case.state],
        headcount=case.headcount,
        sending_office=case.sending_office_code,
        receiving_office=case.receiving_office_code,
        sending_company=names.sending_company,
        receiving_company=names.receiving_company,
        owner=names.owner,
        on=line.on,
        detail=line.detail,
        overdue=line.overdue,
        reasons=[RefusalEntry.of(reason) for reason in line.reasons],
    )


def _items(
    session: Session, office: str, cases: dict[int, Row], as_of: date, rules: CaseRules
) -> Iterable[tuple[str, _Line]]:
    by_state: dict[str, list[int]] = {}
    for case_id, row in cases.items():
        by_state.setdefault(row.state, []).append(case_id)

    for case_id in by_state.get("proposed", []):
        yield "review", _item(cases[case_id], cases[case_id].dated, "企業間面談の日程を調整")

    for case_id in by_state.get("interviewing", []):
        on = cases[case_id].dated
        if on is None:  # no interview scheduled: not a state the machine leaves a case in
            continue
        held = on < as_of
        detail = "面談済み: 進めるか辞退かを記録" if held else "企業間面談（予定日）"
        yield "interviews", _item(cases[case_id], on, detail, overdue=held)

    preparing = by_state.get("preparing", [])
    rows, facts = read_cases_with_facts(session, preparing, rules.max_period_months)
    no_input = guard_arguments(on=as_of)
    for case_id in preparing:
        row, case_facts = rows[case_id], facts[case_id]
        event = CLOSING_EVENT[str(row.kind)]
        missing = blocking_guards(row, case_facts, event, no_input)
        reasons = tuple(Refusal(*guard_reason(g, case_facts)) for g in missing)
        detail = "" if missing else "すべて揃っています: 契約を締結できます"
        line = _item(cases[case_id], row.start_date or as_of, detail)
        yield "blocked", line._replace(reasons=reasons)

    # Lines of the office's cases in the view only (the statements read the whole office's).
    soon = as_of + timedelta(days=SOON_DAYS)
    for case_id, deadline in _filing_deadlines(session, office, as_of, soon):
        if case_id in cases:
            detail = f"出向実施計画届を提出（推奨提出日 {era_date(deadline, weekday=False)}）"
            yield "filing", _item(cases[case_id], deadline, detail)

    yield from _follow_up_lines(_follow_ups_due(session, office, soon), cases, as_of)

    month_ahead = add_months(as_of, 1)
    for case_id in by_state.get("active", []):
        end = cases[case_id].end_date
        if end is not None and end <= month_ahead:
            detail = "出向終了日: 復帰・延長・移籍を判断"
            yield "ending", _item(cases[case_id], end, detail, overdue=end < as_of)


def _follow_up_lines(due, cases: dict[int, Row], as_of: date) -> Iterable[tuple[str, _Line]]:
    """One line per case, by its earliest follow-up due, naming each of them (a case with
    a periodic follow-up and an end decision due is one thing to do, not two lines)."""
    by_case: dict[int, list] = {}
    for case_id, kind, due_on in sorted(due, key=lambda row: (row[2], row[0])):
        if case_id in cases:
            by_case.setdefault(case_id, []).append((kind, due_on))
    for case_id, follow_ups in by_case.items():
        words = []
        for kind, due_on in follow_ups:
            late = (as_of - due_on).days
            overdue = f"（{late}日超過）" if late > 0 else ""
            words.append(FOLLOW_UP_KINDS.get(kind, kind) + overdue)
        first = follow_ups[0][1]
        yield "follow_ups", _item(cases[case_id], first, "・".join(words), first < as_of)


def _names(session: Session, case_ids: set[int]) -> dict[int, Row]:
    """Both companies' names and the owner's, of the cases on the page."""
    if not case_ids:
        return {}
    rows = session.connection().execute(CASE_NAMES, {"ids": sorted(case_ids)}).all()
    return {row.id: row for row in rows}


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


def _filing_deadlines(session: Session, office: str, first: date, last: date):
    """The plan's recommended filing day of the office's cases not started whose filing is
    not recorded yet, within [first, last]."""
    values = {"office": office, "first": first, "last": last}
    return session.connection().execute(FILING_DEADLINES, values).all()


def _follow_ups_due(session: Session, office: str, until: date):
    """(case id, kind, due day) of the office's open cases' scheduled follow-ups due by
    `until`."""
    return session.connection().execute(FOLLOW_UPS_DUE, {"office": office, "until": until}).all()


# The worklist's statements, built once: the office and the days are bound when they run,
# so each page costs no statement building, and the SQL text is the same from page to page
# (compiled once; PostgreSQL prepares it). The office's cases go to each as a subquery, not
# as a list of ids (hundreds of ids as parameters cost more to render and plan than to run).
_OFFICE = bindparam("office")
_OF_OFFICE = or_(Case.sending_office_code == _OFFICE, Case.receiving_office_code == _OFFICE)


def _cases_in(*states: str):
    """The select of the ids of the office's cases in these states."""
    return select(Case.id).where(_OF_OFFICE, Case.state.in_(states))


def _open_cases_statement():
    """The office's open cases, with the date of the log their group sorts by (`dated`):
    the day a proposal was made, the day of the interview scheduled last. Read in this
    statement (evaluated only for those states) rather than by two more round trips."""
    on_case = CaseEvent.case_id == Case.id
    proposed_on = select(func.min(CaseEvent.occurred_on)).where(on_case)
    interview_on = select(func.max(CaseEvent.occurred_on)).where(
        on_case, CaseEvent.event == "schedule_interview"
    )
    dated = case(
        (Case.state == "proposed", proposed_on.scalar_subquery()),
        (Case.state == "interviewing", interview_on.scalar_subquery()),
        else_=None,
    ).label("dated")
    return (
        case_rows()
        .add_columns(Case.owner_id, dated)
        .where(_OF_OFFICE, Case.state.in_(sorted(OPEN_STATES)))
    )


def _names_statement():
    """The shown cases' company and owner names, each looked up by its key per case (a
    join let PostgreSQL hash both offer tables for a page of a hundred cases)."""

    def company_of(table, offer_id):
        return (
            select(Company.name)
            .join(table, table.company_id == Company.id)
            .where(table.id == offer_id)
            .scalar_subquery()
        )

    owner = select(UserAccount.name).where(UserAccount.id == Case.owner_id).scalar_subquery()
    return select(
        Case.id,
        company_of(SendingOffer, Case.sending_offer_id).label("sending_company"),
        company_of(ReceivingOffer, Case.receiving_offer_id).label("receiving_company"),
        owner.label("owner"),
    ).where(Case.id.in_(bindparam("ids", expanding=True)))


def _filing_statement():
    # Asked per case that has a deadline in the window (by the case index), not of every
    # filing recorded.
    filed = (
        select(CaseEvent.id)
        .where(CaseEvent.case_id == Notice.case_id, CaseEvent.event == PLAN_FILED_EVENT)
        .exists()
    )
    deadline = func.max(Notice.filing_deadline)
    return (
        select(Notice.case_id, deadline)
        .where(
            Notice.case_id.in_(_cases_in("preparing", "contracted")),
            Notice.filing_deadline.is_not(None),
        )
        .group_by(Notice.case_id)
        .having(deadline.between(bindparam("first"), bindparam("last")))
        .having(~filed)
    )


OPEN_REGISTRANTS = select(
    Registrant.id,
    Registrant.state,
    Registrant.route,
    Registrant.age_at_leaving,
    Registrant.occupations,
    Registrant.last_activity_on,
    Registrant.owner_id,
    select(UserAccount.name).where(UserAccount.id == Registrant.owner_id).scalar_subquery(),
    _count_of(Suggestion.registrant_id),
    _count_of(Introduction.registrant_id),
).where(Registrant.office_code == _OFFICE, Registrant.state.in_(REGISTRANT_OPEN))
OPEN_CASES = _open_cases_statement()
CASE_NAMES = _names_statement()
FILING_DEADLINES = _filing_statement()
FOLLOW_UPS_DUE = select(FollowUp.case_id, FollowUp.kind, FollowUp.due_on).where(
    FollowUp.case_id.in_(_cases_in(*sorted(OPEN_STATES))),
    FollowUp.status == "scheduled",
    FollowUp.due_on <= bindparam("until"),
)
