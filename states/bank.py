"""The re-employment lifecycle (再就職支援): a person's way from registration to a new employer
(DESIGN.md sections 10 and 13), and its guards over a snapshot of what is recorded (no session
here). One machine for the career bank's registrants (キャリア人材バンク) and the job seekers of a
transfer (移籍の求職者); the bank's variant may record a re-employment straight after the
introduction (its registrants are often hired without an interview the Center records), a job
seeker's goes through the receiving company's interview (採用面接) and its offer (内定)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from statemachine import State, StateMachine


@dataclass(frozen=True)
class OpeningFacts:
    """The opening an event names, as the guards see it."""

    id: int
    key: str  # OFFICE:OPENING_ID, for messages
    company_id: int
    is_open: bool
    places_left: int | None  # read only for an event whose guards ask it (opening_available)


CAREER_BANK = "career_bank"  # キャリア人材バンク
TRANSFER = "transfer"  # 移籍の求職者
# An introduction's end other than 内定: 不採用 (the company's) or 辞退 (the person's).
DECLINED = "declined"  # 辞退
CLOSING_OUTCOMES = ("rejected", DECLINED)
OFFERED = "offered"  # 内定


@dataclass
class RegistrantFacts:
    """What has been recorded for a registrant: consents, introductions (紹介・応募), each
    one's interview day and outcome, the programme and the day they leave (or left) their
    employer."""

    consented_all: bool = False  # consent to share the profile with any company introduced
    consented_companies: set[int] = field(default_factory=set)
    introduced_openings: set[int] = field(default_factory=set)
    interviews: dict[int, date] = field(default_factory=dict)  # opening id -> interview day
    outcomes: dict[int, str] = field(default_factory=dict)  # opening id -> offered|rejected|…
    programme: str = CAREER_BANK
    leaving_on: date | None = None


class RegistrantGuards:
    facts: RegistrantFacts

    def opening_given(self, opening: OpeningFacts | None) -> bool:
        return opening is not None

    def consent_for_opening(self, opening: OpeningFacts | None) -> bool:
        if opening is None:
            return False
        return self.facts.consented_all or opening.company_id in self.facts.consented_companies

    def opening_available(self, opening: OpeningFacts | None) -> bool:
        return opening is not None and opening.is_open and opening.places_left > 0

    def not_introduced_yet(self, opening: OpeningFacts | None) -> bool:
        return opening is not None and opening.id not in self.facts.introduced_openings

    def introduced_to_opening(self, opening: OpeningFacts | None) -> bool:
        return opening is not None and opening.id in self.facts.introduced_openings

    def reason_given(self, note: str | None) -> bool:
        return bool(note and note.strip())

    def still_open(self, opening: OpeningFacts | None) -> bool:
        """The introduction has no 不採用 or 辞退 recorded (it may have its 内定)."""
        return opening is not None and self.facts.outcomes.get(opening.id) not in CLOSING_OUTCOMES

    def not_offered_yet(self, opening: OpeningFacts | None) -> bool:
        return opening is not None and self.facts.outcomes.get(opening.id) != OFFERED

    def interview_held(self, opening: OpeningFacts | None, on: date | None) -> bool:
        """内定 follows the interview: one scheduled for this introduction, on or before
        the day the offer is recorded."""
        held = self.facts.interviews.get(opening.id) if opening is not None else None
        return held is not None and (on is None or held <= on)

    def outcome_given(self, outcome: str | None) -> bool:
        return outcome in CLOSING_OUTCOMES

    def offer_made(self, opening: OpeningFacts | None) -> bool:
        return opening is not None and self.facts.outcomes.get(opening.id) == OFFERED

    def left_by_start(self, on: date | None) -> bool:
        """The person leaves (or left) the former employer on or before the first day at
        the new one (入社日)."""
        leaving = self.facts.leaving_on
        return leaving is None or on is None or leaving <= on

    def hired_without_interview(self) -> bool:
        """The career bank's variant: a re-employment recorded from the introduction."""
        return self.facts.programme == CAREER_BANK

    # Routing guards (never a refusal): which state an introduction's end leaves the person
    # in. An event's alternatives list them first; its last alternative has none.
    def another_interview_waits(self, opening: OpeningFacts | None) -> bool:
        return any(
            other != getattr(opening, "id", None) and other not in self.facts.outcomes
            for other in self.facts.interviews
        )

    def another_offer_stands(self, opening: OpeningFacts | None) -> bool:
        return any(
            other != getattr(opening, "id", None) and outcome == OFFERED
            for other, outcome in self.facts.outcomes.items()
        )


