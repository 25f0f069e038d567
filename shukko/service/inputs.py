"""What a front end hands the service: a case's step, a registrant's step, a new registrant,
a terms file. The service's own names, so that a front end imports nothing of the domain. A
case's step is its own type: the transition service's request has fields only the service
sets (terms_valid, case_values), which no front end may give; the career bank's requests
hold nothing of the kind and are the domain's types under the service's names."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from shukko.bank.lifecycle import BankEvent
from shukko.bank.registration import Registration


@dataclass(frozen=True)
class CaseStep:
    """One event asked of a case, with what the operator said about it."""

    case_id: int
    event: str
    actor: str
    on: date | None = None  # the date of the step or fact; today when None
    note: str | None = None
    doc_ref: str | None = None
    worker_id: int | None = None
    end_date: date | None = None  # extend: the new end date
    expected_version: int | None = None  # the version the operator saw

    def request(self):
        """The transition service's request (shukko.cases.transitions.EventRequest)."""
        from shukko.cases.transitions import EventRequest

        return EventRequest(**asdict(self))


@dataclass(frozen=True)
class RegistrantStep(BankEvent):
    """One event asked of a registrant of the career bank: registrant_id, event, actor, and
    the day, opening (OFFICE:OPENING_ID), note and version seen. The domain's request under
    the service's name (its fields are all a front end may give)."""


@dataclass(frozen=True)
class TermsUpload:
    """出向契約: a terms file as a form uploads it, its name and its bytes."""

    name: str
    content: bytes

    def file(self):
        from shukko.cases.terms import TermsFile

        return TermsFile(self.name, self.content)


@dataclass
class NewRegistrant(Registration):
    """登録: a person asking the career bank's help (個人情報: name, birth date, contact), as
    the domain's Registration has it under the service's name."""
