"""Guards shared by the case machines: named conditions over a snapshot of the case's facts.

The snapshot (CaseFacts) is read from the database by the transition service before an event
is sent, so the machines never touch a session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

# Events whose mere presence in a case's log is a fact a guard reads, and the CaseFacts field
# it sets (shukko.cases.facts reads them in one query; a step keeps a batch's snapshot true).
FACT_EVENTS = {
    "record_union_agreement": "union_agreed",
    "record_rules_update": "rules_updated",
    "record_transfer_consent": "transfer_consented",
}


@dataclass
class CaseFacts:
    """What has been recorded on a case so far, as the guards need it."""

    headcount: int
    workers_assigned: int = 0
    workers_consented: int = 0
    sending_has_union: bool | None = None
    union_agreed: bool = False
    rules_updated: bool = False
    terms_fixed: bool = False
    transfer_consented: bool = False
    start_date: date | None = None
    end_date: date | None = None
    subsidy_programme: str | None = None
    max_period_months: int = 36


def months_between(start: date, end: date) -> float:
    """Length of a period in months (a month is a twelfth of a year of 365.25 days)."""
    return (end - start).days / (365.25 / 12)


class CaseGuards:
    """Guard methods mixed into the machines; each reads self.facts and the event's arguments."""

    facts: CaseFacts

    def worker_consented(self) -> bool:
        f = self.facts
        return f.workers_assigned >= f.headcount and f.workers_consented >= f.headcount

    def union_agreed(self) -> bool:
        return self.facts.union_agreed

    def rules_updated(self) -> bool:
        return self.facts.rules_updated

    def terms_fixed(self) -> bool:
        return self.facts.terms_fixed

    def transfer_consented(self) -> bool:
        return self.facts.transfer_consented

    def interview_date_given(self, date_given: bool) -> bool:
        return date_given

    def worker_awaiting_consent(self, worker_id: int | None) -> bool:
        return worker_id is not None

    def terms_handed_in(self, terms_valid: bool) -> bool:
        return terms_valid

    def start_date_reached(self, on: date) -> bool:
        return self.facts.start_date is not None and on >= self.facts.start_date

    def end_reached_or_reason_given(self, on: date, note: str | None) -> bool:
        ended = self.facts.end_date is not None and on >= self.facts.end_date
        return ended or bool(note and note.strip())

    def reason_given(self, note: str | None) -> bool:
        return bool(note and note.strip())

    def receipt_given(self, doc_ref: str | None) -> bool:
        return bool(doc_ref and doc_ref.strip())

    def under_a_programme(self) -> bool:
        return self.facts.subsidy_programme is not None

    def extension_within_maximum(self, end_date: date | None) -> bool:
        f = self.facts
        if end_date is None or f.start_date is None or f.end_date is None:
            return False
        return end_date > f.end_date and months_between(f.start_date, end_date) <= (
            f.max_period_months
        )


class GuardCheck(CaseGuards):
    """The guards alone, for asking which ones block an event without building a machine
    (constructing a python-statemachine machine costs about 0.7 ms)."""

    def __init__(self, facts: CaseFacts) -> None:
        self.facts = facts


class GuardReason(NamedTuple):
    """Why a guard does not hold, as data: a refusal code (shukko.refusals words it), its
    parameters and the form fields it concerns."""

    code: str
    params: dict
    fields: tuple[str, ...] = ()


# The guards a step's own input satisfies, by the field that gives it.
GUARD_FIELDS = {
    "interview_date_given": ("at",),
    "worker_awaiting_consent": ("worker",),
    "terms_handed_in": ("terms",),
    "end_reached_or_reason_given": ("note",),
    "reason_given": ("note",),
    "receipt_given": ("doc",),
    "extension_within_maximum": ("until",),
}


def guard_reason(name: str, facts: CaseFacts) -> GuardReason:
    """Why the guard `name` does not hold, with the facts an operator needs to act."""
    params: dict = {}
    code = f"guard.{name}"
    if name == "worker_consented":
        params = {
            "consented": facts.workers_consented,
            "headcount": facts.headcount,
            "assigned": facts.workers_assigned,
        }
    elif name == "union_agreed" and facts.sending_has_union is False:
        code = "guard.majority_agreed"
    elif name == "start_date_reached":
        params = {"start_date": facts.start_date}
    elif name == "end_reached_or_reason_given":
        params = {"end_date": facts.end_date}
    elif name == "extension_within_maximum":
        params = {"end_date": facts.end_date, "max_months": facts.max_period_months}
    return GuardReason(code, params, GUARD_FIELDS.get(name, ()))
