"""The worklist in a real headless Chromium: a consultant signs a case from the worklist, two
browsers on one case, another office's 404, a form without its CSRF token, the personal-data
view in the audit log, a locked account, headquarters reading only, a malformed date."""

from __future__ import annotations

import json
import logging
import re
from datetime import date

import pytest
from typer.testing import CliRunner

from shukko.cli import app as cli
from shukko.service.accounts import add_user
from tests.helpers import fix_terms, give_worker, make_case, send, to_preparing

PASSWORD = "correct horse battery"
CONFLICT = "他の担当者が更新しました。最新の内容を確認してください"
CLI_WORDS = re.compile(r"--[a-z]|shukko [a-z]+")  # an option or a command of the CLI
# A state, kind, event or employment code where its name belongs (issue 27).
CODE_WORDS = re.compile(
    r"\b(proposed|interviewing|preparing|contracted|active|returned|transferred|withdrawn|"
    r"hired|registered|counselled|introduced|closed|secondment|transfer|either|full_time|"
    r"part_time|via_company|teinen|keizoku|record_[a-z_]+|schedule_interview|sign_contract|"
    r"koyo-iji|skill-up)\b"
    r"|(?<![-\w])reminder-\d+(?![-\w.])"  # a notice's kind (its file's name may hold it)
)
pytestmark = pytest.mark.slow


@pytest.fixture
def users(session):
    for name, office, role in (
        ("sato", "23", "consultant"),  # Aichi: sends the helpers' cases
        ("suzuki", "13", "office_admin"),  # Tokyo: receives them
        ("kita", "01", "consultant"),  # Hokkaido: neither
        ("honbu", "13", "hq"),
    ):
        add_user(session=session, name=name, office=office, role=role, password=PASSWORD)
    session.commit()


@pytest.fixture
def preparing_case(session, users):
    """A secondment being prepared: a worker assigned who has not consented, the rules
    updated, the terms fixed; union agreement and consent still to record."""
    case = make_case(session)
    to_preparing(session, case)
    send(session, case, "record_rules_update", doc_ref="規則-1")
    fix_terms(session, case)
    give_worker(session, case, consent=False)
    return case.id


def signed_in_page(chromium, web, name: str, password: str = PASSWORD):
    context = chromium.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{web.url}/")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    return page


def step(page, event: str):
    return page.locator(f".step[data-event={event}]")


def test_a_consultant_records_consent_and_union_agreement_then_signs(
    chromium, web, session, preparing_case, screenshots
):
    page = signed_in_page(chromium, web, "sato")
    assert page.locator("h1").inner_text().startswith("業務一覧")
    assert page.locator(".views a.current").inner_text().startswith("自分の担当")
    page.click(".views a[data-view=unowned]")  # the case starts unowned, as proposals do
    assert page.locator(".count[data-group=blocked]").inner_text() == "1"
    row = page.locator("#blocked tbody tr").first
    assert "労働者の同意が揃っていません（同意 0名／1名、選定済み 1名）" in row.inner_text()
    page.screenshot(path=screenshots / "worklist.png", full_page=True)

    row.locator("a").click()
    assert page.url.endswith(f"/cases/{preparing_case}")
    assert page.locator(".state-label").inner_text() == "出向準備 (社内手続・職場見学)"
    sign = step(page, "sign_contract")
    assert "労働組合との合意が記録されていません。" in sign.locator(".blocked").inner_text()

    step(page, "record_consent").locator("button").click()
    assert "記録しました: 本人同意を記録" in page.locator(".message.ok").inner_text()
    consent = step(page, "record_union_agreement")
    consent.locator("input[name=doc]").fill("労使協定-2024-07")
    consent.locator("button").click()
    assert step(page, "sign_contract").locator(".blocked").count() == 0
    step(page, "sign_contract").locator("button").click()

    assert page.locator(".state-label").inner_text() == "出向契約締結"
    history = page.locator("table.history").inner_text()
    assert "労使協定-2024-07" in history and "出向契約を締結" in history
    page.screenshot(path=screenshots / "case.png", full_page=True)


