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
from shukko.cases.records import get_case
from shukko.cases.transitions import EventRequest, allowed_now, fire
from shukko.errors import ConcurrentChange, EventNotAllowed, InvalidInput

DAY = date(2024, 6, 3)
NOT_RANDOM = ("record_consent", "fix_terms", "withdraw", "return_to_origin", "convert_to_transfer")


def main() -> None:
    url, seed, seconds, out, *case_ids = sys.argv[1:]
    rng = random.Random(int(seed))
    cases = [int(c) for c in case_ids]
    engine = make_engine(url)
    deadline = time.monotonic() + float(seconds)
    told_ok, conflicts, refused = [], 0, 0
    while time.monotonic() < deadline:
        case_id = rng.choice(cases)
        # An operator reads the case (its state and version), then acts on what was read,
        # as `shukko case event --expect-version` does: others may have acted meanwhile.
        with Session(engine) as session:
            case = get_case(session=session, case_id=case_id)
            seen = case.version
            # Never a final step: a withdrawn case would leave the others nothing to race for.
            choices = [e for e in allowed_now(case) if e not in NOT_RANDOM]
        if not choices:
            continue
        event = rng.choice(choices)
        time.sleep(rng.random() * 0.003)
        with Session(engine) as session:
            try:
                entry = fire(
                    session=session,
                    request=EventRequest(
                        case_id=case_id,
                        event=event,
                        actor=f"op{seed}",
                        on=DAY,
                        note="並行テスト",
                        expected_version=seen,
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
