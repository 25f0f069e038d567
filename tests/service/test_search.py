"""検索: names however they are typed, numbers and keys, within what an account may see."""

from __future__ import annotations

from datetime import timedelta

from models import SendingOffer
from shukko.cases.offers import add_company, add_offer
from shukko.cases.records import open_case
from shukko.service.search import search
from shukko.service.sessions import Account
from tests.bank.test_bank import enrol
from tests.helpers import ACTOR, TODAY, make_case

TOKYO = Account("takahashi", "13", "consultant", "t")
OSAKA = Account("kimura", "27", "consultant", "t")
HEADQUARTERS = Account("honbu", "13", "hq", "t")


def named_case(session, sender: str, receiving_office: str = "13"):
    """A case from a company called `sender` (Aichi, 23) to a company of the office."""
    company = add_company(session=session, name=sender, industry_code="31", prefecture_code="23")
    other = add_company(session=session, name="受入商事株式会社", industry_code="44",
                        prefecture_code=receiving_office)  # fmt: skip
    offers = [
        add_offer(session=session, side=side, office_code=office, offer_id=f"{sender[:2]}-{side}",
                  company=owner, received_on=TODAY - timedelta(days=30), headcount=2)
        for side, office, owner in (("sending", "23", company),
                                    ("receiving", receiving_office, other))
    ]  # fmt: skip
    case = open_case(session=session, kind="secondment", sending_offer_id=offers[0].id,
                     receiving_offer_id=offers[1].id, headcount=1, actor=ACTOR, today=TODAY)
    session.commit()
    return case


def test_a_name_is_found_in_half_width_katakana_hiragana_or_full_width_letters(session):
    case = named_case(session, "トウキョウ精機ABC株式会社")
    for typed in ("ﾄｳｷｮｳ", "とうきょう", "精機", "ａｂｃ", "abc"):
        found = search(session=session, text=typed, account=TOKYO)
        assert [c["case_id"] for c in found.cases] == [case.id], typed
        assert {o["side"] for o in found.offers} == {"sending"}, typed
    assert search(session=session, text="存在しない名前", account=TOKYO).empty
    assert search(session=session, text="%", account=TOKYO).empty  # no wildcard


def test_results_stay_within_what_the_account_may_see(session):
    named_case(session, "大阪部品株式会社", receiving_office="27")
    # Tokyo has no part in the case: not found; offers' business details are national.
    found = search(session=session, text="大阪部品", account=TOKYO)
    assert found.cases == [] and {o["key"] for o in found.offers} == {"23:大阪-sending"}
    assert len(search(session=session, text="大阪部品", account=OSAKA).cases) == 1
    assert len(search(session=session, text="大阪部品", account=HEADQUARTERS).cases) == 1


def test_a_case_number_jumps_and_keys_and_registrant_numbers_are_found(session):
    case = make_case(session)
    registrant = enrol(session)
    assert search(session=session, text=f"#{case.id}", account=TOKYO).jump == case.id
    assert search(session=session, text=f" {case.id} ", account=TOKYO).jump == case.id
    assert search(session=session, text=str(case.id), account=Account("k", "01", "consultant",
                                                                      "t")).jump is None
    found = search(session=session, text=f"登録者 {registrant.id}", account=TOKYO)
    assert [r["registrant_id"] for r in found.registrants] == [registrant.id]
    assert search(session=session, text=f"登録者 {registrant.id}", account=OSAKA).empty
    offer_id = session.get(SendingOffer, case.sending_offer_id).offer_id
    key = search(session=session, text=f"２３:{offer_id}", account=OSAKA)  # full-width digits
    assert [(o["side"], o["key"]) for o in key.offers] == [("sending", f"23:{offer_id}")]