def test_the_plans_filing_is_recorded_with_its_receipt_number_on_the_web(
    chromium, web, session, users
):
    case = make_case(session)
    to_preparing(session, case)
    fix_terms(session, case, purpose="skill_development", pre_secondment_monthly_wage_yen=300_000)
    page = signed_in_page(chromium, web, "sato")
    page.goto(f"{web.url}/cases/{case.id}")
    assert "未提出" in page.locator(".plan-filing").inner_text()
    filing = step(page, "record_plan_filed")
    filing.locator("button").click()  # without the receipt number: refused on its field
    assert "受付番号" in step(page, "record_plan_filed").inner_text()
    filing = step(page, "record_plan_filed")
    filing.locator("input[name=doc]").fill("愛労0603-7")
    filing.locator("button").click()
    assert "提出済み（受付番号 愛労0603-7）" in page.locator(".plan-filing").inner_text()
    assert "出向実施計画届の提出を記録" in page.locator("table.history").inner_text()


def test_the_second_of_two_browsers_on_one_case_gets_the_conflict_and_saves_nothing(
    chromium, web, session, preparing_case
):
    first = signed_in_page(chromium, web, "sato")
    second = signed_in_page(chromium, web, "suzuki")
    for page in (first, second):
        page.goto(f"{web.url}/cases/{preparing_case}")
    step(first, "record_union_agreement").locator("button").click()
    assert first.locator(".message.ok").count() == 1

    rows_before = second.locator("table.history tbody tr").count()
    step(second, "record_tour").locator("input[name=note]").fill("職場見学 7/1")
    step(second, "record_tour").locator("button").click()
    assert second.locator(".message.conflict").inner_text() == CONFLICT
    # The page now shows the newest version: the first one's step, not the second one's.
    history = second.locator("table.history").inner_text()
    assert "労働組合" in history and "職場見学を記録" not in history
    assert second.locator("table.history tbody tr").count() == rows_before + 1


def test_a_consultant_of_another_office_gets_404(chromium, web, preparing_case):
    page = signed_in_page(chromium, web, "kita")
    response = page.goto(f"{web.url}/cases/{preparing_case}")
    assert response.status == 404
    assert "ページが見つかりません" in page.inner_text("body")
    assert page.goto(f"{web.url}/cases/999999").status == 404


def test_a_post_without_the_csrf_token_is_refused(chromium, web, session, preparing_case):
    page = signed_in_page(chromium, web, "sato")
    page.goto(f"{web.url}/cases/{preparing_case}")
    version = page.locator("input[name=version]").first.get_attribute("value")
    # The browser's own cookie goes with it, as with a form posted from another site.
    answer = page.request.post(
        f"{web.url}/cases/{preparing_case}/events/record_union_agreement",
        form={"version": version},
    )
    assert answer.status == 403
    answer = page.request.post(
        f"{web.url}/cases/{preparing_case}/events/record_union_agreement",
        form={"version": version, "csrf_token": "forged"},
    )
    assert answer.status == 403
    page.reload()
    history = page.locator("table.history").inner_text()
    assert "労働組合（過半数代表者）との合意を記録" not in history


