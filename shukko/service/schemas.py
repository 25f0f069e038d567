"""Typed results of the service layer. `as_data` turns one into the plain data that JSON output
prints (field names as documented, `from` included; personal data only where it was set)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field


class Result(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


def as_data(result: BaseModel) -> dict:
    """Plain data for JSON: aliases used, fields left unset (personal data not asked for)
    left out."""
    return result.model_dump(by_alias=True, exclude_unset=True)


Row = TypeVar("Row")


class Listing(Generic[Row]):
    """A listing: `total` rows match, `rows` yields them (at most `limit`) page by page from
    the database, so that a listing of every row holds one page in memory."""

    def __init__(self, total: int, rows: Iterator[Row], limit: int | None) -> None:
        self.total = total
        self.rows = rows
        self.limit = limit

    @property
    def shown(self) -> int:
        return self.total if self.limit is None else min(self.limit, self.total)


class CaseRow(Result):
    id: int
    kind: str
    state: str
    state_label: str
    headcount: int
    sending_office: str
    receiving_office: str
    start_date: date | None
    end_date: date | None
    version: int


class OfferSummary(Result):
    office: str
    offer_id: str
    company: str
    industry: str
    prefecture: str
    headcount: int


class FactsView(Result):
    workers_assigned: int
    workers_consented: int
    sending_has_union: bool | None
    union_agreed: bool
    rules_updated: bool
    terms_fixed: bool
    transfer_consented: bool


class WorkerEntry(Result):
    worker_id: int
    consented: bool
    # 個人情報: set only when asked for
    name: str | None = None
    birth_date: date | None = None
    gender: str | None = None


class RefusalEntry(Result):
    """A refusal as data (shukko.refusals): each front end words it from its catalogue."""

    code: str
    params: dict[str, Any] = {}
    fields: list[str] = []

    @classmethod
    def of(cls, refusal) -> RefusalEntry:
        return cls(code=refusal.code, params=dict(refusal.params), fields=list(refusal.fields))

    def refusal(self):
        from shukko.refusals import Refusal

        return Refusal(self.code, self.params, tuple(self.fields))


class NextStep(Result):
    """An event allowed now: the recorded facts it still lacks (blocked_by) and what must
    be given with it (needs), as plain sentences and as refusals for a front end to word."""

    event: str
    blocked_by: list[str]
    needs: list[str]
    blocked_by_reasons: list[RefusalEntry] = []
    needs_reasons: list[RefusalEntry] = []
    recorded: bool = False  # the fact it records is recorded: sending it again corrects it


class LogEntry(Result):
    """An entry of an append-only log (a case's or a registrant's)."""

    seq: int
    event: str
    from_: str | None = Field(alias="from")
    to: str
    on: date
    by: str
    note: str | None

    @staticmethod
    def common(row) -> dict:
        """The fields every log row has (a CaseEvent or a RegistrantEvent)."""
        return dict(seq=row.seq, event=row.event, from_=row.from_state, to=row.to_state,
                    on=row.occurred_on, by=row.actor, note=row.note)  # fmt: skip


class NoteEntry(Result):
    """A note (メモ) or a change of owner (担当者) on a case or a registrant: beside its log,
    not an event of it."""

    kind: str  # note or owner
    text: str | None = None
    by: str
    on: date
    at: datetime | None = None
    owner: str | None = None  # owner: the new owner


class OwnerChanged(Result):
    """担当者: the subject's owner now, and before."""

    kind: str  # case or registrant
    id: int
    owner: str
    previous: str | None


class HistoryEntry(LogEntry):
    doc: str | None
    worker_id: int | None
    recorded_at: datetime | None


class WageMonthView(Result):
    month: str  # 2024-05
    wage_yen: int | None
    due: bool
    meets: bool | None


class WorkerWagesView(Result):
    """One worker's months after return (by id, never a name)."""

    worker_id: int
    months: list[WageMonthView]
    condition_holds: bool | None


class PostReturnView(Result):
    """復帰後の賃金: the six months after a skill-development secondment, against the wage
    before it (+5%)."""

    returned_on: date
    pre_secondment_wage_yen: int
    required_wage_yen: int
    raise_pct: int
    recorded: int
    of: int
    condition_holds: bool | None
    months: list[WageMonthView]
    workers: list[WorkerWagesView] = []


class PlanFilingView(Result):
    """出向実施計画届: its deadline until its filing is recorded, then the filing."""

    due: date | None  # the rule's last day (or the course's cut-off, if earlier)
    recommended: date | None  # two weeks before the start, on a business day
    filed_on: date | None
    receipt: str | None


