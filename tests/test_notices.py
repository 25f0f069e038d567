"""Subsidy notices: what they say, to whom, when, and that each is written exactly once."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from models import Notice
from shukko.service import followthrough
from shukko.service.database import run_in_transaction
from shukko.service.schemas import as_data
from shukko.subsidies.notices import write_due_notices
from tests.helpers import at_once, contracted_case

REMINDERS = [14, 3]


def list_notices(session, case_id=None) -> list[dict]:
    listing = followthrough.list_notices(session=session, case_id=case_id)
    return [as_data(n) for n in listing.rows]


def write(session, outbox, as_of, **options):
    written = write_due_notices(
        session=session, outbox=outbox, as_of=as_of, reminder_days=REMINDERS, **options
    )
    session.commit()
    return written


def test_a_notice_to_each_company_in_japanese_with_programme_estimate_documents_deadline(
    session, tmp_path
):
    # 2023-07-03 is a Monday: the rule is the day before (Sunday 2023-07-02); the recommended
    # day two weeks before the start, Monday 2023-06-19 (never the last day).
    case = contracted_case(session, start="2023-07-03", end="2024-07-02")
    written = write(session, tmp_path, date(2023, 6, 1))
    assert {(n["case_id"], n["side"], n["kind"]) for n in written} == {
        (case.id, "sending", "notice"),
        (case.id, "receiving", "notice"),
    }
    sending = next(n for n in written if n["side"] == "sending")
    text = (tmp_path / sending["path"]).read_text(encoding="utf-8")
    for words in ("雇用維持支援コース", "労使協定", "同意書", "出向契約書",
                  "出向開始日の前日（令和5年7月2日(日)）まで", "助成額の見込み",
                  "推奨提出日: 令和5年6月19日(月)まで", "2週間前までを目処",
                  "支給を約束するものではありません", "株式会社 御中",
                  "公益財団法人産業雇用安定センター", "令和5年6月1日", "拝啓", "敬具", "以上",
                  "| 令和5年7月 |", "90,000円", "お問い合わせ先", "産雇23-2023-"):  # fmt: skip
        assert words in text, words
    assert "2023-07" not in text and "2023年" not in text and " 相手方は " not in text
    assert "人事ご担当者様" not in text  # 御中 alone
    # the course's end (2023-10-31) was made known on 2023-10-11: a June letter cannot tell it
    assert "廃止" not in text
    receiving = next(n for n in written if n["side"] == "receiving")
    theirs = (tmp_path / receiving["path"]).read_text(encoding="utf-8")
    assert "出向実施計画届は出向元事業主が労働局へ提出します" in theirs
    assert "労使協定" not in theirs and "同意書" not in theirs  # the sender's documents
    assert "試験 花子" not in text  # the worker's name stays out of notices
    html = (tmp_path / sending["path"]).with_suffix(".html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "令和5年6月19日(月)" in html
    assert "@page{size:A4" in html  # prints on A4 as a letter
    # The figures as data: 40% of 300,000 yen at 9/10 (SME) for the sender.
    stored = list_notices(session, case_id=case.id)
    assert stored[0]["programme"] == "koyo-iji"
    assert {n["filing_deadline"] for n in stored} == {date(2023, 6, 19)}
    sender_total = next(n for n in stored if n["side"] == "sending")["operating_total_yen"]
    assert 0 < sender_total <= 12 * 300_000 * 4 // 10 * 9 // 10 + 12


def test_each_notice_once_then_reminders_to_the_sender_only_whatever_is_rerun(
    session, tmp_path
):
    # Reminders 14 and 3 days before the recommended day (2023-06-19), to the company that
    # files the plan; the receiver gets the first notice only.
    case = contracted_case(session, start="2023-07-03", end="2024-07-02")
    day = date(2023, 5, 1)
    while day < date(2023, 7, 3):
        write(session, tmp_path, day)
        write(session, tmp_path, day)  # a second run the same night adds nothing
        day += timedelta(days=1)
    kinds = sorted((n["side"], n["kind"], n["written_on"]) for n in list_notices(session))
    assert kinds == [
        ("receiving", "notice", date(2023, 5, 1)),
        ("sending", "notice", date(2023, 5, 1)),
        ("sending", "reminder-14", date(2023, 6, 5)),
        ("sending", "reminder-3", date(2023, 6, 16)),
    ]
    files = sorted(p.name for p in (tmp_path / f"case-{case.id:06d}").glob("*.md"))
    assert len(files) == 4
    assert len(list((tmp_path / f"case-{case.id:06d}").glob("*.pdf"))) == 4
    numbers = [n.document_number for n in session.scalars(select(Notice))]
    assert len(set(numbers)) == 4 and all(n.startswith("産雇") for n in numbers)
    reminder = next(n for n in list_notices(session) if n["kind"] == "reminder-3")
    text = (tmp_path / reminder["path"]).read_text(encoding="utf-8")
    assert "再度のご案内" in text and "（見込み）" not in text


def test_a_missed_night_sends_only_the_nearest_reminder(session, tmp_path):
    contracted_case(session, start="2023-07-03", end="2024-07-02")
    write(session, tmp_path, date(2023, 6, 1))
    write(session, tmp_path, date(2023, 6, 28))  # past the recommended day, before the last
    assert sorted(n["kind"] for n in list_notices(session)) == ["notice", "notice", "reminder-3"]


def test_no_programme_in_force_says_so_and_sends_no_reminders(session, tmp_path):
    contracted_case(session, start="2020-10-01", end="2021-09-30")
    written = write(session, tmp_path, date(2020, 9, 1))
    text = (tmp_path / written[0]["path"]).read_text(encoding="utf-8")
    assert "産業雇用安定助成金は施行されていません" in text
    assert "見込み）" not in text and "助成金についてのご連絡" in text
    write(session, tmp_path, date(2020, 9, 28))
    assert {n["kind"] for n in list_notices(session)} == {"notice"}
    assert all(n["programme"] is None for n in list_notices(session))


def test_skill_up_course_pays_the_sender_only(session, tmp_path):
    # An SME sender pays 250,000 of a worker who earned 300,000 before: 2/3 of 150,000.
    contracted_case(session, start="2024-07-01", end="2025-06-30", employees=(120, 800),
                    dismissals=False, terms={
        "purpose": "skill_development", "pre_secondment_monthly_wage_yen": 300_000,
        "monthly_wage_yen": 300_000, "sending_share_pct": 84, "receiving_share_pct": 16,
        "skills_promoter_appointed": True,
    })  # fmt: skip
    written = write(session, tmp_path, date(2024, 6, 3))
    receiving = next(n for n in written if n["side"] == "receiving")
    text = (tmp_path / receiving["path"]).read_text(encoding="utf-8")
    assert "スキルアップ支援コース" in text and "出向元事業主のみ" in text
    assert "出向運営経費" not in text and "合計" not in text  # the other course's words
    sending = next(n for n in written if n["side"] == "sending")
    theirs = (tmp_path / sending["path"]).read_text(encoding="utf-8")
    assert "3分の2" in theirs and "1,200,000円" in theirs  # 12 x 100,000
    assert "5%以上" in theirs and "315,000円以上" in theirs
    assert "具体的な提出期限は、管轄の労働局にご確認ください" in theirs


def test_a_group_secondment_under_skill_up_is_refused_with_the_reason(session, tmp_path):
    contracted_case(session, start="2024-07-01", end="2025-06-30", terms={
        "purpose": "skill_development", "pre_secondment_monthly_wage_yen": 300_000,
        "within_corporate_group": True,
    })  # fmt: skip
    written = write(session, tmp_path, date(2024, 6, 3))
    sending = next(n for n in written if n["side"] == "sending")
    text = (tmp_path / sending["path"]).read_text(encoding="utf-8")
    assert "助成の対象となりません" in text and "企業グループ内" in text
    stored = next(n for n in list_notices(session) if n["side"] == "sending")
    assert stored["operating_total_yen"] == 0


def test_overlapping_runs_write_each_notice_once(engine, session, tmp_path):
    contracted_case(session, start="2023-07-03", end="2024-07-02")
    contracted_case(session, start="2023-07-10", end="2024-07-09")
    session.close()

    def night() -> list[dict]:
        return run_in_transaction(
            engine,
            lambda s: write_due_notices(
                session=s, outbox=tmp_path, as_of=date(2023, 6, 1), reminder_days=REMINDERS
            ),
        )

    results = at_once(night)
    with Session(engine) as check:
        assert check.scalar(select(func.count()).select_from(Notice)) == 4
    assert sum(len(r) for r in results) == 4  # each reported by exactly one of the runs


def test_every_office_signs_letters_and_unknown_contact_keys_stay_out():
    from config.offices import load_offices

    offices = load_offices()
    assert len(offices) == 47
    assert offices["13"].lines() == ["公益財団法人産業雇用安定センター 東京事務所"]
    filled = offices["01"].model_copy(update={"telephone": "011-000-0000"})
    assert filled.lines() == ["公益財団法人産業雇用安定センター 北海道事務所", "電話 011-000-0000"]


def test_era_dates_and_months_as_a_letter_writes_them():
    from shukko.clock import era_date, month_label

    assert era_date(date(2022, 10, 7)) == "令和4年10月7日(金)"
    assert era_date(date(2019, 5, 1), weekday=False) == "令和元年5月1日"
    assert era_date(date(2019, 4, 30), weekday=False) == "平成31年4月30日"
    assert month_label("2022-10") == "令和4年10月"
