"""Letters a labour bureau would not correct: each test is a case a company would act on,
read back from the letter as the company gets it (Markdown, and the PDF for the post)."""

from __future__ import annotations

from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from models import Notice
from shukko.subsidies.notices import write_due_notices
from tests.helpers import contracted_case, send

REMINDERS = [14, 3]


def letters(session, outbox, as_of) -> dict[str, str]:
    """The letters written on a day, by side (the first notice of each company)."""
    written = write_due_notices(
        session=session, outbox=outbox, as_of=as_of, reminder_days=REMINDERS
    )
    session.commit()
    return {n["side"]: (outbox / n["path"]).read_text(encoding="utf-8") for n in written}


def test_a_2023_secondment_of_18_months_counts_its_first_year_only(session, tmp_path):
    # The holdout: 2023-06-01 for 18 months at 390,000 yen, the sender paying 40%, both SMEs
    # without dismissals. The 2-year payment's extension covered days up to 2024-03-31
    # only, and the first year already runs past it: 12 months, 1,683,600 yen to the sender.
    contracted_case(session, start="2023-06-01", end="2024-11-30", employees=(100, 100),
                    capital=(10_000_000, 10_000_000), dismissals=False,
                    industries=("09", "09"), terms={
                        "monthly_wage_yen": 390_000, "sending_share_pct": 40,
                        "receiving_share_pct": 60})  # fmt: skip
    sent = letters(session, tmp_path, date(2023, 4, 20))["sending"]
    assert "見込み額の合計: 1,683,600円" in sent and "2,526,000" not in sent
    assert "令和6年5月31日まで（12か月）" in sent
    assert "令和6年3月31日までの期間に限られる" in sent  # why it stops there
    assert "| 令和6年6月 |" not in sent and "| 令和6年5月 |" in sent
    stored = session.scalar(select(Notice).where(Notice.side == "sending"))
    assert stored.estimate["operating_total_yen"]["sending"] == 1_683_600


def test_a_letter_before_the_cut_off_says_the_plan_must_be_filed_by_2023_10_31(
    session, tmp_path
):
    contracted_case(session, start="2023-11-01", end="2024-04-30", employees=(100, 100))
    sent = letters(session, tmp_path, date(2023, 9, 19))["sending"]
    assert "提出期限（制度上の期限）: 出向開始日の前日（令和5年10月31日(火)）まで" in sent
    # from 2023-06-26 the sender's production test is the 3-month average [YP-2023-06]
    assert "前年同期と2019年同期のいずれと比べても5%以上減少" in sent
    # the abolition was made known on 2023-10-11 [YP-2023-10]: not told before
    assert "廃止" not in sent
    # a start whose window opens after the cut-off's notice: the cut-off, told and explained
    contracted_case(session, start="2024-01-15", end="2024-06-30", employees=(100, 100))
    told = letters(session, tmp_path, date(2023, 10, 16))["sending"]
    assert "提出期限: 令和5年10月31日(火)まで（本助成金の計画届の受付期限" in told
    assert "令和5年10月31日(火)までに提出する必要があり、それ以降の提出は受理されません" in told
    # its months run past the abolition: what is not sourced is asked, not stated
    assert "廃止後の期間（令和5年11月1日以降）に係る支給の取扱い" in told


def test_after_the_cut_off_no_course_is_offered_and_no_estimate_is_titled(session, tmp_path):
    contracted_case(session, start="2024-01-15", end="2024-12-31")
    sent = letters(session, tmp_path, date(2023, 11, 6))["sending"]
    assert "在籍型出向に係る助成金についてのご連絡" in sent and "見込み）" not in sent
    assert "活用いただける助成金" not in sent and "助成金の取扱いを下記のとおりご連絡" in sent
    assert "令和5年10月31日限りで廃止され" in sent
    assert "スキルアップ支援コース" in sent  # the course for another purpose, to confirm


def numbered_sections(text: str) -> list[int]:
    return [int(line[3:].split(".")[0]) for line in text.splitlines()
            if line.startswith("## ") and line[3:4].isdigit()]  # fmt: skip


def test_a_travel_agency_of_100_million_yen_and_150_staff_is_an_sme(session, tmp_path):
    # [CHUSHO] 旅行業 (JSIC 791) is not a サービス業: その他の業種, 3億円 / 300 人.
    contracted_case(session, start="2023-07-03", end="2024-07-02", industries=("791", "09"),
                    employees=(150, 1000), capital=(100_000_000, 500_000_000))  # fmt: skip
    sent = letters(session, tmp_path, date(2023, 6, 1))
    assert "10分の9（中小企業）" in sent["sending"] and "4分の3" not in sent["sending"]
    for text in sent.values():  # sections numbered 1, 2, 3 ... whichever are left out
        sections = numbered_sections(text)
        assert sections == list(range(1, len(sections) + 1)) and len(sections) >= 5


