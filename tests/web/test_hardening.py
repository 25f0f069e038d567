"""What a probe of the worklist found, closed (issue 26): cases from offers of other offices,
login CSRF by a cookie set from another port, forged client addresses, words from the URL in
the success box, 500s from ids past 64 bits and deeply nested files, the 413 and 503 answers,
and the address throttle on sign-in. Each test failed on the code before the fix."""

from __future__ import annotations

import http.server
import json
import re
import threading
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from models import Case, PersonalDataAccess
from shukko.cases.offers import add_company, add_offer
from shukko.cli import app as cli
from shukko.service.accounts import add_user
from tests.helpers import TODAY, give_worker, make_case, to_preparing
from tests.web.conftest import free_port
from tests.web.test_browser import PASSWORD, signed_in_page

pytestmark = pytest.mark.slow


@pytest.fixture
def accounts(session):
    for name, office, role in (
        ("sato", "23", "consultant"),  # Aichi: sends the helpers' cases
        ("suzuki", "13", "office_admin"),  # Tokyo: receives them
        ("nakamura", "27", "consultant"),  # Osaka: neither
        ("mallory", "01", "consultant"),  # an insider who would sign a victim in as herself
    ):
        add_user(session=session, name=name, office=office, role=role, password=PASSWORD)
    session.commit()


@pytest.fixture
def osaka_offer(session) -> str:
    """An Osaka company's sending offer (office 27)."""
    company = add_company(session=session, name="大阪送出株式会社", industry_code="31",
                          prefecture_code="27", has_union=True)  # fmt: skip
    add_offer(session=session, side="sending", office_code="27", offer_id="S-OSAKA",
              company=company, received_on=TODAY - timedelta(days=30), headcount=2)  # fmt: skip
    session.commit()
    return "27:S-OSAKA"


def csrf_of(page) -> str:
    return page.locator("input[name=csrf_token]").first.get_attribute("value")


def cases_between(session, sending_key: str, receiving_key: str) -> int:
    from models import ReceivingOffer, SendingOffer

    session.expire_all()
    s_office, s_id = sending_key.split(":")
    r_office, r_id = receiving_key.split(":")
    return session.scalar(
        select(func.count())
        .select_from(Case)
        .join(SendingOffer, SendingOffer.id == Case.sending_offer_id)
        .join(ReceivingOffer, ReceivingOffer.id == Case.receiving_offer_id)
        .where(SendingOffer.office_code == s_office, SendingOffer.offer_id == s_id,
               ReceivingOffer.office_code == r_office, ReceivingOffer.offer_id == r_id)
    )  # fmt: skip


def test_offers_are_read_nationally_and_a_pair_is_opened_once_by_an_office_of_it(
    chromium, web, session, accounts, osaka_offer
):
    from models import ReceivingOffer, SendingOffer

    case = make_case(session)
    tokyo_key = f"13:{session.get(ReceivingOffer, case.receiving_offer_id).offer_id}"
    aichi_key = f"23:{session.get(SendingOffer, case.sending_offer_id).offer_id}"
    page = signed_in_page(chromium, web, "nakamura")
    # The same rule for viewing and pairing: Tokyo's offer is readable from Osaka, with its
    # company; the Aichi-Tokyo case on it is not Osaka's, so it is not linked.
    answer = page.goto(f"{web.url}/offers/{tokyo_key}?side=receiving")
    assert answer.status == 200 and "出向先（受入）" in page.locator("h1").inner_text()
    assert page.locator(f"a[href='/cases/{case.id}']").count() == 0
    assert "他事務所の案件" in page.locator("table.in-cases").inner_text()
    token = csrf_of(page)

    def open_pair(sending: str, receiving: str):
        return page.request.post(f"{web.url}/cases", form={
            "csrf_token": token, "sending": sending, "receiving": receiving,
            "kind": "secondment", "headcount": "1", "back": "/",
        })  # fmt: skip

    # Osaka acts on a pair with its own offer; not on Aichi's and Tokyo's.
    assert open_pair(aichi_key, tokyo_key).status == 403
    first = open_pair(osaka_offer, tokyo_key)
    assert first.status == 200 and "/cases/" in first.url
    again = open_pair(osaka_offer, tokyo_key)  # a second click: the case already open
    assert again.status == 200 and again.url == first.url
    assert "すでに案件" in again.text()
    assert cases_between(session, osaka_offer, tokyo_key) == 1
    # An unknown key is refused in the same words as any offer not found: existence of
    # offers is no secret in a national network, and no page tells more than that.
    unknown = open_pair(osaka_offer, "13:R-NOPE")
    assert unknown.status == 422 and "見つかりません" in unknown.text()


