"""Guards shared by the case machines: named conditions over a snapshot of the case's facts.

The snapshot (CaseFacts) is read from the database by the transition service before an event
is sent, so the machines never touch a session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


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


def guard_message(name: str, facts: CaseFacts) -> str:
    """The plain words an operator reads when a guard does not hold."""
    if name == "worker_consented":
        return (
            f"worker consent (労働者の同意) is missing: {facts.workers_consented} of "
            f"{facts.headcount} workers have consented ({facts.workers_assigned} assigned; "
            "assign with `shukko case assign-worker`, then record_consent for each)"
        )
    if name == "union_agreed":
        if facts.sending_has_union is False:
            return (
                "majority-representative agreement (過半数代表者との合意) is missing: "
                "record it with record_union_agreement"
            )
        return (
            "union agreement (労働組合との合意) is missing: record it with record_union_agreement"
        )
    messages = {
        "rules_updated": "employment rules not updated (就業規則の出向規定): "
        "record it with record_rules_update",
        "terms_fixed": "contract terms not fixed (出向契約の内容): "
        "hand in a terms file with `shukko case terms ID FILE`",
        "transfer_consented": "the worker's consent to the transfer (移籍への同意) is missing: "
        "record it with record_transfer_consent",
        "interview_date_given": "the interview date is required: pass --at DATE",
        "worker_awaiting_consent": "no assigned worker is waiting to consent: assign a worker "
        "with `shukko case assign-worker`, or name one with --worker",
        "terms_handed_in": "fix_terms is recorded by `shukko case terms ID FILE` with a valid file",
        "start_date_reached": f"the contract start date ({facts.start_date}) has not come yet",
        "end_reached_or_reason_given": f"the end date ({facts.end_date}) has not come: "
        "an early return needs a reason (--note)",
        "reason_given": "a reason is required: pass --note",
        "receipt_given": "the labour bureau's receipt number of the plan (計画届の受付番号) is "
        "required: pass --doc",
        "under_a_programme": "no subsidy programme applies to this secondment, so there is no "
        "plan (出向実施計画届) to record",
        "extension_within_maximum": "the new end date (--until) must be after the current end "
        f"({facts.end_date}) and keep the period within {facts.max_period_months} months",
    }
    return messages[name]
