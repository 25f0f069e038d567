"""What a person in re-employment support is introduced to, by programme: the career bank's
openings (求人) or, for a transfer's job seeker (移籍の求職者), the receiving offers (受入情報)
open to transfers. Each is keyed OFFICE:ID; the engine (lifecycle, suggestions, pages) asks
the programme's target and never names the table.

An introduction, a suggestion and a log entry name their target in the programme's column
(`opening_id` or `receiving_offer_id`); one person's targets all come from one table, so
the guards' facts key them by row id without a clash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import bindparam, func, select
from sqlmodel import Session

from models import Introduction, Opening, ReceivingOffer
from shukko.cases.offers import parse_offer_key, persons_taken_of
from shukko.errors import NotFound
from states.bank import CAREER_BANK, OFFERED, TRANSFER, OpeningFacts

# A receiving offer a job seeker may apply to: open to transfers.
TRANSFER_KINDS = ("transfer", "either")


@dataclass(frozen=True)
class Target:
    """A programme's targets: their table, the column naming one of them in introductions,
    suggestions and the log, and the column of their own id within an office."""

    programme: str
    table: type
    column: str  # in bank_introduction, bank_suggestion, registrant_event
    own_id: str  # opening_id (求人番号) or offer_id (受付番号)
    not_found: str  # the refusal code of an unknown key
    key_refusal: str  # the refusal code of a key not written OFFICE:ID

    def of(self, model) -> object:
        """The column of `model` (Introduction, Suggestion, RegistrantEvent) naming a target."""
        return getattr(model, self.column)

    def key(self, row) -> str:
        return f"{row.office_code}:{getattr(row, self.own_id)}"

    def find(self, session: Session, text: str):
        """The target a key names (OFFICE:ID; an office by code or name)."""
        office, own = parse_offer_key(text, "opening", self.key_refusal)
        row = session.scalar(_by_key(self.table, self.own_id), {"office": office, "own": own})
        if row is None or (self.programme == TRANSFER and str(row.kind) not in TRANSFER_KINDS):
            raise NotFound(code=self.not_found, fields=("opening",), opening=f"{office}:{own}")
        return row

    def is_open(self, row, on: date) -> bool:
        if not row.is_open:
            return False
        if self.programme == TRANSFER:  # the latest start the company takes
            return row.start_until >= on
        return row.open_until is None or row.open_until >= on

    def places_left(self, session: Session, row, holder: int | None = None) -> int:
        """Its persons not yet hired. A receiving offer's places are also taken by its cases
        (withdrawn cases free theirs) and held by its offers (内定) — except the one the
        `holder` (a registrant id) holds, which is theirs to take."""
        if self.programme == TRANSFER:
            taken = session.scalar(_TAKEN_BUT_HOLDERS, {"offer": row.id, "holder": holder})
            return max(row.headcount - int(taken), 0)
        hired = session.scalar(
            select(func.count())
            .select_from(Introduction)
            .where(self.of(Introduction) == row.id, Introduction.hired_on.is_not(None))
        )
        return max(row.headcount - hired, 0)

    def facts(
        self, session: Session, row, on: date, *, places: bool = True, holder: int | None = None
    ) -> OpeningFacts:
        """The target as the guards see it for `holder` (a registrant id); its places left
        only when asked (`places`: more queries, which only introducing and hiring need)."""
        return OpeningFacts(
            id=row.id,
            key=self.key(row),
            company_id=row.company_id,
            is_open=self.is_open(row, on),
            places_left=self.places_left(session, row, holder) if places else None,
        )


@cache
def _by_key(table, own_id: str):
    """A target by its office and own id, as a statement built once."""
    return select(table).where(
        table.office_code == bindparam("office"), getattr(table, own_id) == bindparam("own")
    )


def _taken_but_holders():
    """One statement (built once): a receiving offer's places taken (persons_taken_of), less
    the one the holder's own offer (内定) holds."""
    offer, holder = bindparam("offer"), bindparam("holder")
    own = (
        select(func.count())
        .select_from(Introduction)
        .where(
            Introduction.registrant_id == holder,
            Introduction.receiving_offer_id == offer,
            Introduction.hired_on.is_(None),
            Introduction.outcome == OFFERED,
        )
        .scalar_subquery()
    )
    return select(persons_taken_of("receiving", offer) - own)


_TAKEN_BUT_HOLDERS = _taken_but_holders()

TARGETS = {
    CAREER_BANK: Target(
        CAREER_BANK, Opening, "opening_id", "opening_id", "not_found.opening", "input.opening_key"
    ),
    TRANSFER: Target(
        TRANSFER, ReceivingOffer, "receiving_offer_id", "offer_id", "not_found.transfer_offer",
        "input.offer_key",
    ),
}

