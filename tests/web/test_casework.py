"""The worklist as a consultant works in it (issue 27): whose cases (自分の担当, the office,
nobody's), taking a case and an admin reassigning it, notes in the history, filters kept in
the URL, rows that name both companies, one group printed alone. In Chromium."""

from __future__ import annotations

import pytest

from shukko.service.accounts import add_user
from shukko.service.case_views import case_view
from tests.helpers import TODAY, make_case, to_preparing
from tests.web.test_browser import PASSWORD, signed_in_page

pytestmark = pytest.mark.slow


@pytest.fixture
def tokyo(session):
    """Tokyo (13) receives the helpers' cases from Aichi (23): two consultants, an admin."""
    for name, office, role in (
        ("takahashi", "13", "consultant"),
        ("tanaka", "13", "consultant"),
        ("suzuki", "13", "office_admin"),
    ):
        add_user(session=session, name=name, office=office, role=role, password=PASSWORD)
    proposed, preparing = make_case(session), make_case(session)
    to_preparing(session, preparing)
    session.commit()
    companies = case_view(session=session, case_id=proposed.id, today=TODAY)
    return {"proposed": proposed.id, "preparing": preparing.id,
            "companies": (companies.sending.company, companies.receiving.company)}  # fmt: skip


def view_count(page, view: str) -> int:
    return int(page.locator(f".views a[data-view={view}] .count").inner_text())


def test_a_consultant_takes_a_case_and_an_admin_reassigns_it(chromium, web, tokyo, screenshots):
    page = signed_in_page(chromium, web, "takahashi")
    assert page.locator(".views a.current").get_attribute("data-view") == "mine"
    assert (view_count(page, "mine"), view_count(page, "unowned")) == (0, 2)
    assert page.locator(".group tbody tr").count() == 0

    page.click(".views a[data-view=unowned]")
    row = page.locator("#review tbody tr").first
    text = row.inner_text()
    assert all(company in text for company in tokyo["companies"])  # both, by name
    assert "企業間面談の日程を調整" in text and "proposed" not in text
    row.locator("a").click()
    assert page.locator(".owner-name").inner_text() == "未割当"
    page.click("text=自分が担当する")
    assert page.locator(".message.ok").inner_text() == "担当者: takahashi"
    assert page.locator(".owner-name").inner_text() == "takahashi"

    page.locator(".note-form textarea").fill("先方の人事部長と来週面談の予定")
    page.click("text=メモを記録")
    history = page.locator("table.history").inner_text()
    assert "担当者の変更" in history and "担当者: takahashi" in history
    assert "メモ" in history and "先方の人事部長と来週面談の予定" in history

    page.goto(f"{web.url}/")
    assert (view_count(page, "mine"), view_count(page, "unowned")) == (1, 1)
    assert page.locator("#review tbody tr td.owner").inner_text() == "takahashi"
    page.screenshot(path=screenshots / "worklist-mine.png", full_page=True)

    other = signed_in_page(chromium, web, "tanaka")
    other.goto(f"{web.url}/cases/{tokyo['proposed']}")
    assert other.locator("text=自分が担当する").count() == 0  # owned: only an admin moves it

    admin = signed_in_page(chromium, web, "suzuki")
    admin.goto(f"{web.url}/cases/{tokyo['proposed']}")
    admin.select_option(".owner select[name=to]", "tanaka")
    admin.click("text=担当者を割り当てる")
    assert admin.locator(".owner-name").inner_text() == "tanaka"
    page.reload()
    assert view_count(page, "mine") == 0
    other.goto(f"{web.url}/")
    assert other.locator("#review tbody tr td.owner").inner_text() == "tanaka"

    # The whole office's view, one colleague's cases: the admin picks tanaka.
    admin.goto(f"{web.url}/?view=all")
    admin.select_option("select[name=owner]", "tanaka")
    admin.click("text=絞り込む")
    assert "owner=tanaka" in admin.url and view_count(admin, "all") == 2  # the tab: all
    assert admin.locator(".count[data-group=review]").inner_text() == "1"
    assert admin.locator(".count[data-group=blocked]").inner_text() == "0"


def test_filters_and_sorting_are_kept_in_the_url(chromium, web, tokyo):
    page = signed_in_page(chromium, web, "takahashi")
    page.click(".views a[data-view=all]")
    page.select_option("select[name=state]", "preparing")
    page.click("text=絞り込む")
    assert "state=preparing" in page.url and "view=all" in page.url
    assert page.locator(".count[data-group=review]").inner_text() == "0"
    assert page.locator(".count[data-group=blocked]").inner_text() == "1"
    bookmarked = page.url

    fresh = signed_in_page(chromium, web, "takahashi")
    fresh.goto(bookmarked)  # a link or a bookmark reproduces the view
    assert fresh.locator(".count[data-group=blocked]").inner_text() == "1"
    assert fresh.locator("select[name=state]").input_value() == "preparing"
    fresh.locator("#blocked th a").first.click()  # the date column, the other way
    assert "sort=desc" in fresh.url and "state=preparing" in fresh.url


def test_one_group_prints_alone_on_a4(chromium, web, tokyo, tmp_path):
    page = signed_in_page(chromium, web, "takahashi")
    page.click(".views a[data-view=all]")
    page.click("[data-print-group=review]")
    assert page.locator("section.group").count() == 1
    page.emulate_media(media="print")
    assert not page.locator("header.top nav").is_visible()
    assert not page.locator("form.filters").is_visible()
    pdf = page.pdf(path=str(tmp_path / "review.pdf"), format="A4")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1  # one A4 page


