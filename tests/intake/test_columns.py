"""Headers in English or Japanese, in any order; the kind told by the header set."""

from __future__ import annotations

import pytest

from shukko.intake.columns import (
    COMMON,
    RECEIVING_ONLY,
    REQUIRED,
    SENDING_ONLY,
    UnreadableFile,
    read_layout,
)

ALL = {**COMMON, **SENDING_ONLY, **RECEIVING_ONLY}


@pytest.mark.parametrize("field", sorted(ALL))
@pytest.mark.parametrize("language", ["english", "japanese"])
def test_every_column_is_known_in_both_languages(field, language):
    kind = "receiving" if field in RECEIVING_ONLY else "sending"
    header = [ALL[f] if language == "japanese" else f for f in REQUIRED[kind]]
    name = ALL[field] if language == "japanese" else field
    if name not in header:
        header.append(name)
    layout = read_layout(list(reversed(header)))
    assert layout.kind == kind
    assert field in layout.fields.values()


def test_full_width_brackets_and_case_do_not_matter():
    header = [*(COMMON[f] for f in REQUIRED["sending"]), "期間下限(月)", "Period_Months_Max"]
    fields = set(read_layout(header).fields.values())
    assert {"period_months_min", "period_months_max"} <= fields


def test_unknown_columns_are_kept_as_notes():
    layout = read_layout([*REQUIRED["sending"], "社内メモ"])
    assert list(layout.extra.values()) == ["社内メモ"]


def test_missing_required_columns_are_named():
    with pytest.raises(UnreadableFile, match=r"人数.*職種|headcount \(人数\), occupation"):
        read_layout([f for f in REQUIRED["sending"] if f not in ("headcount", "occupation")])
