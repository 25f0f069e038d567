"""Screenshots of the web worklist for the README, taken of the demo year's database.

Run after `python3 dev.py demo`:  .venv/bin/python scripts/screenshots.py [--as-of 2022-03-31]

It adds a temporary consultant to the busiest office, serves the worklist on a free port,
opens it in Debian's Chromium (Playwright, executable_path=/usr/bin/chromium), saves
docs/images/worklist.png and docs/images/case.png (a case being prepared, blocked before
signing), and removes the temporary user again.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, select  # noqa: E402
from sqlmodel import Session  # noqa: E402

from config import get_settings  # noqa: E402
from models import Case, SendingOffer, UserAccount, WebSession  # noqa: E402
from shukko.service.accounts import add_user  # noqa: E402
from shukko.service.database import current_engine  # noqa: E402
from shukko.service.worklist import OPEN_STATES, WorklistQuery, worklist  # noqa: E402
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, WebServer  # noqa: E402

USER = "readme-screenshots"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--as-of", default="2022-03-31", help="the demo's last day")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args()
    as_of = date.fromisoformat(args.as_of)
    settings = get_settings()
    engine = current_engine(settings)
    password = secrets.token_urlsafe(16)
    with Session(engine) as session:
        offices = Counter(
            session.scalars(
                select(SendingOffer.office_code)
                .join(Case, Case.sending_offer_id == SendingOffer.id)
                .where(Case.state.in_(sorted(OPEN_STATES)))
            )
        )
        office = offices.most_common(1)[0][0]
        # A case the worklist shows as blocked before signing, with the most still missing.
        blocked = worklist(session=session, query=WorklistQuery(office=office, as_of=as_of))
        case_id = max(blocked.groups["blocked"], key=lambda item: item.detail.count("\n")).case_id
        add_user(session=session, name=USER, office=office, role="consultant", password=password)
        session.commit()
    from playwright.sync_api import sync_playwright

    from shukko.web.app import create_app

    args.out.mkdir(parents=True, exist_ok=True)
    try:
        with WebServer(create_app(settings, engine=engine, as_of=as_of)) as server, \
                sync_playwright() as playwright:  # fmt: skip
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(locale="ja-JP", viewport={"width": 1280, "height": 900})
            page.goto(f"{server.url}/login")
            page.fill("input[name=name]", USER)
            page.fill("input[name=password]", password)
            page.click("button[type=submit]")
            page.screenshot(path=args.out / "worklist.png", full_page=False)
            page.goto(f"{server.url}/cases/{case_id}")
            page.screenshot(path=args.out / "case.png", full_page=False)
            browser.close()
    finally:
        with Session(engine) as session:
            user_id = session.scalar(select(UserAccount.id).where(UserAccount.name == USER))
            session.execute(delete(WebSession).where(WebSession.user_id == user_id))
            session.execute(delete(UserAccount).where(UserAccount.id == user_id))
            session.commit()
    print(f"office {office}, case {case_id}: {args.out / 'worklist.png'}, {args.out / 'case.png'}")


if __name__ == "__main__":
    main()