class AttackerPage(http.server.BaseHTTPRequestHandler):
    """A page on another port of the same host: it sets the sign-in cookies (cookies are
    per host, not per port) and posts the sign-in form with the attacker's name."""

    html = ""

    def do_GET(self):
        body = self.html.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        pass


def test_a_sign_in_cookie_tossed_from_another_port_signs_nobody_in(chromium, web, accounts):
    # The attacker fetches a real sign-in form of the server for herself...
    with httpx.Client(base_url=web.url) as attacker:
        login = attacker.get("/login")
        form_cookie = dict(attacker.cookies)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)
    cookies = "".join(
        f'document.cookie = "{name}={value}; path=/";'
        for name, value in {**form_cookie, "shukko_login_csrf": token}.items()
    )
    # ...and serves a page that tosses its cookie into the victim's browser and posts it.
    AttackerPage.html = f"""<!doctype html><script>{cookies}</script>
<form id="f" method="post" action="{web.url}/login">
<input name="csrf_token" value="{token}"><input name="name" value="mallory">
<input name="password" value="{PASSWORD}"><input name="next" value="/"></form>
<script>document.getElementById("f").submit()</script>"""
    port = free_port()
    server = http.server.HTTPServer(("127.0.0.1", port), AttackerPage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        victim = chromium.new_context(locale="ja-JP")
        page = victim.new_page()
        with page.expect_navigation(url=re.compile(re.escape(web.url))) as landed:
            page.goto(f"http://127.0.0.1:{port}/")
        assert landed.value.status == 403
        assert not [c for c in victim.cookies() if "session" in c["name"]]
        assert page.goto(f"{web.url}/").url.startswith(f"{web.url}/login")
    finally:
        server.shutdown()
    # The victim's own sign-in works as ever.
    heading = signed_in_page(chromium, web, "sato").locator("h1").first.inner_text()
    assert heading.startswith("業務一覧")


def test_the_address_is_the_connections_unless_a_listed_proxy_forwards_it(
    chromium, web, session, accounts, shukko_env, engine, monkeypatch
):
    from config import get_settings
    from shukko.web.app import create_app
    from tests.web.conftest import WebServer

    case = make_case(session)
    to_preparing(session, case)
    give_worker(session, case, consent=False)

    def view_personal_data(server) -> str:
        url = server.url
        page = signed_in_page(chromium, server, "suzuki")
        page.goto(f"{url}/cases/{case.id}")
        answer = page.request.post(
            f"{url}/cases/{case.id}/personal-data", form={"csrf_token": csrf_of(page)},
            headers={"X-Forwarded-For": "203.0.113.9"},
        )  # fmt: skip
        assert answer.status == 200
        session.expire_all()
        return session.scalars(select(PersonalDataAccess.address)).all()[-1]

    assert view_personal_data(web) == "127.0.0.1"  # anybody's header is not believed
    monkeypatch.setenv("SHUKKO_WEB_TRUSTED_PROXIES", "127.0.0.1")
    get_settings.cache_clear()
    with WebServer(create_app(get_settings(), engine=engine, as_of=TODAY)) as behind_proxy:
        assert view_personal_data(behind_proxy) == "203.0.113.9"


def test_the_success_box_shows_our_words_once_never_the_urls(chromium, web, session, accounts):
    case = make_case(session)
    page = signed_in_page(chromium, web, "sato")
    page.goto(f"{web.url}/cases/{case.id}?done=口座を確認してください&started=至急")
    assert page.locator(".message.ok").count() == 0
    assert "口座を確認" not in page.inner_text("body")
    form = page.locator(".step[data-event=schedule_interview] form")
    form.locator("input[name=at]").fill((TODAY + timedelta(days=3)).isoformat())
    form.locator("button[type=submit]").click()
    assert page.url == f"{web.url}/cases/{case.id}"
    assert page.locator(".message.ok").inner_text().startswith("記録しました: ")
    page.reload()
    assert page.locator(".message.ok").count() == 0


def test_ids_past_64_bits_and_nested_files_are_refused_by_field_not_crashed(
    chromium, web, session, accounts
):
    case = make_case(session)
    to_preparing(session, case)
    page = signed_in_page(chromium, web, "sato")
    for path in ("/cases/9223372036854775808", "/registrants/99999999999999999999999"):
        assert page.goto(f"{web.url}{path}").status == 404
    page.goto(f"{web.url}/cases/{case.id}")
    version = page.locator("input[name=version]").first.get_attribute("value")
    answer = page.request.post(
        f"{web.url}/cases/{case.id}/events/record_consent",
        form={"csrf_token": csrf_of(page), "version": version,
              "worker": "99999999999999999999"},
    )  # fmt: skip
    assert answer.status == 422
    assert "以下の数を入力してください" in answer.text()
    nested = ("[" * 100_000 + "]" * 100_000).encode()
    answer = page.request.post(
        f"{web.url}/cases/{case.id}/events/fix_terms",
        multipart={"csrf_token": csrf_of(page), "version": version,
                   "terms": {"name": "terms.json", "mimeType": "application/json",
                             "buffer": nested}},
    )  # fmt: skip
    assert answer.status == 422 and "JSON・YAML として読めません" in answer.text()


def test_the_413_has_the_security_headers_and_the_503_no_exception(
    chromium, web, accounts, monkeypatch
):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    too_big = httpx.post(f"{web.url}/login", content=b"x" * (1024 * 1024 + 1))
    assert too_big.status_code == 413
    assert too_big.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in too_big.headers["content-security-policy"]
    page = signed_in_page(chromium, web, "suzuki")
    page.goto(f"{web.url}/flows")
    answer = page.request.post(f"{web.url}/flows/nightly/run",
                               form={"csrf_token": csrf_of(page)})  # fmt: skip
    assert answer.status == 503
    words = answer.text()
    assert "システム管理者" in words
    assert "Error" not in words and "PREFECT_API_URL" not in words


def test_many_failed_sign_ins_from_one_address_are_answered_429(chromium, web, accounts):
    messages = []
    for attempt in range(11):
        page = signed_in_page(chromium, web, f"guess{attempt}", "wrong password")
        messages.append(page.locator(".message.error").inner_text())
    assert "正しくありません" in messages[0]
    assert "この端末からのログインの失敗が続いた" in messages[10]
    page = signed_in_page(chromium, web, "sato")  # the right password waits its minute too
    assert "この端末から" in page.locator(".message.error").inner_text()
    listed = CliRunner().invoke(cli, ["user", "list", "--json"])
    assert all(row["locked_until"] is None for row in json.loads(listed.output))


def test_many_consultants_at_once_on_one_page_thread_all_get_their_page(
    shukko_env, engine, session, accounts, monkeypatch
):
    """More requests than the pool has connections, one page thread: each gets its page
    (without the admission in shukko.web.guard they waited for the pool's timeout: 500s)."""
    from concurrent.futures import ThreadPoolExecutor

    from config import get_settings
    from shukko.web.app import create_app
    from tests.web.conftest import WebServer

    make_case(session)
    monkeypatch.setenv("SHUKKO_WEB_THREADS", "1")
    get_settings.cache_clear()

    def consultant(server) -> list[int]:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            form = client.get("/login").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
            client.post("/login", data={"name": "sato", "password": PASSWORD,
                                        "csrf_token": token})  # fmt: skip
            return [client.get("/").status_code for _ in range(3)]

    app = create_app(get_settings(), engine=engine, as_of=TODAY)
    with WebServer(app) as server, ThreadPoolExecutor(max_workers=40) as pool:
        answers = [code for codes in pool.map(consultant, [server] * 40) for code in codes]
    assert answers == [200] * 120