def test_viewing_personal_data_is_written_to_the_audit_log(
    chromium, web, session, preparing_case, shukko_env, caplog
):
    caplog.set_level(logging.INFO)
    page = signed_in_page(chromium, web, "suzuki")
    page.goto(f"{web.url}/cases/{preparing_case}")
    assert "試験 花子" not in page.inner_text("body")
    page.click("text=氏名・生年月日を表示")
    assert "試験 花子" in page.locator("table.workers").inner_text()
    # POST, redirect, GET: a reload neither fails nor records a second reading; the names
    # are shown once, on the page right after they were asked for.
    assert page.reload().status == 200
    assert "試験 花子" not in page.inner_text("body")
    page.go_back()
    assert "試験 花子" not in page.inner_text("body")

    listed = CliRunner().invoke(cli, ["audit", "personal-data", "--json"])
    assert listed.exit_code == 0, listed.output
    (view,) = json.loads(listed.output)
    assert (view["user"], view["office"], view["case_id"], view["address"]) == (
        "suzuki", "13", preparing_case, "127.0.0.1",
    )  # fmt: skip

    hq = signed_in_page(chromium, web, "honbu")
    hq.goto(f"{web.url}/cases/{preparing_case}")
    assert hq.locator("text=氏名・生年月日を表示").count() == 0
    # The server logged the view (access line and its own), never the name or birth date.
    assert f"/cases/{preparing_case}/personal-data" in caplog.text
    assert "personal data of case" in caplog.text
    assert "試験 花子" not in caplog.text and "1990-01-01" not in caplog.text


def test_five_failed_sign_ins_lock_the_account_until_an_office_admin_unlocks_it(
    chromium, web, session, users
):
    add_user(session=session, name="ito", office="23", role="office_admin", password=PASSWORD)
    session.commit()
    wrong = []
    for _ in range(5):
        page = signed_in_page(chromium, web, "sato", "wrong password")
        wrong.append(page.locator(".message.error").inner_text())
    assert "正しくありません" in wrong[0]
    # Locked, the right password gets exactly the words of a wrong one (no oracle).
    page = signed_in_page(chromium, web, "sato")
    assert page.locator(".message.error").inner_text() == wrong[0]
    assert page.url.startswith(f"{web.url}/login")
    # Tokyo's admin does not see Aichi's users; Aichi's admin lifts the lock.
    tokyo = signed_in_page(chromium, web, "suzuki")
    tokyo.click("nav >> text=利用者")
    assert tokyo.locator("tr[data-user=sato]").count() == 0
    admin = signed_in_page(chromium, web, "ito")
    admin.click("nav >> text=利用者")
    row = admin.locator("tr[data-user=sato]")
    assert "ロック中" in row.inner_text()
    row.locator("button").click()
    assert "sato のロックを解除しました" in admin.locator(".message.ok").inner_text()
    assert "利用可" in admin.locator("tr[data-user=sato]").inner_text()
    page = signed_in_page(chromium, web, "sato")
    assert page.locator("h1").first.inner_text().startswith("業務一覧")


def test_headquarters_reads_every_office_and_changes_nothing(chromium, web, preparing_case):
    page = signed_in_page(chromium, web, "honbu")
    page.goto(f"{web.url}/?office=23")
    assert page.locator(".count[data-group=blocked]").inner_text() == "1"
    page.goto(f"{web.url}/cases/{preparing_case}")
    assert page.locator(".step form").count() == 0
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    answer = page.request.post(
        f"{web.url}/cases/{preparing_case}/events/record_union_agreement",
        form={"version": "1", "csrf_token": token},
    )
    assert answer.status == 403


def test_a_malformed_date_names_the_field_and_keeps_the_form(
    chromium, web, session, preparing_case
):
    page = signed_in_page(chromium, web, "sato")
    page.goto(f"{web.url}/cases/{preparing_case}")
    form = step(page, "record_tour")
    form.locator("input[name=at]").fill("2024-02-30")
    form.locator("input[name=note]").fill("見学の感想")
    form.locator("button").click()
    form = step(page, "record_tour")
    assert "日付: 「2024-02-30」は日付ではありません" in form.locator(".field-error").inner_text()
    assert form.locator("input[name=note]").input_value() == "見学の感想"
    assert "職場見学を記録" not in page.locator("table.history").inner_text()
    assert page.goto(f"{web.url}/cases/abc").status == 404


