"""検索: one box for what a consultant has at hand when a company phones: part of its name,
a case number, an offer key (13:S-1) or a registrant number. Results by kind, within what
the account may see (cases and registrants of its office; offers' business details are
readable by every office, as the national network works).

Names are compared as the intake stores them: NFKC (half-width katakana and full-width
letters folded), and hiragana and katakana alike."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select, true
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models import Case, Company, ReceivingOffer, Registrant, SendingOffer
from shukko.service.sessions import Account
from states import state_labels

ROWS = 30  # of each kind
_CASE_NUMBER = re.compile(r"^(?:#|案件|案件番号)?\s*(\d{1,18})$")
_REGISTRANT_NUMBER = re.compile(r"^(?:登録者|登録番号)\s*(\d{1,18})$")
_OFFER_KEY = re.compile(r"^(\d{1,2}):(\S+)$")
_KATAKANA = {chr(c): chr(c - 0x60) for c in range(0x30A1, 0x30F7)}
_HIRAGANA = {chr(c): chr(c + 0x60) for c in range(0x3041, 0x3097)}


@dataclass
class Found:
    """What a search found, by kind; `jump` is the one case the text named, if any."""

    text: str
    jump: int | None = None
    cases: list[dict] = field(default_factory=list)
    offers: list[dict] = field(default_factory=list)
    registrants: list[dict] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.cases or self.offers or self.registrants)


def folded(text: str) -> str:
    """NFKC and trimmed (ｶﾌﾞｼｷ → カブシキ, ＡＢＣ → ABC), in lower case."""
    return unicodedata.normalize("NFKC", text).strip().lower()


def kana_variants(text: str) -> set[str]:
    """The text with its kana as katakana, and as hiragana."""
    return {text, text.translate(str.maketrans(_KATAKANA)),
            text.translate(str.maketrans(_HIRAGANA))}  # fmt: skip


def name_matches(text: str):
    """The condition that a company's name holds `text` (folded; kana either way)."""
    name = func.lower(Company.name)
    term = folded(text)
    return or_(*(name.contains(variant, autoescape=True) for variant in kana_variants(term)))


def search(*, session: Session, text: str, account: Account) -> Found:
    term = folded(text)
    found = Found(text=term)
    if not term:
        return found
    if match := _CASE_NUMBER.match(term):
        number = int(match.group(1))
        found.cases = _cases(session, account, Case.id == number)
        if found.cases:  # a number that is a case: the case itself
            found.jump = number
        else:
            found.registrants = _registrants(session, account, Registrant.id == number)
        return found
    if match := _REGISTRANT_NUMBER.match(term):
        found.registrants = _registrants(session, account, Registrant.id == int(match.group(1)))
        return found
    if match := _OFFER_KEY.match(unicodedata.normalize("NFKC", text).strip()):
        office, offer_id = match.group(1).zfill(2), match.group(2)
        found.offers = _offers(session, office=office, offer_id=offer_id)
        return found
    companies = select(Company.id).where(name_matches(term))
    sending, receiving = aliased(SendingOffer), aliased(ReceivingOffer)
    by_company = or_(
        Case.sending_offer_id.in_(select(sending.id).where(sending.company_id.in_(companies))),
        Case.receiving_offer_id.in_(
            select(receiving.id).where(receiving.company_id.in_(companies))
        ),
    )
    found.cases = _cases(session, account, by_company)
    found.offers = _offers(session, companies=companies)
    found.registrants = _registrants(
        session, account, Registrant.former_company_id.in_(companies)
    )
    return found


def _visible_cases(account: Account):
    if account.role == "hq":
        return true()
    return or_(Case.sending_office_code == account.office,
               Case.receiving_office_code == account.office)  # fmt: skip


def _cases(session: Session, account: Account, where) -> list[dict]:
    sending_company, receiving_company = aliased(Company), aliased(Company)
    rows = session.execute(
        select(Case.id, Case.kind, Case.state, Case.headcount, Case.sending_office_code,
               Case.receiving_office_code, sending_company.name, receiving_company.name)
        .join(SendingOffer, SendingOffer.id == Case.sending_offer_id)
        .join(sending_company, sending_company.id == SendingOffer.company_id)
        .join(ReceivingOffer, ReceivingOffer.id == Case.receiving_offer_id)
        .join(receiving_company, receiving_company.id == ReceivingOffer.company_id)
        .where(where, _visible_cases(account))
        .order_by(Case.id.desc())
        .limit(ROWS)
    )  # fmt: skip
    return [
        {"case_id": case_id, "kind": kind, "state_label": state_labels(kind)[state],
         "headcount": headcount, "sending_office": sending_office,
         "receiving_office": receiving_office, "sending_company": sender,
         "receiving_company": receiver}
        for case_id, kind, state, headcount, sending_office, receiving_office, sender, receiver
        in rows
    ]  # fmt: skip


def _offers(session: Session, *, companies=None, office=None, offer_id=None) -> list[dict]:
    found = []
    for side, table in (("sending", SendingOffer), ("receiving", ReceivingOffer)):
        statement = select(
            table.office_code, table.offer_id, table.kind, table.headcount, table.occupation,
            table.is_open, Company.name,
        ).join(Company, Company.id == table.company_id)  # fmt: skip
        if companies is not None:
            statement = statement.where(table.company_id.in_(companies))
        else:
            statement = statement.where(table.office_code == office, table.offer_id == offer_id)
        rows = session.execute(statement.order_by(table.id.desc()).limit(ROWS))
        found += [
            {"side": side, "key": f"{office_code}:{key}", "kind": kind, "headcount": headcount,
             "occupation": occupation, "is_open": is_open, "company": company}
            for office_code, key, kind, headcount, occupation, is_open, company in rows
        ]  # fmt: skip
    return found


def _registrants(session: Session, account: Account, where) -> list[dict]:
    statement = select(Registrant.id, Registrant.state, Registrant.office_code).where(where)
    if account.role != "hq":
        statement = statement.where(Registrant.office_code == account.office)
    labels = state_labels("registrant")
    rows = session.execute(statement.order_by(Registrant.id.desc()).limit(ROWS))
    return [
        {"registrant_id": registrant_id, "state_label": labels[state], "office": office}
        for registrant_id, state, office in rows
    ]
