"""移籍, person by person: a company's request (再就職支援の依頼) for three employees, each
registered as a job seeker (求職者), introduced to receiving offers (受入情報: 応募), interviewed,
one offered (内定) and hired on the first day at the new employer (入社日)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from models import Introduction, RegistrantPerson
from shukko.bank.lifecycle import BankEvent, fire_bank_event
from shukko.bank.registration import Registration, register
from shukko.bank.rules import BankRules
from shukko.cases.offers import add_company, add_offer
from shukko.errors import EventNotAllowed, InvalidInput, NotFound

TODAY = date(2024, 6, 3)
LEAVING = date(2024, 6, 30)


@pytest.fixture
def request_for_three(session):
    return transfer_request(session)


def transfer_request(session) -> str:
    """A manufacturer in Aichi asks the Center to help three employees it will let go; three
    receiving offers in Aichi (open to transfers, to either, to secondments only)."""
    sender = add_company(session=session, name="依頼元製作所", industry_code="29",
                         prefecture_code="23")  # fmt: skip
    add_offer(session=session, side="sending", office_code="23", offer_id="S-T1", company=sender,
              received_on=date(2024, 5, 20), headcount=3, kind="transfer", reason="雇用調整",
              start_from=LEAVING)  # fmt: skip
    for n, kind in enumerate(("transfer", "either", "secondment"), start=1):
        receiver = add_company(session=session, name=f"受入商事{n}", industry_code="44",
                               prefecture_code="23")  # fmt: skip
        add_offer(session=session, side="receiving", office_code="23", offer_id=f"R-{n}",
                  company=receiver, received_on=date(2024, 5, 1), headcount=1, kind=kind,
                  monthly_wage_yen=260_000)  # fmt: skip
    session.commit()
    return "23:S-T1"


def seeker(session, request, name="求職 一郎", **changes):
    values = dict(office_code="23", name=name, birth_date=date(1980, 4, 1), leaving_on=LEAVING,
                  reason="", occupations=["H"], areas=["愛知県"], employment_type="full_time",
                  wage_yen=250_000, programme="transfer", request=request)  # fmt: skip
    values.update(changes)
    person = register(session=session, reg=Registration(**values), actor="担当A", today=TODAY,
                      rules=BankRules())  # fmt: skip
    session.commit()
    return person


def step(session, person, event, on=TODAY, **options):
    result = fire_bank_event(
        session=session,
        request=BankEvent(registrant_id=person.id, event=event, actor="担当A", on=on, **options),
        today=TODAY + timedelta(days=60),
    )
    session.commit()
    return result


def hire(session, person, on: date, offer: str = "23:R-1") -> None:
    for event, options in (("counsel", {}), ("record_consent", {}),
                           ("introduce", {"opening": offer}),
                           ("schedule_interview", {"opening": offer}),
                           ("offer", {"opening": offer})):  # fmt: skip
        step(session, person, event, **options)
    step(session, person, "hire", opening=offer, on=on)


def test_three_employees_of_one_request_and_the_one_who_is_hired(session, request_for_three):
    people = [seeker(session, request_for_three, name=f"求職 {n}郎") for n in "一二三"]
    first = people[0]
    assert (first.programme, first.route, first.leaving_reason) == (
        "transfer", "via_company", "adjustment"
    )  # fmt: skip
    assert session.get(RegistrantPerson, first.id).name == "求職 一郎"  # kept apart
    with pytest.raises(InvalidInput, match="names 3 people"):
        seeker(session, request_for_three, name="求職 四郎")

    step(session, first, "counsel")
    with pytest.raises(EventNotAllowed, match="consent to share the profile with 受入商事1"):
        step(session, first, "introduce", opening="23:R-1")
    step(session, first, "record_consent")
    step(session, first, "introduce", opening="23:R-1")
    step(session, first, "introduce", opening="23:R-2")  # open to either: fine
    with pytest.raises(NotFound, match="no receiving offer 23:R-3 open to transfers"):
        step(session, first, "introduce", opening="23:R-3")  # secondment only
    with pytest.raises(EventNotAllowed, match="hired after the receiving company's offer"):
        step(session, first, "hire", opening="23:R-1", on=date(2024, 7, 1))
    step(session, first, "schedule_interview", opening="23:R-1", on=date(2024, 6, 10))
    step(session, first, "schedule_interview", opening="23:R-2", on=date(2024, 6, 11))
    step(session, first, "record_outcome", opening="23:R-2", on=date(2024, 6, 12),
         outcome="rejected")  # fmt: skip
    step(session, first, "offer", opening="23:R-1", on=date(2024, 6, 14),
         start_on=date(2024, 7, 1))  # fmt: skip
    # 入社日 before the leaving day at the sender: refused, naming the leaving day.
    with pytest.raises(EventNotAllowed, match="before the leaving day 2024-06-30"):
        step(session, first, "hire", opening="23:R-1", on=date(2024, 6, 20))
    assert step(session, first, "hire", opening="23:R-1", on=date(2024, 7, 1))["to"] == "hired"
    hired = session.scalar(select(Introduction).where(Introduction.hired_on.is_not(None)))
    assert (hired.receiving_offer_id is not None, hired.opening_id) == (True, None)

    # The offer's one place is taken: the next job seeker cannot be introduced to it.
    second = people[1]
    step(session, second, "counsel")
    step(session, second, "record_consent")
    with pytest.raises(EventNotAllowed, match="23:R-1 is closed or has no places left"):
        step(session, second, "introduce", opening="23:R-1")


def test_a_job_seeker_registers_only_from_a_request_open_to_transfers(session, request_for_three):
    with pytest.raises(InvalidInput, match="registers from their company's request"):
        seeker(session, None)
    with pytest.raises(NotFound, match="no sending offer 23:NOPE"):
        seeker(session, "23:NOPE")
    sender = add_company(session=session, name="出向元工業", industry_code="29",
                         prefecture_code="23")  # fmt: skip
    add_offer(session=session, side="sending", office_code="23", offer_id="S-S1", company=sender,
              received_on=date(2024, 5, 20), kind="secondment")  # fmt: skip
    with pytest.raises(InvalidInput, match="not an open request for transfers"):
        seeker(session, "23:S-S1")
    # The request's office takes the job seeker, whatever office a caller names.
    assert seeker(session, request_for_three, office_code="13").office_code == "23"


def test_the_report_counts_a_hired_job_seeker_as_a_transfer_by_the_first_day(
    session, request_for_three
):
    from shukko.reporting.files import tables
    from shukko.reporting.report import build_report

    person = seeker(session, request_for_three, birth_date=date(1975, 1, 1))
    other = seeker(session, request_for_three, name="求職 二郎")
    hire(session, person, date(2024, 7, 1))
    report = build_report(session, 2024)
    transfers = report["transfers"]
    assert (transfers["seekers"], transfers["persons"]) == (1, 1)
    assert [m["seekers"] for m in transfers["monthly"]][:4] == [0, 0, 0, 1]  # 7月
    assert transfers["sending_by_division"][0]["division"] == "E"  # 製造業
    assert transfers["receiving_by_division"][0]["division"] == "H"  # 運輸業，郵便業 (44)
    assert {a["group"]: a["persons"] for a in transfers["ages"]}["40〜49歳"] == 1
    by_kind = {k["kind"]: k["persons"] for k in report["established_by_kind"]}
    assert by_kind["transfer"] == 1
    # The career bank's tables keep to its registrants.
    assert report["bank"]["registrations"] == 0 and other.state == "registered"
    header, rows = tables(report)["移籍 月別成立数"]
    assert header == ["月", "移籍案件", "求職者", "成立数"] and rows[-1] == ["合計", 0, 1, 1]


def test_after_the_hire_the_center_checks_that_the_person_stays(session, request_for_three):
    from shukko.service.bank import record_follow_up, registrant_view
    from shukko.service.worklist import WorklistQuery, worklist

    person = seeker(session, request_for_three)
    hire(session, person, date(2024, 7, 1))
    view = registrant_view(session=session, registrant_id=person.id)
    assert [(f.due_on, f.status) for f in view.follow_ups] == [
        (date(2024, 8, 1), "scheduled"), (date(2025, 1, 1), "scheduled")]  # fmt: skip

    def seekers_group(day):
        work = worklist(session=session, query=WorklistQuery(office="23", as_of=day))
        return [(item.registrant_id, item.on, item.detail, item.overdue)
                for item in work.groups["seekers"]]  # fmt: skip

    assert seekers_group(date(2024, 7, 10)) == []  # hired, nothing due within 14 days
    assert seekers_group(date(2024, 8, 5)) == [
        (person.id, date(2024, 8, 1), "定着確認（期限 令和6年8月1日）を記録", True)]  # fmt: skip
    done = record_follow_up(session=session, registrant_id=person.id, on=date(2024, 8, 5),
                            actor="担当A", note="定着を確認", today=date(2024, 8, 5))  # fmt: skip
    session.commit()
    assert (done.due_on, done.done_on) == (date(2024, 8, 1), date(2024, 8, 5))
    assert seekers_group(date(2024, 8, 6)) == []
    view = registrant_view(session=session, registrant_id=person.id)
    assert [f.status for f in view.follow_ups] == ["done", "scheduled"]
    assert [(n.kind, n.text) for n in view.notes] == [("follow_up", "定着を確認")]


def test_the_receiver_gets_a_sourced_letter_once_after_the_hire(session, request_for_three,
                                                                tmp_path):  # fmt: skip
    from shukko.subsidies.hiring import write_hiring_letters

    early = seeker(session, request_for_three)  # leaves 6/30, starts 7/1
    late = seeker(session, request_for_three, name="求職 二郎", leaving_on=date(2024, 3, 31))
    hire(session, early, date(2024, 7, 1))
    hire(session, late, date(2024, 7, 10), offer="23:R-2")  # 3 months and 10 days after
    written = write_hiring_letters(session=session, outbox=tmp_path, as_of=date(2024, 7, 12))
    session.commit()
    assert [(w["registrant_id"], w["within_months"]) for w in written] == [
        (early.id, True), (late.id, False)]  # fmt: skip
    letter = Path(written[0]["path"]).read_text(encoding="utf-8")
    # Named as it is from 2024-04-01 (早期再就職支援等助成金), the rule and amount as sourced.
    assert "早期再就職支援等助成金（雇入れ支援コース）のご案内" in letter
    assert "受入商事1 御中" in letter and "令和6年7月1日" in letter
    assert "離職後3か月以内の雇入れです。" in letter
    assert "令和4年12月2日以降に提出された再就職援助計画等の対象者" in letter
    assert "支給対象者1人につき300,000円" in letter
    assert "再就職援助計画（または求職活動支援基本計画書）の対象者であること" in letter
    assert "求職 一郎" not in letter  # the person by number only
    other = Path(written[1]["path"]).read_text(encoding="utf-8")
    assert "離職後3か月を過ぎた雇入れのため、対象とならない場合があります。" in other
    assert write_hiring_letters(session=session, outbox=tmp_path, as_of=date(2024, 7, 13)) == []


def test_a_letter_written_before_the_sourced_rules_states_no_rule_and_no_amount(
    session, tmp_path
):
    """The sources give the requirements and amounts for plans submitted from 2022-12-02: a
    hire of FY2021 (the demo year) gets a letter that asks the company to confirm both."""
    from shukko.subsidies.hiring import write_hiring_letters

    sender = add_company(session=session, name="旧依頼元工業", industry_code="29",
                         prefecture_code="23")  # fmt: skip
    add_offer(session=session, side="sending", office_code="23", offer_id="S-21", company=sender,
              received_on=date(2021, 5, 6), headcount=1, kind="transfer",
              start_from=date(2021, 6, 30))  # fmt: skip
    receiver = add_company(session=session, name="受入運輸", industry_code="44",
                           prefecture_code="23")  # fmt: skip
    add_offer(session=session, side="receiving", office_code="23", offer_id="R-21",
              company=receiver, received_on=date(2021, 5, 1), kind="transfer")  # fmt: skip
    session.commit()
    person = register(session=session, reg=Registration(
        office_code="23", name="求職 五郎", birth_date=date(1972, 4, 1),
        leaving_on=date(2021, 6, 30), reason="", programme="transfer", request="23:S-21",
    ), actor="担当A", today=date(2021, 5, 20), rules=BankRules())  # fmt: skip
    session.commit()
    day = date(2021, 7, 1)
    for event, options in (("counsel", {}), ("record_consent", {}),
                           ("introduce", {"opening": "23:R-21"}),
                           ("schedule_interview", {"opening": "23:R-21"}),
                           ("offer", {"opening": "23:R-21"}),
                           ("hire", {"opening": "23:R-21"})):  # fmt: skip
        fire_bank_event(session=session, today=day, request=BankEvent(
            registrant_id=person.id, event=event, actor="担当A", on=day, **options))
    session.commit()
    written = write_hiring_letters(session=session, outbox=tmp_path, as_of=date(2021, 7, 2))
    letter = Path(written[0]["path"]).read_text(encoding="utf-8")
    assert written[0]["within_months"] is None
    assert "労働移動支援助成金（早期雇入れ支援コース）のご案内" in letter
    assert "支給要件・助成額とも、労働局にご確認ください。" in letter
    assert "円" not in letter and "令和4年" not in letter  # no amount, no later rule
    assert "離職後3か月以内の雇入れであることが要件となるかどうか" in letter
    assert "令和3年6月30日" in letter and "令和3年7月1日" in letter


def test_the_holdout_request_three_employees_one_placed(session, request_for_three):
    """Each of the three registers, is counselled, applies to two receiving offers and is
    interviewed at both; one gets 内定 and starts; 移籍成立 counts one person, in the month of
    the first day."""
    from shukko.reporting.report import build_report

    people = [seeker(session, request_for_three, name=f"求職 {n}郎") for n in "一二三"]
    for person in people:
        for event in ("counsel", "record_consent"):
            step(session, person, event)
        for key in ("23:R-1", "23:R-2"):
            step(session, person, "introduce", opening=key)
            step(session, person, "schedule_interview", opening=key, on=date(2024, 6, 20))
    assert {p.state for p in people} == {"interviewing"}
    placed, *others = people
    step(session, placed, "record_outcome", opening="23:R-2", on=date(2024, 6, 21),
         outcome="declined")  # fmt: skip
    step(session, placed, "offer", opening="23:R-1", on=date(2024, 6, 21),
         start_on=date(2024, 7, 1))  # fmt: skip
    for person in others:
        for key in ("23:R-1", "23:R-2"):
            step(session, person, "record_outcome", opening=key, on=date(2024, 6, 21),
                 outcome="rejected")  # fmt: skip
        with pytest.raises(EventNotAllowed, match="opening 23:R-1 has ended"):
            step(session, person, "schedule_interview", opening="23:R-1")  # 不採用 recorded
    assert [p.state for p in others] == ["introduced", "introduced"]
    assert step(session, placed, "hire", opening="23:R-1", on=date(2024, 7, 1))["to"] == "hired"
    transfers = build_report(session, 2024)["transfers"]
    assert transfers["seekers"] == 1
    assert [m["seekers"] for m in transfers["monthly"]][3] == 1  # 7月: the first day's month


def test_each_person_is_placed_once_by_a_case_or_as_a_job_seeker(session, request_for_three):
    """A request's employees in a transfer case are not registered again as job seekers, and
    matching does not offer again the request's people registered nor the receiving offer's
    places that job seekers filled."""
    from models import ReceivingOffer, SendingOffer
    from shukko.cases.records import NewCase, open_cases
    from shukko.matching.run import load_open_offers

    request = session.scalar(select(SendingOffer).where(SendingOffer.offer_id == "S-T1"))
    other = add_company(session=session, name="受入運輸", industry_code="44",
                        prefecture_code="23")  # fmt: skip
    group = add_offer(session=session, side="receiving", office_code="23", offer_id="R-9",
                      company=other, received_on=date(2024, 5, 1), headcount=5,
                      kind="transfer")  # fmt: skip
    session.flush()
    open_cases(session=session, actor="担当A", today=TODAY,
               cases=[NewCase(kind="transfer", sending_offer_id=request.id,
                              receiving_offer_id=group.id)])  # fmt: skip
    session.commit()
    first = seeker(session, request_for_three, name="求職 一郎")
    seeker(session, request_for_three, name="求職 二郎")
    with pytest.raises(InvalidInput, match="as job seekers or in its cases"):
        seeker(session, request_for_three, name="求職 三郎")  # the third is in the case

    hire(session, first, date(2024, 7, 1))
    sending, receiving = load_open_offers(session=session, as_of=TODAY)
    left = {r.id: r.remaining for r in (*sending, *receiving)}
    filled = session.scalar(select(ReceivingOffer.id).where(ReceivingOffer.offer_id == "R-1"))
    assert left[request.id] == 0 and left[filled] == 0 and left[group.id] == 4


def test_an_offer_holds_its_place_until_the_person_starts(session, request_for_three):
    """内定 holds one of the receiving offer's places: another job seeker cannot be introduced
    to its last place, matching does not offer it to a case, and the holder still starts."""
    from models import ReceivingOffer
    from shukko.matching.run import load_open_offers

    first, second = (seeker(session, request_for_three, name=f"求職 {n}郎") for n in "一二")
    for event, options in (("counsel", {}), ("record_consent", {}),
                           ("introduce", {"opening": "23:R-1"}),
                           ("schedule_interview", {"opening": "23:R-1"}),
                           ("offer", {"opening": "23:R-1", "start_on": date(2024, 7, 1)})):
        step(session, first, event, **options)  # fmt: skip
    step(session, second, "counsel")
    step(session, second, "record_consent")
    with pytest.raises(EventNotAllowed, match="23:R-1 is closed or has no places left"):
        step(session, second, "introduce", opening="23:R-1")
    _sending, receiving = load_open_offers(session=session, as_of=TODAY)
    held = session.scalar(select(ReceivingOffer.id).where(ReceivingOffer.offer_id == "R-1"))
    assert {r.id: r.remaining for r in receiving}[held] == 0
    assert step(session, first, "hire", opening="23:R-1", on=date(2024, 7, 1))["to"] == "hired"


def test_suggestions_leave_out_offers_that_stop_taking_people_before_the_person_leaves(
    session, request_for_three
):
    """A receiving offer whose latest start (start_until) comes before the day after the
    person's leaving day cannot take them: it is not suggested."""
    from models import ReceivingOffer
    from shukko.bank.suggest import best_for

    person = seeker(session, request_for_three, leaving_on=date(2024, 9, 30))
    step(session, person, "counsel")
    step(session, person, "record_consent")
    for offer in session.scalars(select(ReceivingOffer)):
        offer.start_until = date(2024, 9, 30) if offer.offer_id == "R-1" else date(2024, 10, 1)
    session.commit()
    keys = {s["opening"] for s in best_for(session, registrant_id=person.id, top=5, as_of=TODAY)}
    assert "23:R-1" not in keys and "23:R-2" in keys


def test_a_person_who_leaves_the_support_holding_an_offer_frees_its_place(
    session, request_for_three
):
    first, second = (seeker(session, request_for_three, name=f"求職 {n}郎") for n in "一二")
    for event, options in (("counsel", {}), ("record_consent", {}),
                           ("introduce", {"opening": "23:R-1"}),
                           ("schedule_interview", {"opening": "23:R-1"}),
                           ("offer", {"opening": "23:R-1", "start_on": date(2024, 7, 1)}),
                           ("close", {"note": "家業を継ぐため辞退"})):
        step(session, first, event, **options)  # fmt: skip
    declined = session.scalar(select(Introduction).where(Introduction.registrant_id == first.id))
    assert declined.outcome == "declined"
    step(session, second, "counsel")
    step(session, second, "record_consent")
    assert step(session, second, "introduce", opening="23:R-1")["to"] == "introduced"