def test_a_registrant_of_the_career_bank_is_counselled_from_the_worklist(
    chromium, web, session, users
):
    from tests.bank.test_bank import enrol

    registrant = enrol(session, office_code="23").id
    page = signed_in_page(chromium, web, "sato")
    page.click(".views a[data-view=all]")
    assert page.locator(".count[data-group=bank]").inner_text() == "1"
    page.locator("#bank tbody tr a").click()
    assert page.locator(".state-label").inner_text() == "登録"
    assert "見本 太郎" not in page.inner_text("body")  # the name is never on the page
    step(page, "counsel").locator("input[name=note]").fill("希望は事務・週20時間")
    step(page, "counsel").locator("button").click()
    assert "記録しました" in page.locator(".message.ok").inner_text()
    assert page.locator(".state-label").inner_text() == "面談済"
    assert "希望は事務・週20時間" in page.locator("table.history").inner_text()
    # An opening that does not exist (a tampered form): refused on its field, in Japanese.
    form = step(page, "record_consent")
    form.locator("select[name=opening]").evaluate(
        "s => { s.add(new Option('23:NOPE', '23:NOPE')); s.value = '23:NOPE'; }"
    )
    form.locator("button").click()
    refused = step(page, "record_consent").inner_text()
    assert "求人 23:NOPE は見つかりません。" in refused
    assert not CLI_WORDS.search(page.inner_text("body"))

    other = signed_in_page(chromium, web, "kita")
    assert other.goto(f"{web.url}/registrants/{registrant}").status == 404


def test_an_interview_an_offer_and_a_rejection_are_recorded_on_the_registrants_page(
    chromium, web, session, users
):
    from tests.bank.test_bank import enrol, opening
    from tests.bank.test_bank import step as bank_step

    registrant = enrol(session, office_code="23")
    for key in ("A", "B"):
        opening(session, key)
    bank_step(session, registrant, "counsel")
    bank_step(session, registrant, "record_consent")
    for key in ("A", "B"):
        bank_step(session, registrant, "introduce", opening=f"13:{key}")
    page = signed_in_page(chromium, web, "sato")
    page.goto(f"{web.url}/registrants/{registrant.id}")
    for key in ("13:A", "13:B"):
        form = step(page, "schedule_interview")
        form.locator("select[name=opening]").select_option(key)
        form.locator("input[name=at]").fill("2024-05-30")
        form.locator("button").click()
        assert "記録しました" in page.locator(".message.ok").inner_text()
    assert page.locator(".state-label").inner_text() == "採用面接"
    form = step(page, "record_outcome")
    form.locator("select[name=opening]").select_option("13:A")
    form.locator("select[name=outcome]").select_option("rejected")
    form.locator("button").click()
    offer = step(page, "offer")
    assert offer.locator("select[name=opening] option").all_inner_texts() == ["13:B"]
    offer.locator("input[name=start]").fill("2024-07-01")
    offer.locator("button").click()
    assert page.locator(".state-label").inner_text() == "内定"
    rows = page.locator("tr[data-outcome]").all_inner_texts()
    assert "不採用" in rows[0] and "内定" in rows[1] and "2024-07-01" in rows[1]
    history = page.locator("table.history").inner_text()
    assert "採用面接の日を記録" in history and "内定を記録" in history
    assert not CLI_WORDS.search(page.inner_text("body"))


def test_a_job_seeker_is_in_the_worklist_and_applies_to_a_receiving_offer(
    chromium, web, session, users
):
    from tests.bank.test_seekers import seeker, transfer_request
    from tests.bank.test_seekers import step as seeker_step

    request = transfer_request(session)
    person = seeker(session, request)
    seeker_step(session, person, "counsel")
    seeker_step(session, person, "record_consent")
    seeker_step(session, person, "introduce", opening="23:R-1")
    seeker_step(session, person, "schedule_interview", opening="23:R-1", on=date(2024, 6, 5))
    page = signed_in_page(chromium, web, "sato")
    page.click(".views a[data-view=all]")
    assert page.locator(".count[data-group=seekers]").inner_text() == "1"
    assert page.locator(".count[data-group=bank]").inner_text() == "0"
    row = page.locator("#seekers tbody tr").first
    assert "採用面接 令和6年6月5日: 内定・不採用を記録" in row.inner_text()
    row.locator("a").click()
    assert page.locator("h1").inner_text().startswith("移籍の求職者")
    assert "再就職支援の依頼（依頼元製作所・送出情報 23:S-T1）" in page.inner_text("body")
    assert "求職 一郎" not in page.inner_text("body")
    assert page.locator("tr[data-outcome]").first.inner_text().startswith("23:R-1\t受入商事1")
    offer = step(page, "offer")
    offer.locator("input[name=start]").fill("2024-07-01")
    offer.locator("button").click()  # the interview is on 6/5, after today (6/3): refused
    assert "採用面接がこの日までに記録されていません" in step(page, "offer").inner_text()
    assert not CLI_WORDS.search(page.inner_text("body"))


