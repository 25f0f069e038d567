"""キャリア人材バンク: a registrant's lifecycle from registration to re-employment (DESIGN.md
section 10), and its guards over a snapshot of what is recorded (no session here)."""

from __future__ import annotations

from dataclasses import dataclass, field

from statemachine import State, StateMachine


@dataclass(frozen=True)
class OpeningFacts:
    """The opening an event names, as the guards see it."""

    id: int
    key: str  # OFFICE:OPENING_ID, for messages
    company_id: int
    is_open: bool
    places_left: int


@dataclass
class RegistrantFacts:
    """What has been recorded for a registrant."""

    consented_all: bool = False  # consent to share the profile with any company introduced
    consented_companies: set[int] = field(default_factory=set)
    introduced_openings: set[int] = field(default_factory=set)


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


OPEN_STATES = ("registered", "counselled", "introduced")


class RegistrantMachine(RegistrantGuards, StateMachine):
    """A registrant of the career bank, from registration to re-employment or closing."""

    registered = State("登録", value="registered", initial=True)
    counselled = State("面談済", value="counselled")
    introduced = State("紹介中", value="introduced")
    hired = State("再就職", value="hired", final=True)
    closed = State("登録終了", value="closed", final=True)

    counsel = registered.to(counselled)
    # 個人情報の第三者提供の同意: given with an opening, consent to share the profile with
    # that opening's company; without, with any company the consultant introduces.
    record_consent = registered.to.itself() | counselled.to.itself() | introduced.to.itself()
    introduce = counselled.to(
        introduced,
        cond=["opening_given", "consent_for_opening", "opening_available", "not_introduced_yet"],
    ) | introduced.to.itself(
        cond=["opening_given", "consent_for_opening", "opening_available", "not_introduced_yet"]
    )
    hire = introduced.to(
        hired, cond=["opening_given", "introduced_to_opening", "opening_available"]
    )
    close = (
        registered.to(closed, cond="reason_given")
        | counselled.to(closed, cond="reason_given")
        | introduced.to(closed, cond="reason_given")
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
}


def bank_guard_reason(guard: str, opening: OpeningFacts | None, company: str = "") -> tuple:
    """Why a registrant's guard does not hold: (code, params, fields), as states.GuardReason."""
    params = {"opening": opening.key if opening else "", "company": company}
    return (f"bank.{guard}", params, GUARD_FIELDS[guard])
