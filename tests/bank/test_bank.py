"""キャリア人材バンク: registration routes and refusals, the lifecycle's guards, expiry, and
suggestions with their explanation."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models import Opening, RegistrantEvent, Suggestion
from shukko.bank.expiry import close_inactive
from shukko.bank.lifecycle import BankEvent, fire_bank_event
from shukko.bank.registration import Registration, register
from shukko.bank.rules import BankRules
from shukko.bank.suggest import best_for, suggest
from shukko.cases.offers import add_company
from shukko.errors import EventNotAllowed, InvalidInput

TODAY = date(2024, 6, 3)
RULES = BankRules()


def person(**changes) -> Registration:
    values = dict(office_code="13", name="見本 太郎", birth_date=date(1963, 5, 10),
                  leaving_on=date(2024, 3, 31), reason="teinen", occupations=["C"],
                  areas=["東京都"], employment_type="part_time", wage_yen=1200,
                  hours_per_week=20)  # fmt: skip
    values.update(changes)
    return Registration(**values)


def enrol(session, **changes):
    registrant = register(session=session, reg=person(**changes), actor="担当A", today=TODAY,
                          rules=RULES)  # fmt: skip
    session.commit()
    return registrant


def opening(session, key="K-1", headcount=1, **changes) -> Opening:
    company = add_company(session=session, name=f"求人企業{key}", industry_code="92",
                          prefecture_code="13")  # fmt: skip
    values = dict(office_code="13", opening_id=key, received_on=date(2024, 5, 1),
                  company_id=company.id, occupation="C", work_prefecture="13",
                  employment_type="part_time", hours_per_week=20, hourly_wage_yen=1300,
                  headcount=headcount)  # fmt: skip
    values.update(changes)
    row = Opening(**values)
    session.add(row)
    session.commit()
    return row


def step(session, registrant, event, on=TODAY, **options):
    result = fire_bank_event(
        session=session,
        request=BankEvent(
            registrant_id=registrant.id, event=event, actor="担当A", on=on, **options
        ),
        today=TODAY,
    )
    session.commit()
    return result


def test_self_registration_within_a_year_of_leaving_aged_60_to_70(session):
    registrant = enrol(session)
    assert (registrant.state, registrant.route, registrant.age_at_leaving) == (
        "registered",
        "self",
        60,
    )
    with pytest.raises(InvalidInput, match="within 12 months of leaving"):
        enrol(session, leaving_on=date(2023, 4, 1))  # 14 months before
    with pytest.raises(InvalidInput, match="aged 59 on the leaving day"):
        enrol(session, birth_date=date(1964, 6, 1), leaving_on=date(2024, 3, 31))
    with pytest.raises(InvalidInput, match="aged 71 today"):
        enrol(session, birth_date=date(1953, 1, 1), leaving_on=date(2024, 3, 31))


def test_registration_via_a_company_before_the_leaving_day(session):
    company = add_company(session=session, name="依頼元株式会社", industry_code="29",
                          prefecture_code="13", corporate_number="7000012050002")  # fmt: skip
    session.commit()
    registrant = enrol(session, via_company="7000012050002", leaving_on=date(2024, 9, 30),
                       reason="keizoku")  # fmt: skip
    assert registrant.route == "via_company" and registrant.former_company_id == company.id
    with pytest.raises(InvalidInput, match="aged 59 on the leaving day"):
        enrol(session, via_company="7000012050002", birth_date=date(1965, 1, 1),
              leaving_on=date(2024, 9, 30))  # fmt: skip
    with pytest.raises(InvalidInput, match="registers an employee before the leaving day"):
        enrol(session, via_company="7000012050002", leaving_on=date(2024, 5, 31))


def test_introduction_needs_consent_and_hire_needs_the_introduction(session):
    registrant = enrol(session)
    opening(session, "K-1")
    second = opening(session, "K-2")
    step(session, registrant, "counsel")
    with pytest.raises(EventNotAllowed, match="consent to share the profile with 求人企業K-1"):
        step(session, registrant, "introduce", opening="13:K-1")
    step(session, registrant, "record_consent", opening="13:K-1")
    assert step(session, registrant, "introduce", opening="13:K-1")["to"] == "introduced"
    with pytest.raises(EventNotAllowed, match="13:K-2 was not introduced"):
        step(session, registrant, "hire", opening="13:K-2")
    assert step(session, registrant, "hire", opening="13:K-1")["to"] == "hired"
    log = session.scalars(
        select(RegistrantEvent.event).where(RegistrantEvent.registrant_id == registrant.id)
    ).all()
    assert log == ["create", "counsel", "record_consent", "introduce", "hire"]
    assert second.id  # the other opening is untouched


def test_a_filled_opening_takes_no_more_introductions(session):
    opening(session, "K-9", headcount=1)
    first, second = enrol(session), enrol(session)
    for registrant in (first, second):
        step(session, registrant, "counsel")
        step(session, registrant, "record_consent")  # for any company introduced
        step(session, registrant, "introduce", opening="13:K-9")
    step(session, first, "hire", opening="13:K-9")
    with pytest.raises(EventNotAllowed, match="13:K-9 is closed or has no places left"):
        step(session, second, "hire", opening="13:K-9")


def test_an_idle_registration_is_closed_with_the_reason(session):
    registrant = enrol(session)
    assert close_inactive(session, date(2025, 6, 3), RULES) == []  # exactly 12 months
    assert close_inactive(session, date(2025, 6, 4), RULES) == [registrant.id]
    session.refresh(registrant)
    assert registrant.state == "closed"
    note = session.scalar(select(RegistrantEvent.note).where(RegistrantEvent.event == "close"))
    assert "活動がない" in note


def test_suggestions_explain_themselves_and_are_never_made_twice(session):
    registrant = enrol(session)
    step(session, registrant, "counsel")
    step(session, registrant, "record_consent")
    opening(session, "FIT")  # 事務 part-time in Tokyo at 1,300 yen
    opening(session, "FULL", employment_type="full_time", monthly_wage_yen=250_000,
            hourly_wage_yen=None, hours_per_week=40)  # fmt: skip
    opening(session, "OSAKA", work_prefecture="27")
    opening(session, "LICENCE", required_qualifications=["大型自動車第一種運転免許"])
    opening(session, "OTHER-JOB", occupation="K", hourly_wage_yen=1100)
    result = suggest(session, as_of=TODAY, per_registrant=5)
    session.commit()
    stored = session.scalars(select(Suggestion).order_by(Suggestion.score.desc())).all()
    keys = [session.get(Opening, s.opening_id).opening_id for s in stored]
    assert keys == ["FIT", "OTHER-JOB"]  # full-time, another prefecture, a licence: out
    best = stored[0]
    assert best.breakdown == {"occupation": 1.0, "area": 1.0, "employment": 1.0, "wage": 1.0,
                              "qualifications": 0.8}  # fmt: skip
    assert stored[1].breakdown["occupation"] == 0.2 and stored[1].breakdown["wage"] < 1
    assert result["suggested"] == 2
    assert suggest(session, as_of=TODAY, per_registrant=5)["suggested"] == 0  # never twice
    top = best_for(session, registrant_id=registrant.id, top=1, as_of=TODAY)
    assert top[0]["opening"] == "13:FIT"


def test_a_registrant_changed_meanwhile_saves_nothing_of_the_step(session):
    """The registrant is written as a case is: guarded by the version the step read, so a
    step that lost the race to another writer leaves nothing behind."""
    from sqlalchemy import text

    from shukko.errors import ConcurrentChange

    registrant = enrol(session)
    session.commit()
    held = registrant.version  # the step reads the registrant as this session holds it
    session.connection().execute(
        text("UPDATE registrant SET version = version + 1 WHERE id = :id"), {"id": registrant.id}
    )  # another writer, after that read
    with pytest.raises(ConcurrentChange):
        step(session, registrant, "counsel")
    events = session.scalars(
        select(RegistrantEvent.event).where(RegistrantEvent.registrant_id == registrant.id)
    ).all()
    assert events == ["create"] and held == 1
    session.refresh(registrant)
    assert registrant.state == "registered"