def test_a_hired_job_seekers_follow_up_is_recorded_on_the_page(chromium, web, session, users):
    from tests.bank.test_seekers import seeker, transfer_request
    from tests.bank.test_seekers import step as seeker_step

    person = seeker(session, transfer_request(session), leaving_on=date(2024, 4, 30))
    for event, options in (("counsel", {}), ("record_consent", {}),
                           ("introduce", {"opening": "23:R-1"}),
                           ("schedule_interview", {"opening": "23:R-1", "on": date(2024, 4, 20)}),
                           ("offer", {"opening": "23:R-1", "on": date(2024, 4, 22)}),
                           ("hire", {"opening": "23:R-1", "on": date(2024, 5, 1)})):  # fmt: skip
        seeker_step(session, person, event, **options)
    page = signed_in_page(chromium, web, "sato")
    page.click(".views a[data-view=all]")
    row = page.locator("#seekers tbody tr").first
    assert "定着確認（期限 令和6年6月1日）を記録" in row.inner_text()  # due 6/1, today 6/3
    assert "overdue" in row.get_attribute("class")
    row.locator("a").click()
    assert page.locator("table.follow-ups tr[data-status=scheduled]").count() == 2
    form = page.locator("form[data-event=follow_up]")
    form.locator("input[name=note]").fill("本人・受入先とも問題なし")
    form.locator("button").click()
    assert "記録しました: 定着確認" in page.locator(".message.ok").inner_text()
    assert "実施済み" in page.locator("table.follow-ups tr").nth(1).inner_text()
    assert "本人・受入先とも問題なし" in page.locator("table.history").inner_text()


def test_an_offer_page_shows_counterparts_and_opens_a_case_with_one(
    chromium, web, session, preparing_case
):
    make_case(session)  # another receiving offer, with a person left
    page = signed_in_page(chromium, web, "sato")
    page.goto(f"{web.url}/cases/{preparing_case}")
    page.click("a[href^='/offers/23:']")
    assert page.locator("h1").inner_text().startswith("出向元（送出） 23:")
    # The counterpart of the case we came from is listed apart, with its case.
    assert page.locator(f"table.in-cases a[href='/cases/{preparing_case}']").count() == 1
    row = page.locator("table.counterparts tbody tr").first
    assert row.locator("td").first.inner_text().startswith("13:R-")
    row.locator("button").click()
    assert page.locator(".state-label").inner_text() == "候補提示"
    opened = int(page.url.rsplit("/", 1)[1])
    assert opened != preparing_case
    assert "sato" in page.locator("table.history").inner_text()
    # Both of the offer's persons are now in cases: its page says so and lists both cases.
    page.go_back()
    page.reload()
    assert "人数はすべて案件になっています" in page.locator("p.empty").inner_text()
    assert page.locator("table.in-cases tbody tr").count() == 2


def test_the_flows_page_says_how_to_start_a_server_when_none_is_set(
    chromium, web, users, monkeypatch
):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    page = signed_in_page(chromium, web, "suzuki")
    page.click("nav >> text=フロー")
    assert "Prefect サーバーが設定されていません" in page.inner_text("main")
    assert "システム管理者" in page.inner_text("main")
    assert not CLI_WORDS.search(page.inner_text("body"))
    consultant = signed_in_page(chromium, web, "sato")
    assert consultant.locator("nav >> text=フロー").count() == 0
    assert consultant.goto(f"{web.url}/flows").status == 404


