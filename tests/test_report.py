"""The statistics report against hand-built data: fiscal-year and month boundaries, persons
(headcounts) rather than rows, the cross-industry share, the brochure's rows beside ours, and
files a spreadsheet cannot turn into formulas; the chart draws Japanese text."""

from __future__ import annotations

import csv
import logging
import warnings
from datetime import date

from openpyxl import load_workbook

from shukko.cases.offers import add_company, add_offer
from shukko.clock import fiscal_year_of
from shukko.reporting.files import monthly_chart, write_report_files
from shukko.reporting.report import build_report
from tests.helpers import contracted_case


def offer(session, side, n, received_on, headcount, kind="secondment", company=None):
    company = company or add_company(
        session=session, name=f"会社{side}{n}", industry_code="31", prefecture_code="13"
    )
    return add_offer(
        session=session,
        side=side,
        office_code="13",
        offer_id=f"{side}-{n}",
        company=company,
        received_on=received_on,
        headcount=headcount,
        kind=kind,
    )


def test_fiscal_year_runs_april_to_march():
    assert fiscal_year_of(date(2025, 3, 31)) == 2024
    assert fiscal_year_of(date(2025, 4, 1)) == 2025


def test_offers_count_persons_in_the_month_received_within_the_fiscal_year(session):
    offer(session, "receiving", 1, date(2025, 3, 31), 7)  # FY2024
    offer(session, "receiving", 2, date(2025, 4, 1), 3)  # first day of FY2025
    offer(session, "receiving", 3, date(2025, 4, 30), 2)
    offer(session, "receiving", 4, date(2026, 3, 31), 5)  # last day of FY2025
    offer(session, "receiving", 5, date(2026, 4, 1), 11)  # FY2026
    offer(session, "sending", 6, date(2025, 5, 1), 4)
    offer(session, "sending", 7, date(2025, 5, 2), 1, kind="either")
    offer(session, "sending", 8, date(2025, 5, 3), 9, kind="transfer")  # not a secondment offer
    session.commit()
    report = build_report(session, 2025)
    months = {m["month"]: m for m in report["monthly"]}
    assert [*months][::11] == ["2025-04", "2026-03"]
    assert months["2025-04"]["receiving_info"] == 5  # persons, not 2 rows
    assert months["2026-03"]["receiving_info"] == 5
    assert months["2025-05"]["sending_info"] == 5
    assert report["totals"] == {"receiving_info": 10, "sending_info": 5, "established": 0}
    # The year beside the brochure's annual table counts offers of every kind.
    annual = {row["label"]: row for row in report["annual"]}
    assert annual["受入情報（全区分）"]["persons"] == 10
    assert annual["送出情報（全区分）"]["persons"] == 14  # the transfer request's 9 too
    assert annual["受入情報（全区分）"]["brochure"] is None  # no annual column for FY2025


def test_the_brochures_annual_column_is_read_for_the_year_it_holds():
    """The column labelled 2020 holds FY2021 (its 出向成立 5,611 is FY2021's months' sum)."""
    from models.reference import BROCHURE_MONTHS, BROCHURE_YEARS

    fy2021 = BROCHURE_YEARS[2021]
    assert (fy2021.receiving_info, fy2021.sending_info) == (140_403, 19_454)
    assert fy2021.transfer_established == 8_349
    assert fy2021.secondment_established == sum(
        BROCHURE_MONTHS[(2021, m)].established for m in range(1, 13)
    )


def test_established_persons_by_contract_date_industries_and_the_cross_industry_share(session):
    # Signed on 2024-06-03 (the helpers' day): E->H crosses industries, E->E does not.
    contracted_case(session, start="2024-07-01", end="2025-06-30", headcount=2)
    contracted_case(session, start="2024-07-01", end="2025-06-30", industries=("31", "32"))
    report = build_report(session, 2024)
    june = next(m for m in report["monthly"] if m["month"] == "2024-06")
    assert june["established"] == 3 and report["totals"]["established"] == 3
    assert report["cross_industry"] == {"persons": 2, "of_persons": 3, "share": 0.6667}
    assert [(d["division"], d["persons"]) for d in report["sending_by_division"]] == [("E", 3)]
    assert {d["division"]: d["persons"] for d in report["receiving_by_division"]} == {
        "H": 2,
        "E": 1,
    }
    assert report["established_by_kind"][0]["persons"] == 3
    states = {(c["state"], c["cases"], c["persons"]) for c in report["cases_by_state"]}
    assert states == {("contracted", 2, 3)}
    assert build_report(session, 2023)["totals"]["established"] == 0


def test_the_brochures_rows_stand_beside_ours():
    from models.reference import BROCHURE_MONTHS

    assert BROCHURE_MONTHS[(2021, 4)].receiving_info == 1614
    assert BROCHURE_MONTHS[(2020, 1)].sending_info == 367  # January 2021, in FY2020


def test_files_escape_formulas_and_the_chart_draws_japanese(session, tmp_path, caplog):
    company = add_company(
        session=session, name='=HYPERLINK("x")', industry_code="31", prefecture_code="13"
    )
    offer(session, "receiving", 1, date(2024, 4, 1), 2, company=company)
    session.commit()
    report = build_report(session, 2024)
    report["cases_by_state"].append(
        {"kind": "@cmd", "state": "+x", "label": "-1", "cases": 1, "persons": 1}
    )
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        paths = write_report_files(report, tmp_path)
    glyph_problems = [str(w.message) for w in caught if "Glyph" in str(w.message)]
    glyph_problems += [r.message for r in caplog.records if "Glyph" in r.message]
    assert glyph_problems == []
    assert {p.name for p in paths} >= {"report.md", "monthly.csv", "report.xlsx", "monthly.png"}
    with (tmp_path / "cases_by_state.csv").open(encoding="utf-8-sig") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert {"'@cmd", "'+x", "'-1"} <= set(cells)
    sheet = load_workbook(tmp_path / "report.xlsx")["案件の状態"]
    assert [c.value for c in sheet[2]][:3] == ["'@cmd", "'+x", "'-1"]
    assert (tmp_path / "monthly.png").stat().st_size > 10_000
    assert "受入情報" in (tmp_path / "report.md").read_text(encoding="utf-8")


def test_without_a_japanese_font_glyphs_would_be_missing(tmp_path):
    """The check above can fail: DejaVu Sans alone has no kana, and matplotlib says so."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    report = {
        "fiscal_year": 2024,
        "monthly": [{"label": "4月", "receiving_info": 1, "sending_info": 1, "established": 1}],
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with plt.rc_context({"font.family": ["DejaVu Sans"]}):
            figure, axes = plt.subplots()
            axes.set_title("受入情報")
            figure.savefig(tmp_path / "plain.png")
            plt.close(figure)
    assert any("Glyph" in str(w.message) for w in caught)
    monthly_chart(report, tmp_path / "fine.png")
