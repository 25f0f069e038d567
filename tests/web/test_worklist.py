"""The worklist groups an office's open cases by what they need next, pages past 100 rows,
and shows another office nothing of them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models import Notice
from shukko.service.worklist import PAGE_ROWS, PREVIEW_ROWS, WorklistQuery, worklist
from shukko.web.refusals import refusal_words
from tests.helpers import TODAY, contracted_case, make_case, send


def groups(session, office="23", **query):
    work = worklist(session=session, query=WorklistQuery(office=office, as_of=TODAY, **query))
    return work, {group: [(i.case_id, i.on, i.detail, i.overdue) for i in rows]
                  for group, rows in work.groups.items()}  # fmt: skip


def test_each_open_case_is_listed_by_what_it_needs_next(session):
    proposed = make_case(session)
    later = make_case(session)
    send(session, later, "schedule_interview", on=TODAY + timedelta(days=5))
    held = make_case(session)
    send(session, held, "schedule_interview", on=TODAY - timedelta(days=2))
    blocked = contracted_case(session, start="2024-07-01", end="2025-06-30",
                              skip="union_agreed")  # fmt: skip
    ready = contracted_case(session, start="2024-07-01", end="2025-06-30", skip="rules_updated")
    send(session, ready, "record_rules_update")
    filing = contracted_case(session, start="2024-06-14", end="2025-06-13")
    session.add(
        Notice(key=f"n-{filing.id}", case_id=filing.id, company_id=1, side="sending",
               kind="notice", start_date=date(2024, 6, 14), filing_deadline=date(2024, 6, 13),
               written_on=TODAY, path="x.md")
    )  # fmt: skip
    ending = contracted_case(session, start="2024-05-01", end="2024-06-20")
    send(session, ending, "start")
    closed = make_case(session)
    send(session, closed, "withdraw", note="受入先の都合")
    session.commit()

    work, found = groups(session)
    assert work.open_cases == 7  # the withdrawn case is not open
    assert found["review"] == [(proposed.id, TODAY, "企業間面談の日程を調整", False)]
    assert found["interviews"] == [
        (held.id, TODAY - timedelta(days=2), "面談済み: 進めるか辞退かを記録", True),
        (later.id, TODAY + timedelta(days=5), "企業間面談（予定日）", False),
    ]
    blocked_rows = {row[0]: row[2] for row in found["blocked"]}
    reasons = {item.case_id: item.reasons for item in work.groups["blocked"]}
    assert [reason.code for reason in reasons[blocked.id]] == ["guard.union_agreed"]
    assert refusal_words(reasons[blocked.id][0]) == "労働組合との合意が記録されていません。"
    assert reasons[ready.id] == []
    assert blocked_rows[ready.id] == "すべて揃っています: 契約を締結できます"
    assert found["filing"] == [
        (filing.id, date(2024, 6, 13), "出向実施計画届を提出（推奨提出日 令和6年6月13日）", False)
    ]
    assert found["ending"] == [
        (ending.id, date(2024, 6, 20), "出向終了日: 復帰・延長・移籍を判断", False)
    ]
    follow_ups = found["follow_ups"]
    assert [row[0] for row in follow_ups] == [ending.id]  # one line, naming each due
    assert all(overdue == (on < TODAY) for _, on, _, overdue in follow_ups)
    assert any("日超過" in detail for *_, detail, _ in follow_ups)
    assert work.counts == {group: len(rows) for group, rows in found.items()}
    # Tokyo receives every one of them; Hokkaido has none.
    assert groups(session, office="13")[0].counts == work.counts
    assert groups(session, office="01")[0].open_cases == 0


def test_a_group_past_a_hundred_rows_is_paged_and_sorted_either_way(session):
    ids = [make_case(session).id for _ in range(PAGE_ROWS + 5)]
    work, found = groups(session)
    assert work.counts["review"] == PAGE_ROWS + 5 and work.page_count["review"] == 2
    assert [row[0] for row in found["review"]] == ids[:PREVIEW_ROWS]  # the overview
    work, found = groups(session, group="review")
    assert [row[0] for row in found["review"]] == ids[:PAGE_ROWS]
    work, found = groups(session, group="review", page=2)
    assert [row[0] for row in found["review"]] == ids[PAGE_ROWS:]
    work, found = groups(session, group="review", page=9, newest_first=True)
    assert work.pages["review"] == 2 and [row[0] for row in found["review"]] == ids[4::-1]


def test_the_plans_deadline_leaves_the_worklist_once_its_filing_is_recorded(session):
    skill = {"purpose": "skill_development", "pre_secondment_monthly_wage_yen": 300_000}
    case = contracted_case(session, start="2024-06-20", end="2025-06-19", terms=skill)
    session.add(
        Notice(key=f"n-{case.id}", case_id=case.id, company_id=1, side="sending",
               kind="notice", start_date=date(2024, 6, 20), filing_deadline=date(2024, 6, 6),
               written_on=TODAY, path="x.md")
    )  # fmt: skip
    session.commit()
    assert [row[0] for row in groups(session)[1]["filing"]] == [case.id]
    send(session, case, "record_plan_filed", doc_ref="愛労0603-1")
    assert groups(session)[1]["filing"] == []


def test_views_and_filters_choose_the_cases_and_every_tab_is_counted(session):
    from shukko.service.accounts import add_user
    from shukko.service.owners import Subject, assign_owner

    for name in ("sato", "ito"):
        add_user(session=session, name=name, office="23", role="consultant",
                 password="correct horse battery")  # fmt: skip
    cases = [make_case(session) for _ in range(3)]
    transfer = make_case(session, kind="transfer")
    for case, owner in ((cases[0], "sato"), (cases[1], "ito"), (transfer, "sato")):
        assign_owner(session=session, subject=Subject("case", case.id), to=owner, by=None,
                     actor="admin", today=TODAY)  # fmt: skip
    session.commit()
    sato, ito = 1, 2  # user ids, in the order added

    def review(**query) -> list[int]:
        return [i.case_id for i in groups(session, user_id=sato, **query)[0].groups["review"]]

    assert groups(session, view="mine", user_id=sato)[0].views == {
        "mine": 2, "all": 4, "unowned": 1,
    }  # fmt: skip
    assert review(view="mine") == [cases[0].id, transfer.id]
    assert review(view="unowned") == [cases[2].id]
    assert review(view="all", owner_id=ito) == [cases[1].id]
    assert review(view="mine", kind="transfer") == [transfer.id]
    assert review(view="all", state="preparing") == []
    assert review(view="all", other_office="13") == [c.id for c in (*cases, transfer)]
    assert review(view="all", other_office="27") == []
    assert review(view="all", overdue_only=True) == []
    item = groups(session, view="mine", user_id=sato)[0].groups["review"][0]
    assert item.owner == "sato"
    assert item.sending_company.startswith("送出") and item.receiving_company.startswith("受入")


def test_a_persons_follow_ups_are_read_by_the_persons_index(session):
    """The worklist asks each registrant's 定着確認 due; SQLite (which plans without statistics)
    once chose the national (status, due_on) index for it and read every scheduled follow-up
    of the country per registrant: 31 ms a page for Tokyo's 47 registrants."""
    from shukko.service.worklist_statements import OPEN_REGISTRANTS

    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's plan: PostgreSQL plans from its statistics")
    compiled = OPEN_REGISTRANTS.compile(session.get_bind())
    values = compiled.construct_params({"office": "13", "soon": TODAY})
    arguments = tuple(
        values[name].isoformat() if hasattr(values[name], "isoformat") else values[name]
        for name in compiled.positiontup
    )
    plan = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", arguments)
    follow_up_reads = [row[3] for row in plan if "follow_up" in row[3]]
    assert follow_up_reads and all("ix_follow_up_registrant_id" in r for r in follow_up_reads)