def test_a_crash_is_a_plain_page_and_its_message_stays_out_of_the_log(
    chromium, web, users, monkeypatch, caplog
):
    import shukko.service.worklist

    def broken(**_options):
        raise RuntimeError("試験 花子 1990-01-01")

    monkeypatch.setattr(shukko.service.worklist, "worklist", broken)
    caplog.set_level(logging.INFO)
    page = signed_in_page(chromium, web, "sato")
    assert "内部エラーが発生しました" in page.inner_text("main")
    assert "Traceback" not in page.content() and "試験 花子" not in page.content()
    assert "internal error on GET /" in caplog.text
    assert "試験 花子" not in caplog.text and "Traceback" not in caplog.text


def test_the_contract_terms_are_handed_in_as_a_file(chromium, web, session, users, tmp_path):
    import yaml

    from tests.helpers import terms_data

    case = make_case(session)
    to_preparing(session, case)
    bad = tmp_path / "契約.yaml"
    bad.write_text("start_date: 2024-07-01\nworkplace: 東京\n", encoding="utf-8")
    good = tmp_path / "契約条件.yaml"
    good.write_text(yaml.safe_dump(terms_data(), allow_unicode=True), encoding="utf-8")

    page = signed_in_page(chromium, web, "sato")
    page.goto(f"{web.url}/cases/{case.id}")
    step(page, "fix_terms").locator("input[name=terms]").set_input_files(str(bad))
    step(page, "fix_terms").locator("button").click()
    error = step(page, "fix_terms").locator(".field-error").inner_text()
    assert error.startswith("契約条件ファイル:") and "「duties」がありません。" in error
    step(page, "fix_terms").locator("input[name=terms]").set_input_files(str(good))
    step(page, "fix_terms").locator("input[name=doc]").fill("出向契約書-2024-07")
    step(page, "fix_terms").locator("button").click()
    assert "出向契約の内容を確定" in page.locator(".message.ok").inner_text()
    assert page.locator("[data-fact=terms_fixed]").inner_text() == "済"
    assert "2024-07-01 〜 2025-06-30" in page.inner_text("main")


def test_the_session_cookie_is_http_only_and_lax_and_logout_ends_it(chromium, web, users):
    page = signed_in_page(chromium, web, "sato")
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "shukko_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and not cookie["secure"]
    assert cookie["expires"] == -1  # a browser-session cookie: it ends with the browser
    page.click("text=ログアウト")
    assert page.url.startswith(f"{web.url}/login")
    # The old token opens nothing any more, even when a copy of it is sent again.
    page.context.add_cookies([{**cookie, "url": web.url} | {"domain": None, "path": None}])
    assert page.goto(f"{web.url}/").url.startswith(f"{web.url}/login")


def test_the_cookie_is_secure_when_served_over_tls(shukko_env, engine, users, monkeypatch):
    import re

    import httpx

    from config import get_settings
    from shukko.web.app import create_app
    from tests.web.conftest import WebServer

    monkeypatch.setenv("SHUKKO_WEB_SECURE_COOKIE", "true")
    get_settings.cache_clear()
    with WebServer(create_app(get_settings(), engine=engine)) as server, \
            httpx.Client(base_url=server.url) as client:  # fmt: skip
        login = client.get("/login")
        form_cookie = login.headers["set-cookie"]
        assert form_cookie.startswith("__Host-shukko_login=") and "secure" in form_cookie.lower()
        token = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)
        # A client over plain HTTP keeps Secure cookies to itself: send this one by hand.
        answer = client.post(
            "/login", data={"name": "sato", "password": PASSWORD, "csrf_token": token},
            headers={"cookie": form_cookie.split(";")[0]},
        )  # fmt: skip
        cookie = next(c for c in answer.headers.get_list("set-cookie") if "session" in c)
    assert answer.status_code == 303
    # A browser-session cookie only a page of this host and port over TLS can set.
    assert cookie.startswith("__Host-shukko_session=")
    assert all(word in cookie.lower() for word in ("secure", "httponly", "path=/"))
    assert "max-age" not in cookie.lower() and "expires" not in cookie.lower()


