"""A pair's constraints and score are defined once (shukko.matching.pair) and read the same
everywhere: the block masks and float totals of the candidate generation, the exact scores
of edges and the compiled scan's pools agree pair by pair with the rules written out here
in plain Python, on offers with many distinct wages, skills, industries, dates and areas."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.reference import block_of, industry_division
from shukko.matching.candidates import OfferRecord, PairSpace
from shukko.matching.rules import MatchingRules
from shukko.matching.scan import pack, scan

AS_OF = date(2024, 6, 3)
RULES = MatchingRules()
KINDS = {"secondment": {"secondment"}, "transfer": {"transfer"}}
KINDS["either"] = KINDS["secondment"] | KINDS["transfer"]


def plain_feasible(s: OfferRecord, r: OfferRecord) -> bool:
    """The hard constraints as docs/architecture.md states them (the area apart)."""
    return (
        bool(KINDS[s.kind] & KINDS[r.kind])
        and s.period_min <= r.period_max
        and r.period_min <= s.period_max
        and s.start_from <= r.start_until
        and r.start_from <= s.start_until
        and s.company_id != r.company_id
        and set(r.qualifications) <= set(s.qualifications)
    )


def plain_score(s: OfferRecord, r: OfferRecord) -> float:
    """The score as the rules' weights and constants say, component by component."""
    w, k = RULES.weights, RULES.scoring
    union = set(s.skills) | set(r.skills)
    skills = len(set(s.skills) & set(r.skills)) / len(union) if union else 0.0
    if s.wage is None or r.wage is None:
        wage = k.wage_missing
    else:
        wage = 1.0 - min(max((s.wage - r.wage) / s.wage, 0.0), 1.0)
    same_division = industry_division(s.industry) == industry_division(r.industry)
    industry = k.industry_same_division if same_division else k.industry_other_division
    if s.prefecture == r.prefecture:
        distance = k.distance_same_prefecture
    elif block_of(s.prefecture) == block_of(r.prefecture):
        distance = k.distance_same_block
    else:
        distance = k.distance_elsewhere
    waited = (AS_OF - s.received_on).days + (AS_OF - r.received_on).days
    waiting = min(max(waited / (2 * k.waiting_full_days), 0.0), 1.0)
    occupation = 1.0 if s.occupation == r.occupation else 0.0
    return (
        w.occupation * occupation + w.skills * skills + w.wage * wage + w.industry * industry
        + w.distance * distance + w.waiting * waiting
    )  # fmt: skip


offer_values = st.tuples(
    st.sampled_from(["secondment", "transfer", "either"]),
    st.sampled_from(["13", "14", "11", "27", "01"]),
    st.sampled_from(list("CEHK")),
    st.sampled_from(["09", "31", "44", "76", "83"]),  # industries of four divisions
    st.one_of(st.none(), st.integers(180_000, 450_000)),
    st.lists(st.sampled_from(["溶接", "フォークリフト", "CAD", "経理", "介護"]), max_size=3),
    st.lists(st.sampled_from(["普通自動車", "玉掛け"]), max_size=1),
    st.integers(0, 200),  # days waited
    st.integers(-60, 120),  # start from, days after today
    st.integers(1, 6),  # company
)


def records(raw: list, first_id: int) -> list[OfferRecord]:
    """Offers from drawn values; senders accept work anywhere (全国), so that the scan meets
    every receiver."""
    made = []
    for n, values in enumerate(raw):
        kind, pref, occupation, industry, wage, skills, quals, waited, start, company = values
        made.append(
            OfferRecord(
                id=first_id + n,
                company_id=company,
                kind=kind,
                prefecture=pref,
                industry=industry,
                occupation=occupation,
                received_on=AS_OF - timedelta(days=waited),
                start_from=AS_OF + timedelta(days=start),
                start_until=AS_OF + timedelta(days=start + 90),
                remaining=1,
                wage=wage,
                skills=skills,
                qualifications=quals,
                area=("全国",) if first_id == 1 else (),
            )
        )
    return made


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sending_raw=st.lists(offer_values, min_size=1, max_size=8),
    receiving_raw=st.lists(offer_values, min_size=1, max_size=12),
)
def test_every_use_of_a_pair_agrees_with_the_rules_written_out(sending_raw, receiving_raw):
    sending, receiving = records(sending_raw, 1), records(receiving_raw, 100)
    space = PairSpace(sending, receiving, rules=RULES, as_of=AS_OF)
    si, rj = np.arange(len(sending)), np.arange(len(receiving))
    mask, totals = space.feasible(si, rj), space.totals(si, rj)
    every_s, every_r = np.repeat(si, len(rj)), np.tile(rj, len(si))
    edges = space.edges(every_s, every_r)
    for n, (i, j) in enumerate(zip(every_s.tolist(), every_r.tolist(), strict=True)):
        expected = plain_score(sending[i], receiving[j])
        assert mask[i, j] == plain_feasible(sending[i], receiving[j])
        assert abs(edges.total[n] - expected) < 1e-9
        assert abs(float(totals[i, j]) - expected) < 1e-5  # float32, for ranking only

    # The scan pools a sender's pairs by the same score: with zero duals, a pool as large as
    # the receivers holds every feasible pair, at its score in thousandths.
    cap_s, cap_r = np.ones(len(sending), np.int64), np.ones(len(receiving), np.int64)
    found = scan(space, pack(space), si, np.zeros(len(si)), np.zeros(len(rj)), cap_s, cap_r,
                 pool_size=len(receiving), margin=1e9)  # fmt: skip
    pairs = zip(found.si.tolist(), found.rj.tolist(), found.gain.tolist(), strict=True)
    pooled = {(i, j): gain for i, j, gain in pairs}
    feasible_pairs = {(i, j) for i in si.tolist() for j in rj.tolist() if mask[i, j]}
    assert set(pooled) == feasible_pairs
    for (i, j), gain in pooled.items():
        assert abs(gain - 1000 * plain_score(sending[i], receiving[j])) < 1e-6
