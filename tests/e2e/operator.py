"""One simulated operator process for the concurrency test: fires random events at a few
shared cases for a while and writes down every event it was told succeeded.

Usage: python -m tests.e2e.operator URL SEED SECONDS OUT CASE_ID...
"""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import date

from sqlmodel import Session

from models.db import make_engine
from shukko.cases import EventRequest, allowed_now, fire, get_case
from shukko.errors import ConcurrentChange, EventNotAllowed, InvalidInput

DAY = date(2024, 6, 3)
NOTES = {"withdraw": "テスト: 辞退", "return_to_origin": "テスト: 早期復帰"}


def main() -> None:
    url, seed, seconds, out, *case_ids = sys.argv[1:]
    rng = random.Random(int(seed))
    cases = [int(c) for c in case_ids]
    engine = make_engine(url)
    deadline = time.monotonic() + float(seconds)
    told_ok, conflicts, refused = [], 0, 0
    while time.monotonic() < deadline:
        case_id = rng.choice(cases)
        with Session(engine) as session:
            try:
                choices = [
                    e
                    for e in allowed_now(get_case(session=session, case_id=case_id))
                    if e not in ("record_consent", "fix_terms")
                ]
                if not choices:
                    continue
                event = rng.choice(choices)
                if event == "withdraw" and rng.random() < 0.9:
                    event = choices[0]  # keep most cases alive for longer
                entry = fire(
                    session=session,
                    request=EventRequest(
                        case_id=case_id,
                        event=event,
                        actor=f"op{seed}",
                        on=DAY,
                        note=NOTES.get(event, "並行テスト"),
                    ),
                    today=DAY,
                )
                seq = entry.seq
                session.commit()
                told_ok.append([case_id, seq, event])
            except ConcurrentChange:
                session.rollback()
                conflicts += 1
            except (EventNotAllowed, InvalidInput):
                session.rollback()
                refused += 1
    with open(out, "w", encoding="utf-8") as handle:
        json.dump({"ok": told_ok, "conflicts": conflicts, "refused": refused}, handle)


if __name__ == "__main__":
    main()