def test_a_consultant_finds_a_case_by_part_of_a_name_typed_in_half_width_kana(
    chromium, web, session, tokyo
):
    from tests.service.test_search import named_case

    case = named_case(session, "トウキョウ精機株式会社")
    page = signed_in_page(chromium, web, "takahashi")
    page.fill("form.search input[name=q]", "ﾄｳｷｮｳ")
    page.click("form.search button")
    assert page.locator("#cases tbody tr").count() == 1
    assert "トウキョウ精機株式会社" in page.locator("#cases").inner_text()
    page.locator("#cases tbody tr a").click()
    assert page.url.endswith(f"/cases/{case.id}")

    page.fill("form.search input[name=q]", str(tokyo["preparing"]))  # a case number
    page.click("form.search button")
    assert page.url.endswith(f"/cases/{tokyo['preparing']}")


def test_a_worker_assigned_on_the_web_appears_in_the_consent_form(chromium, web, tokyo):
    page = signed_in_page(chromium, web, "takahashi")
    page.goto(f"{web.url}/cases/{tokyo['preparing']}")
    consent = page.locator(".step[data-event=record_consent]")
    assert "対象労働者がまだ登録されていません" in consent.inner_text()
    consent.locator("a[href='#workers']").click()

    form = page.locator("form#workers")
    form.locator("input[name=name]").fill("試験 次郎")
    form.locator("input[name=birth_date]").fill("1990-02-30")  # no such day
    form.locator("button").click()
    assert "日付ではありません" in page.locator("form#workers").inner_text()
    assert page.locator("form#workers input[name=name]").input_value() == "試験 次郎"
    page.locator("form#workers input[name=birth_date]").fill("1990-02-28")
    page.locator("form#workers button").click()
    message = page.locator(".message.ok").inner_text()
    assert message.startswith("対象労働者を登録しました: 労働者 ")
    assert "試験 次郎" not in page.inner_text("body")  # by number, not by name
    worker = message.rsplit(" ", 1)[1]
    options = page.locator(".step[data-event=record_consent] select[name=worker] option")
    assert options.all_inner_texts() == [f"労働者 {worker}"]


def test_nothing_is_done_twice(chromium, web, session, tokyo):
    """A double click on 「案件を開く」 opens one case; a step's form sent again after it was
    saved says it is recorded, not that someone else changed the case."""
    from sqlalchemy import func, select

    from models import Case

    page = signed_in_page(chromium, web, "takahashi")
    page.goto(f"{web.url}/cases/{tokyo['proposed']}")
    page.locator(".case-offers a").nth(1).click()  # the receiving offer's page
    opened_before = session.scalar(select(func.count()).select_from(Case))
    button = page.locator("table.counterparts form button").first
    button.dblclick()
    page.wait_for_url("**/cases/*")
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Case)) == opened_before + 1

    page.goto(f"{web.url}/cases/{tokyo['proposed']}")
    form = page.locator(".step[data-event=schedule_interview] form")
    form.locator("input[name=at]").fill("2024-06-10")
    values = {
        name: form.locator(f"input[name={name}]").input_value()
        for name in ("csrf_token", "version", "at")
    }
    form.locator("button").click()
    assert page.locator(".message.ok").inner_text().startswith("記録しました")
    again = page.request.post(f"{web.url}/cases/{tokyo['proposed']}/events/schedule_interview",
                              form=values)  # the same form, sent again
    assert again.status == 200 and "記録済みです" in again.text()
    assert "他の担当者が更新しました" not in again.text()


def test_a_step_already_recorded_is_offered_only_as_a_correction(chromium, web, tokyo):
    page = signed_in_page(chromium, web, "takahashi")
    page.goto(f"{web.url}/cases/{tokyo['preparing']}")
    union = page.locator(".step[data-event=record_union_agreement]")
    assert "記録済み" not in union.inner_text()
    union.locator("button").click()
    union = page.locator(".step[data-event=record_union_agreement]")
    assert "記録済み（訂正する場合のみ" in union.locator("h3").inner_text()
    assert union.locator("button").inner_text() == "訂正として記録"
    events = [s.get_attribute("data-event") for s in page.locator(".step").all()]
    assert events[-1] == "record_union_agreement"  # after the steps still to do


def test_offers_and_registrants_are_listed_paged_and_linked(chromium, web, session, tokyo):
    from tests.bank.test_bank import enrol

    registrant = enrol(session).id  # office 13's
    page = signed_in_page(chromium, web, "takahashi")
    page.click("header nav >> text=送出・受入情報")
    assert page.locator("table.offers tbody tr").count() == 2  # the two receiving offers
    page.click(".views >> text=送出情報")
    page.fill("form.filters input[name=q]", tokyo["companies"][0].removesuffix("株式会社"))
    page.click("form.filters button")
    rows = page.locator("table.offers tbody tr")
    assert rows.count() == 1 and tokyo["companies"][0] in rows.inner_text()
    assert "輸送用機械器具製造業" in rows.inner_text()  # JSIC 31 by its name
    rows.locator("a").click()
    assert page.locator("table.company").inner_text().count(tokyo["companies"][0]) == 1
    assert "愛知県" in page.locator("table.company").inner_text()

    page.click("header nav >> text=登録者")
    link = page.locator(f"table.registrants a[href='/registrants/{registrant}']")
    assert link.count() == 1
    link.click()
    assert page.locator("h1").inner_text().startswith("キャリア人材バンク 登録者")