OPEN_STATES = ("registered", "counselled", "introduced", "interviewing", "offered")
_INTRODUCE = ["opening_given", "consent_for_opening", "opening_available", "not_introduced_yet"]
_ONE_INTRODUCED = ["opening_given", "introduced_to_opening", "still_open"]
_OFFER = [*_ONE_INTRODUCED, "not_offered_yet", "interview_held", "opening_available"]
_OUTCOME = [*_ONE_INTRODUCED, "outcome_given"]


class RegistrantMachine(RegistrantGuards, StateMachine):
    """A person in re-employment support (a career bank registrant or a transfer's job
    seeker), from registration to a new employer or closing."""

    registered = State("登録", value="registered", initial=True)
    counselled = State("面談済", value="counselled")
    introduced = State("紹介中", value="introduced")
    interviewing = State("採用面接", value="interviewing")
    offered = State("内定", value="offered")
    hired = State("再就職", value="hired", final=True)
    closed = State("登録終了", value="closed", final=True)

    counsel = registered.to(counselled)
    # 個人情報の第三者提供の同意: given with an opening, consent to share the profile with
    # that opening's company; without, with any company the consultant introduces.
    record_consent = (
        registered.to.itself() | counselled.to.itself() | introduced.to.itself()
        | interviewing.to.itself() | offered.to.itself()
    )  # fmt: skip
    introduce = (
        counselled.to(introduced, cond=_INTRODUCE) | introduced.to.itself(cond=_INTRODUCE)
        | interviewing.to.itself(cond=_INTRODUCE) | offered.to.itself(cond=_INTRODUCE)
    )  # fmt: skip
    # 採用面接: the receiving company interviews the person introduced, on a day.
    schedule_interview = (
        introduced.to(interviewing, cond=[*_ONE_INTRODUCED, "not_offered_yet"])
        | interviewing.to.itself(cond=[*_ONE_INTRODUCED, "not_offered_yet"])
        | offered.to.itself(cond=[*_ONE_INTRODUCED, "not_offered_yet"])
    )
    offer = interviewing.to(offered, cond=_OFFER) | offered.to.itself(cond=_OFFER)  # 内定
    # 不採用・辞退 of one introduction: the person stays where another introduction stands.
    record_outcome = (
        introduced.to.itself(cond=_OUTCOME)
        | interviewing.to.itself(cond=[*_OUTCOME, "another_interview_waits"])
        | interviewing.to(introduced, cond=_OUTCOME)
        | offered.to.itself(cond=[*_OUTCOME, "another_offer_stands"])
        | offered.to(interviewing, cond=[*_OUTCOME, "another_interview_waits"])
        | offered.to(introduced, cond=_OUTCOME)
    )
    hire = introduced.to(
        hired,
        cond=["hired_without_interview", "opening_given", "introduced_to_opening",
              "opening_available", "left_by_start"],
    ) | offered.to(
        hired, cond=["opening_given", "offer_made", "opening_available", "left_by_start"]
    )  # fmt: skip
    close = (
        registered.to(closed, cond="reason_given")
        | counselled.to(closed, cond="reason_given")
        | introduced.to(closed, cond="reason_given")
        | interviewing.to(closed, cond="reason_given")
        | offered.to(closed, cond="reason_given")
    )

    def __init__(self, registrant: object, facts: RegistrantFacts) -> None:
        self.facts = facts
        super().__init__(model=registrant, state_field="state")


# The form field a registrant's guard concerns (the opening, or the note giving a reason).
GUARD_FIELDS = {
    "opening_given": ("opening",),
    "consent_for_opening": ("opening",),
    "opening_available": ("opening",),
    "not_introduced_yet": ("opening",),
    "introduced_to_opening": ("opening",),
    "reason_given": ("note",),
    "still_open": ("opening",),
    "not_offered_yet": ("opening",),
    "interview_held": ("opening",),
    "outcome_given": ("outcome",),
    "offer_made": ("opening",),
    "left_by_start": ("at",),  # the step's day: the hiring day
    "hired_without_interview": ("opening",),
}


def bank_guard_reason(
    guard: str, opening: OpeningFacts | None, company: str = "", leaving_on: date | None = None
) -> tuple:
    """Why a registrant's guard does not hold: (code, params, fields), as states.GuardReason."""
    params = {"opening": opening.key if opening else "", "company": company,
              "leaving_on": leaving_on.isoformat() if leaving_on else ""}  # fmt: skip
    return (f"bank.{guard}", params, GUARD_FIELDS[guard])