def test_skill_up_sender_with_dismissals_or_no_promoter_is_promised_nothing(session, tmp_path):
    skill = {"purpose": "skill_development", "pre_secondment_monthly_wage_yen": 300_000}
    contracted_case(session, start="2024-07-01", end="2025-06-30", dismissals=True,
                    terms={**skill, "skills_promoter_appointed": True})  # fmt: skip
    sent = letters(session, tmp_path, date(2024, 6, 3))
    refused = sent["sending"]
    assert "解雇等を行っている場合" in refused and "助成の対象となりません" in refused
    assert "見込み額" not in sent["sending"]
    assert "解雇" not in sent["receiving"]  # never told to the receiver
    contracted_case(session, start="2024-07-01", end="2025-06-30", dismissals=False,
                    terms={**skill, "skills_promoter_appointed": False})  # fmt: skip
    sent = letters(session, tmp_path, date(2024, 6, 3))["sending"]
    assert "職業能力開発推進者" in sent and "見込み額" not in sent
    contracted_case(session, start="2024-07-01", end="2025-06-30", terms=skill)  # both unknown
    sent = letters(session, tmp_path, date(2024, 6, 3))["sending"]
    assert "確認できていないため、助成額の見込みはお示ししていません" in sent
    assert "解雇等を行っていないこと" in sent and "職業能力開発推進者" in sent


def test_a_technical_exchange_secondment_gets_no_subsidy_letter(session, tmp_path):
    contracted_case(session, start="2024-07-01", end="2025-06-30", terms={"purpose": "other"})
    assert letters(session, tmp_path, date(2024, 6, 3)) == {}


def test_recording_the_plans_filing_stops_the_reminders(session, tmp_path):
    case = contracted_case(session, start="2023-07-03", end="2024-07-02")
    letters(session, tmp_path, date(2023, 5, 1))
    send(session, case, "record_plan_filed", on=date(2023, 5, 10), doc_ref="愛労発0510-12")
    for day in (date(2023, 6, 5), date(2023, 6, 16), date(2023, 6, 28)):
        assert letters(session, tmp_path, day) == {}
    kinds = {(n.side, n.kind) for n in session.scalars(select(Notice))}
    assert kinds == {("sending", "notice"), ("receiving", "notice")}


def test_recording_the_plans_filing_needs_the_receipt_number(session):
    from shukko.errors import EventNotAllowed

    case = contracted_case(session, start="2023-07-03", end="2024-07-02")
    with pytest.raises(EventNotAllowed, match="受付番号"):
        send(session, case, "record_plan_filed", on=date(2023, 5, 10))


def test_each_letter_is_also_a_pdf_with_the_company_the_amount_and_the_deadline(
    session, tmp_path
):
    contracted_case(session, start="2023-07-03", end="2024-07-02", employees=(100, 100))
    written = write_due_notices(
        session=session, outbox=tmp_path, as_of=date(2023, 6, 1), reminder_days=REMINDERS
    )
    session.commit()
    sending = next(n for n in written if n["side"] == "sending")
    pdf = (tmp_path / sending["path"]).with_suffix(".pdf")
    reader = PdfReader(pdf)
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "")
    assert reader.pages[0].mediabox.width == pytest.approx(595.3, abs=1)  # A4
    assert "送出" in text and "株式会社御中" in text
    total = session.scalar(select(Notice).where(Notice.side == "sending")).estimate
    assert f"{total['operating_total_yen']['sending']:,}円" in text  # the sender's estimate
    assert "令和5年7月2日" in text and "令和5年6月19日" in text  # the deadline and the day
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("IPA" in name for name in fonts)  # a Japanese font, embedded


def test_a_night_of_many_letters_lays_their_pdfs_out_in_worker_processes(tmp_path):
    from shukko.documents import blocks as doc
    from shukko.documents.pdf import PARALLEL_FROM

    letters_in = [
        (tmp_path / f"letter-{n}.md",
         [doc.title(f"第{n}号のご案内"), doc.paragraph(f"株式会社{n} 御中"),
          doc.table(["月", "見込み額"], [["令和5年7月", f"{n:,}円"]])],
         f"第{n}号")
        for n in range(PARALLEL_FROM + 2)
    ]  # fmt: skip
    doc.write_letters(letters_in)
    for n, (path, _blocks, _subject) in enumerate(letters_in):
        text = PdfReader(path.with_suffix(".pdf")).pages[0].extract_text().replace(" ", "")
        assert f"株式会社{n}御中" in text and f"{n:,}円" in text  # each its own, in order


def test_a_replayed_years_pdfs_are_written_in_the_background_and_all_there_at_the_end(
    tmp_path,
):
    """pdfs_in_background: write_letters returns with the Markdown and HTML written; the PDFs
    are all written (each its own letter) when the block ends, and a failure is raised."""
    from shukko.documents import blocks as doc
    from shukko.documents.pdf import pdfs_in_background

    letters_in = [
        (tmp_path / f"letter-{n}.md", [doc.title(f"第{n}号"), doc.paragraph(f"株式会社{n} 御中")],
         f"第{n}号")
        for n in range(20)
    ]  # fmt: skip
    with pdfs_in_background(limit=1) as background:
        doc.write_letters(letters_in)
        assert all(path.exists() for path, _b, _s in letters_in)  # Markdown at once
    assert background is not None
    for n, (path, _blocks, _subject) in enumerate(letters_in):
        text = PdfReader(path.with_suffix(".pdf")).pages[0].extract_text().replace(" ", "")
        assert f"株式会社{n}御中" in text
    from shukko.documents.pdf import write_later

    with pytest.raises(AttributeError), pdfs_in_background():  # a worker's failure, raised
        write_later([(tmp_path / "x.pdf", ["not a block"])])


def test_a_letter_font_that_is_not_there_is_named(tmp_path, monkeypatch):
    from shukko.documents.pdf import font_file

    monkeypatch.setenv("SHUKKO_LETTER_FONT", str(tmp_path / "missing.ttf"))
    with pytest.raises(RuntimeError, match=r"SHUKKO_LETTER_FONT: .*missing\.ttf is not a TrueType"):
        font_file()