class CaseView(Result):
    """案件: everything `case show` and the case page show."""

    id: int
    kind: str
    state: str
    state_label: str
    final: bool
    version: int
    headcount: int
    start_date: date | None
    end_date: date | None
    subsidy_programme: str | None
    score: float | None
    score_breakdown: dict[str, float] | None
    sending: OfferSummary
    receiving: OfferSummary
    facts: FactsView
    workers: list[WorkerEntry]
    terms: dict[str, Any] | None
    next_steps: list[NextStep]
    history: list[HistoryEntry]
    post_return: PostReturnView | None = None
    plan_filing: PlanFilingView | None = None
    owner: str | None = None  # 担当者 (none: unowned)
    notes: list[NoteEntry] = []  # メモ and owner changes, oldest first


class OpenedCase(Result):
    id: int
    kind: str
    state: str


class EventResult(Result):
    case_id: int
    seq: int
    event: str
    from_: str | None = Field(alias="from")
    to: str
    on: date


class WorkerAssigned(Result):
    case_id: int
    worker_id: int


class WageRecorded(Result):
    case_id: int
    seq: int
    worker_id: int
    month: str
    wage_yen: int
    required_wage_yen: int
    meets: bool


class TermsFixed(Result):
    case_id: int
    seq: int
    event: str


class OfferRow(Result):
    side: str
    office: str
    offer_id: str
    received_on: date
    company: str
    industry: str
    prefecture: str
    kind: str
    headcount: int
    occupation: str
    start_from: date
    start_until: date
    open: bool


class Counterpart(Result):
    """One offer's counterpart with its score broken down (matching for one offer)."""

    offer: str
    remaining: int
    score: float
    breakdown: dict[str, float]


class ProposedCounterpart(Counterpart):
    """A counterpart already in a case with the offer."""

    case_id: int
    kind: str
    state: str
    state_label: str


class Counterparts(Result):
    """One offer's counterparts on a day, and why none is shown when none is.

    `why_empty` (only when `rows` is empty): `window_ended` (the offer's start window ended
    before `as_of`), `closed` (the offer is closed), `used_up` (all the offer's persons are
    in cases), `all_taken` (its `taken` feasible counterparts have all their persons in other
    cases), `none_feasible` (no open offer meets the hard constraints with it)."""

    offer: str
    side: str
    rows: list[Counterpart]
    as_of: date | None = None
    as_of_moved: bool = False  # today was past the offer's start window: its last day instead
    window: tuple[date, date] | None = None  # the offer's start window (開始可能期間)
    remaining: int = 0  # the offer's persons not in a case
    proposed: list[ProposedCounterpart] = []
    taken: int = 0
    why_empty: str | None = None


class NoticeRow(Result):
    id: int
    case_id: int
    side: str
    kind: str
    programme: str | None
    start_date: date
    filing_deadline: date | None
    written_on: date
    operating_total_yen: int | None
    initial_costs_yen: int | None
    path: str


class FollowUpRow(Result):
    """A follow-up due: a case's, or a job seeker's 定着確認 after the hire (registrant_id)."""

    id: int
    case_id: int | None
    registrant_id: int | None = None
    kind: str
    due_on: date
    status: str
    overdue: bool
    overdue_days: int
    done_on: date | None


class BlockedStart(Result):
    """A secondment whose start date has come but that is not contracted, and why."""

    case_id: int
    state: str
    start_date: date
    days_late: int
    missing: list[str]
    reason: str


class UserRow(Result):
    """利用者 as the list of users shows them (never the hash)."""

    name: str
    office: str
    role: str
    role_label: str
    disabled: bool
    locked_until: datetime | None


class AccessRow(Result):
    """個人情報の閲覧記録: one view of a case's personal data on the web."""

    at: datetime
    user: str
    office: str
    case_id: int
    address: str


class WorkItem(Result):
    """One line of the worklist: a case and what it needs, by a date."""

    case_id: int
    kind: str
    state_label: str
    headcount: int
    sending_office: str
    receiving_office: str
    sending_company: str = ""
    receiving_company: str = ""
    owner: str | None = None  # 担当者
    state: str = ""
    on: date
    detail: str
    overdue: bool = False
    reasons: list[RefusalEntry] = []  # what blocks the next step, for the page to word

    @property
    def id(self) -> int:
        return self.case_id


class RegistrantItem(Result):
    """One line of the worklist's career-bank or job-seeker group: a registrant or a job seeker
    (no name) and what next."""

    registrant_id: int
    programme: str = "career_bank"  # or transfer: a job seeker
    state_label: str
    route: str
    age_at_leaving: int
    occupations: list[str]
    on: date
    detail: str
    overdue: bool = False
    owner_id: int | None = Field(default=None, exclude=True)
    owner: str | None = None  # 担当者

    @property
    def id(self) -> int:
        return self.registrant_id


class Worklist(Result):
    """業務一覧: an office's open cases grouped by what they need next (a page of each)."""

    office: str
    as_of: date
    open_cases: int
    views: dict[str, int] = {}  # open cases and registrants: the user's, all, nobody's
    counts: dict[str, int]
    groups: dict[str, list[WorkItem | RegistrantItem]]
    pages: dict[str, int]
    page_count: dict[str, int]
