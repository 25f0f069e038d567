"""Simulated consultants (コンサルタント): they act on cases with realistic delays and
drop-outs, through the same transition service as an operator at the CLI.

Proposals are interviewed or declined; interviews lead to preparation or are declined;
preparation assigns the workers and records their consent, the union agreement, the rules
update and the workplace tour, then the terms and the contract. Follow-ups are visited mostly
on time (some late, so the overdue list is not empty), and at the decision one month before
the end a few cases are extended or converted to a transfer.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session

from models import Case, FollowUp, SendingOffer
from shukko.case_rules import CaseRules
from shukko.cases.records import assign_workers, stage_terms
from shukko.cases.terms import parse_terms
from shukko.cases.transitions import EventRequest, fire_many
from shukko.clock import add_months
from shukko.demo.agenda import Desk
from shukko.subsidies.notices import PLAN_FILED_EVENT
from shukko.subsidies.post_return import WAGE_REPORT, record_wage, wage_check
from shukko.subsidies.programmes import can_file, programme_by_key, programme_on

ACTOR = "demo-consultant"
# 人材育成型出向: the brochure gives it a page but no count. An assumption, stated as one: once
# スキルアップ支援コース is in force (2022-12-02), one secondment in six is skill-building, a
# few of them within a corporate group (refused by the course: their letters say so). Each
# case draws from its own stream, so the years before the course replay exactly as before.
SKILL_SHARE = 1 / 6
GROUP_SHARE = 0.05
# Senders with a 職業能力開発推進者 (the others are told they are not eligible), and plans
# whose filing the sender reports to the consultant (the others hear the reminders). Both
# draw from the case's own stream, so the rest of the year replays as before.
PROMOTER_SHARE = 0.9
PLAN_FILED_SHARE = 0.85
FAMILY_NAMES = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"]
GIVEN_NAMES = ["翔太", "陽菜", "大輔", "美咲", "健一", "由美", "拓也", "直子", "誠", "恵"]


class Consultants(Desk):
    """An agenda of steps per day; each business day's steps run as one batch."""

    def __init__(self, rng: random.Random, rules: CaseRules) -> None:
        super().__init__(rng)
        self.rules = rules
        self.kind: dict[int, str] = {}
        self.planned_follow_ups: set[int] = set()

    def take_proposals(self, proposals: list[dict], day: date) -> None:
        for proposal in proposals:
            case_id = proposal["case_id"]
            self.kind[case_id] = proposal["kind"]
            if self.rng.random() < 0.2:
                self.later(day, case_id, "decline", 2, 8)
            else:
                self.later(day, case_id, "interview", 2, 7)

    def work(self, session: Session, day: date, business_day: bool) -> None:
        """The day's steps as one batch (moved to the next business day on a day off)."""
        todo = self.due(day, business_day)
        if not business_day:
            return
        self._plan_follow_up_visits(session, day)
        requests: list[EventRequest] = []
        for case_id, step in todo:
            requests += getattr(self, f"_{step.split(':')[0]}")(session, day, case_id, step)
        if requests:
            session.flush()  # staged terms and workers, before the batch reads the cases
            _rows, refused = fire_many(
                session=session,
                requests=requests,
                today=day,
                rules=self.rules,
            )
            self.counts["events"] += len(_rows)
            self.counts["refused"] += len(refused)

    def _request(self, case_id: int, event: str, day: date, **values) -> EventRequest:
        return EventRequest(case_id=case_id, event=event, actor=ACTOR, on=day, **values)

    def _decline(self, session, day, case_id, step) -> list[EventRequest]:
        return [self._request(case_id, "withdraw", day, note="企業間の条件が合わず不成立")]

    def _interview(self, session, day, case_id, step) -> list[EventRequest]:
        if self.rng.random() < 0.15:
            self.later(day, case_id, "decline", 3, 10)
        else:
            self.later(day, case_id, "proceed", 5, 12)
        return [self._request(case_id, "schedule_interview", day, note="企業間面談")]

    def _proceed(self, session, day, case_id, step) -> list[EventRequest]:
        self.later(day, case_id, "paperwork", 3, 8)
        return [self._request(case_id, "agree_to_proceed", day)]

    def _paperwork(self, session, day, case_id, step) -> list[EventRequest]:
        """Workers chosen and consenting; union, rules and tour for a secondment."""
        if self.rng.random() < 0.05:
            return [self._request(case_id, "withdraw", day, note="対象労働者が辞退")]
        case = session.get(Case, case_id)
        if case is None or case.state != "preparing":
            return []
        people = [
            {
                "name": f"{self.rng.choice(FAMILY_NAMES)} {self.rng.choice(GIVEN_NAMES)}",
                "birth_date": date(
                    self.rng.randint(1965, 2001), self.rng.randint(1, 12), self.rng.randint(1, 28)
                ),
            }
            for _ in range(case.headcount)
        ]
        workers = assign_workers(
            session=session, case_id=case_id, people=people, actor=ACTOR, today=day
        )
        requests = [
            self._request(case_id, "record_consent", day, worker_id=w.id, doc_ref=f"同意書-{w.id}")
            for w in workers
        ]
        if self.kind.get(case_id, str(case.kind)) == "secondment":
            requests += [
                self._request(
                    case_id, "record_union_agreement", day, doc_ref=f"労使協定-{case_id}"
                ),
                self._request(case_id, "record_rules_update", day, doc_ref=f"就業規則-{case_id}"),
                self._request(case_id, "record_tour", day, note="職場見学"),
            ]
        self.later(day, case_id, "terms", 3, 10)
        return requests

    def _terms(self, session, day, case_id, step) -> list[EventRequest]:
        case = session.get(Case, case_id)
        if case is None or case.state != "preparing":
            return []
        wage = session.scalar(
            select(SendingOffer.monthly_wage_yen).where(SendingOffer.id == case.sending_offer_id)
        )
        start = add_months(date(day.year, day.month, 1), 1)
        if (start - day).days < 14:
            start = add_months(start, 1)
        months = self.rng.choice([6, 12, 12, 18, 24])
        share = self.rng.choice([100, 50, 40, 0])
        terms = {
            "start_date": start.isoformat(),
            "workplace_prefecture": "13",
            "workplace": "受入企業の事業所",
            "duties": "製造・物流業務",
            "working_hours": "09:00-18:00",
            "holidays": "土日祝",
            "overtime_allowed": True,
            "wage_payer": "sending" if share == 100 else "receiving" if share == 0 else "split",
            "sending_share_pct": share,
            "receiving_share_pct": 100 - share,
            "monthly_wage_yen": wage or 300_000,
            "social_insurance": "sending",
            "annual_leave": "出向元の規定による",
            "return_conditions": "期間満了時に原職復帰",
        }
        if str(case.kind) == "secondment":
            months = self._purpose(terms, case_id, start, months)
            terms["end_date"] = (add_months(start, months) - timedelta(days=1)).isoformat()
        request = stage_terms(
            session=session,
            case=case,
            terms=parse_terms(terms),
            actor=ACTOR,
            today=day,
            doc_ref=f"出向契約書案-{case_id}",
            max_period_months=self.rules.max_period_months,
        )
        self.later(day, case_id, "sign", 2, 6)
        if str(case.kind) == "secondment":
            own = random.Random(f"plan-{case_id}")
            self.agenda[day + timedelta(days=own.randint(3, 15))].append((case_id, "file_plan"))
        return [request]

    def _file_plan(self, session, day, case_id, step) -> list[EventRequest]:
        """The sender files the 出向実施計画届 and tells the consultant its receipt number
        (most of them, in time; the others hear the reminders)."""
        case = session.get(Case, case_id)
        if case is None or case.subsidy_programme is None:
            return []
        reported = random.Random(f"plan-filed-{case_id}").random() < PLAN_FILED_SHARE
        if case.state not in ("preparing", "contracted") or not reported:
            return []
        if not can_file(programme_by_key(case.subsidy_programme), case.start_date, as_of=day):
            return []
        receipt = f"{case_id:06d}-{day:%m%d}"
        return [self._request(case_id, PLAN_FILED_EVENT, day, doc_ref=f"計画届受付{receipt}")]

    def _purpose(self, terms: dict, case_id: int, start: date, months: int) -> int:
        """Make some secondments skill-building (their own months and shares); returns the
        period in months."""
        draw = random.Random(f"purpose-{case_id}")
        if programme_on(start, "skill_development") is None or draw.random() >= SKILL_SHARE:
            return months
        share = draw.choice([100, 100, 50])
        terms.update(
            purpose="skill_development",
            skills_promoter_appointed=random.Random(f"promoter-{case_id}").random()
            < PROMOTER_SHARE,
            pre_secondment_monthly_wage_yen=terms["monthly_wage_yen"],
            within_corporate_group=draw.random() < GROUP_SHARE,
            sending_share_pct=share,
            receiving_share_pct=100 - share,
            wage_payer="sending" if share == 100 else "split",
            duties="出向先での実務を通じた技能の習得（スキルアップ計画による）",
        )
        return draw.choice([3, 6, 6, 12])

    def _sign(self, session, day, case_id, step) -> list[EventRequest]:
        event = "sign_contract" if self.kind.get(case_id) != "transfer" else "hire"
        return [self._request(case_id, event, day, doc_ref=f"契約書-{case_id}")]

    def _plan_follow_up_visits(self, session: Session, day: date) -> None:
        """Visits for follow-ups falling due: mostly on time, some a few weeks late."""
        due = session.execute(
            select(FollowUp.id, FollowUp.case_id, FollowUp.kind).where(
                FollowUp.case_id.is_not(None),  # a job seeker's 定着確認 is the seekers' desk's
                FollowUp.status == "scheduled",
                FollowUp.due_on <= day + timedelta(days=3),
            )
        ).all()
        for follow_up_id, case_id, kind in due:
            if follow_up_id in self.planned_follow_ups:
                continue
            self.planned_follow_ups.add(follow_up_id)
            late = self.rng.random() < 0.1
            self.later(day, case_id, f"visit:{kind}", 25 if late else 0, 45 if late else 5)

    def _visit(self, session, day, case_id, step) -> list[EventRequest]:
        if step.endswith(WAGE_REPORT):
            return self._report_wage(session, day, case_id, step)
        requests = [self._request(case_id, "record_follow_up", day, note="定期面談：就業状況良好")]
        if step.endswith("end_decision"):
            draw = self.rng.random()
            case = session.get(Case, case_id)
            if case is not None and case.end_date and draw < 0.08:
                requests.append(
                    self._request(case_id, "extend", day, end_date=add_months(case.end_date, 6))
                )
            elif draw < 0.12:
                requests += [
                    self._request(case_id, "record_transfer_consent", day, doc_ref="移籍同意書"),
                    self._request(case_id, "convert_to_transfer", day, note="本人の希望で移籍"),
                ]
        return requests

    def _report_wage(self, session, day, case_id, step) -> list[EventRequest]:
        """The sender reports a month's wage after return: mostly 5-10% above the wage
        before, now and then a little short of 5%."""
        case = session.get(Case, case_id)
        check = wage_check(session, case, day) if case is not None else None
        if check is None:
            return []
        if not check.missing_due:
            self.later(day, case_id, step, 3, 7)  # the month is not over yet
            return []
        rise = self.rng.choice([1.06, 1.07, 1.08, 1.10, 1.04]) if self.rng.random() < 0.3 else 1.06
        worker, month = check.missing_due[0]
        record_wage(
            session=session,
            case_id=case_id,
            worker_id=worker,
            month=month,
            wage_yen=round(check.pre_secondment_wage_yen * rise),
            actor=ACTOR,
            today=day,
        )
        self.counts["wages"] += 1
        return []
