"""What a front end hands the service: a case's step, a registrant's step, a new registrant.
The service's own input types, so that a front end needs nothing of the domain; each becomes
the domain's request inside the service."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date


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
class RegistrantStep:
    """One event asked of a registrant of the career bank."""

    registrant_id: int
    event: str
    actor: str
    on: date | None = None
    opening: str | None = None  # OFFICE:OPENING_ID
    note: str | None = None
    expected_version: int | None = None

    def request(self):
        from shukko.bank.lifecycle import BankEvent

        return BankEvent(**asdict(self))


@dataclass(frozen=True)
class TermsUpload:
    """出向契約: a terms file as a form uploads it, its name and its bytes."""

    name: str
    content: bytes

    def file(self):
        from shukko.cases.terms import TermsFile

        return TermsFile(self.name, self.content)


@dataclass(frozen=True)
class NewRegistrant:
    """登録: a person asking the career bank's help (個人情報: name, birth date, contact)."""

    office_code: str
    name: str
    birth_date: date
    leaving_on: date
    reason: str
    via_company: str | None = None  # corporate number or name
    occupations: list[str] = field(default_factory=list)
    qualifications: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    employment_type: str = "either"
    wage_yen: int | None = None
    hours_per_week: int | None = None
    contact: str | None = None

    def registration(self):
        from shukko.bank.registration import Registration

        return Registration(**asdict(self))
