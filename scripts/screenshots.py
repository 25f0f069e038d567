"""The README's screenshots, retaken from the demo year: a copy of its database (upgraded), a
consultant of the Tokyo office who owns some of its open cases, `shukko web` on the demo's
last day, and Debian's Chromium taking the worklist (自分の担当) and one case's page.

Usage: .venv/bin/python scripts/screenshots.py [--sqlite var/shukko.db] [--out docs/images]
(the demo year first: `python3 dev.py demo`)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from web import AS_OF, OFFICE, PASSWORD, Server, backup, signed_in  # noqa: E402 (bench/web.py)

OWNED = 12  # open cases of the office the consultant owns


def prepare(url: str) -> int:
    """A consultant of the office owning a few of its open cases of each kind of work; the id
    of the case to show (one being prepared, with what blocks it)."""
    from datetime import date

    from sqlalchemy import select
    from sqlmodel import Session

    from models import Case
    from models.db import make_engine
    from shukko.service.accounts import add_user
    from shukko.service.owners import Subject, add_note, assign_owner

    engine = make_engine(url)
    with Session(engine) as session:
        add_user(session=session, name="takahashi", office=OFFICE, role="consultant",
                 password=PASSWORD)  # fmt: skip
        mine = Case.receiving_office_code == OFFICE
        shown = None
        for state in ("proposed", "interviewing", "preparing", "active"):
            ids = session.scalars(
                select(Case.id).where(mine, Case.state == state).order_by(Case.id.desc())
                .limit(OWNED // 4)
            ).all()  # fmt: skip
            for case_id in ids:
                assign_owner(session=session, subject=Subject("case", case_id), to="takahashi",
                             by=None, actor="suzuki", today=date.fromisoformat(AS_OF))  # fmt: skip
            if state == "preparing" and ids:
                shown = ids[0]
                add_note(session=session, subject=Subject("case", shown), actor="takahashi",
                         text="出向元の人事担当と労働組合への説明日程を調整中",
                         today=date.fromisoformat(AS_OF))  # fmt: skip
        session.commit()
    engine.dispose()
    return shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", default=str(ROOT / "var" / "shukko.db"))
    parser.add_argument("--out", default=str(ROOT / "docs" / "images"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    home = Path(tempfile.mkdtemp(prefix="shukko-screenshots-"))
    database = home / "shukko.db"
    backup(Path(args.sqlite), database)
    url = f"sqlite:///{database}"
    os.environ["SHUKKO_DATABASE_URL"] = url
    from models.db import make_engine
    from models.schema import upgrade

    upgrade(make_engine(url))
    case_id = prepare(url)
    out = Path(args.out)
    with Server(url, 1, home) as server, sync_playwright() as playwright:
        signed_in(server.url, "takahashi").close()  # the account works
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page(locale="ja-JP", viewport={"width": 1400, "height": 1000})
        page.goto(f"{server.url}/")
        page.fill("input[name=name]", "takahashi")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.screenshot(path=out / "worklist.png", full_page=True)
        page.goto(f"{server.url}/cases/{case_id}")
        page.screenshot(path=out / "case.png", full_page=True)
        browser.close()
    print(f"written {out / 'worklist.png'} and {out / 'case.png'} (case {case_id})")


if __name__ == "__main__":
    main()
