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
              counsel, to introduce (suggestions waiting), introduced (hire or close), an
              interview's result to record (by its day), an offer's first day (by that day)
- seekers     移籍の求職者: the office's job seekers, the same steps and order
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import Row
from sqlmodel import Session

from shukko.case_rules import CaseRules
from shukko.cases.facts import read_cases_with_facts
from shukko.cases.transitions import blocking_guards, guard_arguments
from shukko.clock import add_months, era_date
from shukko.refusals import Refusal
from shukko.service.schemas import RefusalEntry, RegistrantItem, WorkItem, Worklist
from shukko.service.worklist_statements import (
    FOLLOW_UPS_OF,
    OPEN_REGISTRANTS,
    OPEN_STATES,
    OWNERS_OF_OPEN_CASES,
    lines_statement,
)
from states import guard_reason, state_labels
from states.bank import CAREER_BANK, TRANSFER

__all__ = [
    "GROUPS", "OPEN_STATES", "PAGE_ROWS", "PREVIEW_ROWS", "VIEWS", "WorklistQuery", "worklist",
]  # fmt: skip

PEOPLE_GROUPS = ("bank", "seekers")  # registrants and job seekers, not cases
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
    "seekers": "移籍の求職者（面談・応募・採用面接・内定）",
}
CLOSING_EVENT = {"secondment": "sign_contract", "transfer": "hire"}
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
    registrants = _registrants(session, query.office, query.as_of)
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
    # Registrants and job seekers have no kind, case state or other office: a filter on
    # those leaves them out.
    filtered = query.kind or query.state or query.other_office or query.overdue_only
    for group, programme in (("bank", CAREER_BANK), ("seekers", TRANSFER)):
        people = [item for item in registrants if item.programme == programme
                  and not filtered and query.owned(item.owner_id)]  # fmt: skip
        people.sort(key=lambda item: (item.on, item.id), reverse=query.newest_first)
        counts[group] = len(people)
        page = max(1, min(query.page, _page_count(len(people)))) if query.group == group else 1
        size = PAGE_ROWS if query.group == group else PREVIEW_ROWS
        items[group] = people[(page - 1) * PAGE_ROWS : (page - 1) * PAGE_ROWS + size]
        pages[group] = page
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
    statement = lines_statement(
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
        "preview": PREVIEW_ROWS,
    }  # fmt: skip
    counts = {group: 0 for group in GROUPS if group not in PEOPLE_GROUPS}
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


def _registrants(session: Session, office: str, as_of: date) -> list[RegistrantItem]:
    """The office's open registrants and job seekers (and the hired ones with a 定着確認
    due), each with what the consultant does next."""
    from shukko.bank.lifecycle import KIND

    labels = state_labels(KIND)
    soon = as_of + timedelta(days=SOON_DAYS)
    rows = session.connection().execute(OPEN_REGISTRANTS, {"office": office, "soon": soon}).all()
    items = []
    for (registrant_id, state, route, age, occupations, last, owner_id, owner, suggested,
         introduced, programme, interview_on, start_on, retention_on) in rows:  # fmt: skip
        on, overdue = last, False
        if state == "hired" and retention_on:
            on, overdue = retention_on, retention_on < as_of
            detail = f"定着確認（期限 {era_date(retention_on, weekday=False)}）を記録"
        elif state == "registered":
            detail = "面談（カウンセリング）を記録"
        elif state == "counselled":
            detail = f"紹介候補 {suggested}件: 紹介先を検討"
        elif state == "interviewing" and interview_on:
            on = interview_on  # this week's interviews first
            detail = f"採用面接 {era_date(interview_on, weekday=False)}: 内定・不採用を記録"
        elif state == "offered" and start_on:
            on = start_on
            detail = f"内定（入社予定日 {era_date(start_on, weekday=False)}）: 入社日に採用を記録"
        elif state == "offered":
            detail = "内定: 入社日に採用を記録"
        else:
            detail = f"紹介先 {introduced}件: 採用結果を確認"
        item = RegistrantItem(
            registrant_id=registrant_id, state_label=labels[state], route=route,
            age_at_leaving=age, occupations=occupations, on=on, detail=detail,
            owner_id=owner_id, owner=owner, programme=programme, overdue=overdue,
        )  # fmt: skip
        items.append(item)
    return items