def test_no_page_shows_an_option_or_a_command_of_the_cli(
    chromium, web, session, preparing_case, monkeypatch
):
    """Every page an office admin reaches from the worklist, and the refusal of every step
    sent as it stands, in the Center's words: no CLI option, no CLI command."""
    from models import Notice
    from tests.bank.test_bank import enrol

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    registrant = enrol(session, office_code="13").id
    for kind in ("notice", "reminder-14"):  # a subsidy notice and a reminder, by their names
        session.add(Notice(key=f"n-{kind}", case_id=preparing_case, company_id=1,
                           side="sending", kind=kind, programme="koyo-iji",
                           start_date=date(2024, 7, 1), filing_deadline=date(2024, 6, 20),
                           written_on=date(2024, 6, 3),
                           path=f"case-000001/2024-06-03-{kind}-sending.md"))  # fmt: skip
    session.commit()
    page = signed_in_page(chromium, web, "suzuki")
    seen: set[str] = set()
    queue = ["/", f"/registrants/{registrant}", "/cases/999999", "/offers", "/registrants",
             "/search?q=株式会社"]
    while queue and len(seen) < 100:  # the worklist links its views, filters and sorts
        path = queue.pop(0).split("#")[0]
        if path in seen or path.startswith(("/static", "/logout")):
            continue
        seen.add(path)
        page.goto(web.url + path)
        body = page.inner_text("body")
        assert not CLI_WORDS.search(body), path
        assert not CODE_WORDS.search(body), (path, CODE_WORDS.search(body))
        queue += page.eval_on_selector_all(
            "a[href^='/']", "links => links.map(a => a.getAttribute('href'))"
        )
    assert {"/flows", f"/cases/{preparing_case}"} <= seen and any("/offers/" in p for p in seen)

    for where in (f"/cases/{preparing_case}", f"/registrants/{registrant}"):
        page.goto(web.url + where)
        events = [s.get_attribute("data-event") for s in page.locator(".step").all()]
        for event in events:
            page.goto(web.url + where)
            if step(page, event).count():
                step(page, event).locator("button").click()
                assert not CLI_WORDS.search(page.inner_text("body")), (where, event)
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    for target, form in (
        (f"/cases/{preparing_case}/events/start", {"version": "99"}),
        (f"/cases/{preparing_case}/events/fly", {"version": "1"}),
        ("/cases", {"sending": "23:NOPE", "receiving": "13", "headcount": "1"}),
    ):
        answer = page.request.post(web.url + target, form={**form, "csrf_token": token})
        assert answer.status in (404, 409, 422), target
        assert not CLI_WORDS.search(answer.text()), target


def test_a_posted_step_is_one_database_session_whether_it_is_saved_or_refused(
    chromium, web, session, preparing_case
):
    """One session per request: the account, the office check, the step and the page
    shown again after a refusal all read and write through it."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    page = signed_in_page(chromium, web, "sato")
    page.goto(f"{web.url}/cases/{preparing_case}")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    version = page.locator("input[name=version]").first.get_attribute("value")
    sessions: list[set[int]] = []

    def began(opened, _transaction, _connection):
        sessions[-1].add(id(opened))

    event.listen(Session, "after_begin", began)
    try:
        for event_name, expected in (("sign_contract", 422), ("record_union_agreement", 303)):
            sessions.append(set())
            answer = page.request.post(
                f"{web.url}/cases/{preparing_case}/events/{event_name}",
                form={"csrf_token": token, "version": version}, max_redirects=0,
            )  # fmt: skip
            assert answer.status == expected
    finally:
        event.remove(Session, "after_begin", began)
    assert [len(opened) for opened in sessions] == [1, 1]
