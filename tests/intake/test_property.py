"""Hypothesis: for generated files mixing good and bad rows, rows read = imported + updated +
rejected, every good row is stored exactly once, and every bad row is kept with its number."""

from __future__ import annotations

from itertools import count

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from models import IntakeReject, SendingOffer
from shukko.intake.store import import_file
from tests.intake.files import sending_row, write_csv

BREAKERS = {
    "headcount": ["0", "-1", "two", "1.5"],
    "received_on": ["2024/2/30", "yesterday", ""],
    "office": ["東京県", "99", ""],
    "industry": ["00", "XX"],
    "occupation": ["Z", "社長"],
    "kind": ["派遣", ""],
    "corporate_number": ["1234567890123", "12ab"],
    "has_union": ["maybe"],
    "period_months_max": ["0", "999"],
}
GOOD_CHANGES = {
    "skills": ["溶接;旋盤", "CAD、CAM", ""],
    "has_union": ["有", "なし", "yes", ""],
    "received_on": ["2024/4/1", "2024-05-31", "２０２４/６/１"],
    "office": ["東京", "13", "大阪府", "１"],
    "kind": ["出向", "移籍", "いずれも"],
    "notes": ["備考, カンマ入り", '引用符 "あり"', "改行\nあり", ""],
}
files = count(1)

good_row = st.fixed_dictionaries(
    {}, optional={k: st.sampled_from(v) for k, v in GOOD_CHANGES.items()}
)
bad_row = st.sampled_from(sorted(BREAKERS)).flatmap(
    lambda column: st.tuples(st.just(column), st.sampled_from(BREAKERS[column]))
)
rows_strategy = st.lists(st.one_of(good_row, bad_row), min_size=1, max_size=25)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=rows_strategy,
    japanese=st.booleans(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp932"]),
    repeat=st.booleans(),
)
def test_counts_add_up_and_nothing_is_lost(session, tmp_path, rows, japanese, encoding, repeat):
    file_number = next(files)
    written, good_ids, bad_numbers = [], set(), set()
    for index, spec in enumerate(rows):
        offer_id = f"P{file_number}-{index}"
        if isinstance(spec, tuple):
            column, value = spec
            written.append(sending_row(offer_id=offer_id, **{column: value}))
            bad_numbers.add(index + 2)  # the header is row 1
        else:
            written.append(sending_row(offer_id=offer_id, **spec))
            good_ids.add(offer_id)
    if repeat and good_ids:  # the same offer twice: the later row updates it
        first_good = next(r for r in written if r["offer_id"] in good_ids)
        written.append({**first_good, "headcount": "7"})
    path = write_csv(
        tmp_path / f"p{file_number}.csv", written, japanese=japanese, encoding=encoding
    )
    report = import_file(session=session, path=path)
    session.commit()

    assert report.rows_read == len(written)
    assert report.rows_read == report.imported + report.updated + report.rejected
    stored = session.scalars(
        select(SendingOffer.offer_id).where(SendingOffer.offer_id.like(f"P{file_number}-%"))
    ).all()
    assert sorted(stored) == sorted(good_ids)  # each good row exactly once
    rejected_rows = set(
        session.scalars(
            select(IntakeReject.row_number).where(IntakeReject.file_id == report.file_id)
        )
    )
    assert rejected_rows == bad_numbers
    assert report.rejected == len(bad_numbers)
    assert session.scalar(
        select(func.count()).select_from(IntakeReject).where(IntakeReject.file_id == report.file_id)
    ) >= len(bad_numbers)
