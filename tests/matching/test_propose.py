"""Matching on plain records: hard constraints, headcounts, determinism and optimality."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.reference import block_of
from shukko.matching.candidates import OfferRecord, generate
from shukko.matching.propose import propose
from shukko.matching.rules import MatchingRules

AS_OF = date(2024, 6, 1)
RULES = MatchingRules()
PREFS = ["13", "14", "23", "27", "40"]


def offer(
    id,
    *,
    company=None,
    kind="either",
    pref="13",
    industry="31",
    occupation="H",
    start=0,
    window=180,
    remaining=1,
    pmin=1,
    pmax=24,
    wage=300_000,
    skills=(),
    quals=(),
    area=(),
):
    return OfferRecord(
        id=id,
        company_id=company if company is not None else 1000 + id,
        kind=kind,
        prefecture=pref,
        industry=industry,
        occupation=occupation,
        received_on=AS_OF - timedelta(days=30),
        start_from=AS_OF + timedelta(days=start),
        start_until=AS_OF + timedelta(days=start + window),
        remaining=remaining,
        period_min=pmin,
        period_max=pmax,
        wage=wage,
        skills=skills,
        qualifications=quals,
        area=area,
    )


def test_each_hard_constraint_excludes_a_pair():
    sender = offer(1, kind="secondment", pref="13", quals=("フォークリフト",), pmin=6, pmax=12)
    cases = {
        "compatible": offer(2, pref="14"),
        "kind": offer(3, kind="transfer", pref="14"),
        "area": offer(4, pref="27"),  # Osaka is outside 関東, the sender's own block
        "period": offer(5, pref="14", pmin=18, pmax=24),
        "start": offer(6, pref="14", start=400),
        "qualification": offer(7, pref="14", quals=("玉掛け",)),
        "same company": offer(8, pref="14", company=1001),
    }
    edges = generate([sender], list(cases.values()), rules=RULES, as_of=AS_OF)
    assert [list(cases)[j] for j in edges.receiving.tolist()] == ["compatible"]


def test_the_acceptable_area_takes_prefectures_blocks_and_nationwide():
    receivers = [offer(10 + n, pref=p) for n, p in enumerate(PREFS)]
    for area, reachable in [(("全国",), PREFS), (("近畿",), ["27"]), (("40", "13"), ["13", "40"])]:
        edges = generate([offer(1, area=area)], receivers, rules=RULES, as_of=AS_OF)
        assert sorted(receivers[j].prefecture for j in edges.receiving.tolist()) == reachable


def test_a_proposal_explains_its_score():
    sender = offer(1, skills=("溶接", "旋盤"), wage=300_000)
    better = offer(2, skills=("溶接", "旋盤"), wage=320_000)
    worse = offer(3, pref="14", occupation="C", wage=240_000, industry="76")
    proposals, figures = propose([sender], [better, worse], rules=RULES, as_of=AS_OF)
    assert [(p.sending_id, p.receiving_id, p.persons) for p in proposals] == [(1, 2, 1)]
    breakdown = proposals[0].breakdown
    assert breakdown["occupation"] == 3.0 and breakdown["skills"] == 2.0
    assert breakdown["wage"] == 2.0 and breakdown["distance"] == 2.0
    assert abs(sum(breakdown.values()) - proposals[0].score) < 0.01
    assert figures["feasible_pairs"] == 2 and figures["persons"] == 1


def test_withdrawn_or_existing_pairs_are_not_proposed_again():
    sender, receiver = offer(1), offer(2)
    proposals, _ = propose([sender], [receiver], rules=RULES, as_of=AS_OF, excluded={(1, 2)})
    assert proposals == []


offers_strategy = st.lists(
    st.builds(
        lambda kind, pref, occupation, start, remaining, company, quals, area: (
            kind,
            pref,
            occupation,
            start,
            remaining,
            company,
            quals,
            area,
        ),
        st.sampled_from(["secondment", "transfer", "either"]),
        st.sampled_from(PREFS),
        st.sampled_from("CHK"),
        st.integers(0, 200),
        st.integers(0, 3),
        st.integers(0, 5),
        st.sampled_from([(), ("フォークリフト",)]),
        st.sampled_from([(), ("全国",), ("近畿",), ("13",)]),
    ),
    min_size=1,
    max_size=7,
)


def _records(raw, first_id, side):
    return [
        offer(
            first_id + n,
            kind=k,
            pref=p,
            occupation=o,
            start=s,
            remaining=rem,
            company=c,
            quals=q,
            area=a if side == "sending" else (),
        )
        for n, (k, p, o, s, rem, c, q, a) in enumerate(raw)
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sending_raw=offers_strategy, receiving_raw=offers_strategy)
def test_proposals_respect_constraints_and_headcounts_and_are_deterministic(
    sending_raw, receiving_raw
):
    sending, receiving = _records(sending_raw, 1, "sending"), _records(receiving_raw, 100, "r")
    proposals, _ = propose(sending, receiving, rules=RULES, as_of=AS_OF)
    by_id = {o.id: o for o in (*sending, *receiving)}
    for p in proposals:
        s, r = by_id[p.sending_id], by_id[p.receiving_id]
        assert s.company_id != r.company_id
        assert "transfer" not in {s.kind, r.kind} or "secondment" not in {s.kind, r.kind}
        area = s.area or (block_of(s.prefecture),)
        assert "全国" in area or r.prefecture in area or block_of(r.prefecture) in area
        assert s.start_from <= r.start_until and r.start_from <= s.start_until
        assert set(r.qualifications) <= set(s.qualifications)
    for side in ("sending_id", "receiving_id"):
        used: dict[int, int] = {}
        for p in proposals:
            used[getattr(p, side)] = used.get(getattr(p, side), 0) + p.persons
        assert all(used[i] <= by_id[i].remaining for i in used)
    again, _ = propose(sending, receiving, rules=RULES, as_of=AS_OF)
    assert again == proposals


def _brute_force_best(sending, receiving, rules):
    """Try every way of placing persons one at a time: exact for tiny instances."""
    edges = generate(sending, receiving, rules=rules, as_of=AS_OF)
    pairs = list(
        zip(edges.sending.tolist(), edges.receiving.tolist(), edges.total.tolist(), strict=True)
    )
    best = 0.0
    caps_s = [o.remaining for o in sending]
    caps_r = [o.remaining for o in receiving]
    for counts in itertools.product(*(range(min(caps_s[i], caps_r[j]) + 1) for i, j, _ in pairs)):
        used_s, used_r = [0] * len(sending), [0] * len(receiving)
        for (i, j, _), n in zip(pairs, counts, strict=True):
            used_s[i] += n
            used_r[j] += n
        if all(u <= c for u, c in zip(used_s, caps_s, strict=True)) and all(
            u <= c for u, c in zip(used_r, caps_r, strict=True)
        ):
            best = max(best, sum(n * s for (_, _, s), n in zip(pairs, counts, strict=True)))
    return best


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_the_assignment_is_optimal_on_small_instances(seed):
    rng = np.random.default_rng(seed)
    sending = [
        offer(
            1 + n,
            pref=str(rng.choice(["13", "14"])),
            occupation=str(rng.choice(list("CH"))),
            remaining=int(rng.integers(1, 3)),
            wage=int(rng.integers(20, 40)) * 10_000,
        )
        for n in range(3)
    ]
    receiving = [
        offer(
            100 + n,
            pref=str(rng.choice(["13", "14"])),
            occupation=str(rng.choice(list("CH"))),
            remaining=int(rng.integers(1, 3)),
            wage=int(rng.integers(20, 40)) * 10_000,
        )
        for n in range(3)
    ]
    _proposals, figures = propose(sending, receiving, rules=RULES, as_of=AS_OF)
    assert abs(figures["total_score"] - _brute_force_best(sending, receiving, RULES)) < 0.01


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sending_raw=offers_strategy, receiving_raw=offers_strategy, keep=st.integers(1, 3))
def test_occupation_buckets_keep_the_constraints_and_meet_each_pair_once(
    sending_raw, receiving_raw, keep
):
    """Large prefectures are met occupation by occupation; force that path on small data."""
    from shukko.matching import candidates

    sending, receiving = _records(sending_raw, 1, "sending"), _records(receiving_raw, 100, "r")
    rules = RULES.model_copy(deep=True)
    rules.pruning.per_sending_offer = rules.pruning.per_receiving_offer = keep
    saved = candidates.BUCKET_ABOVE
    candidates.BUCKET_ABOVE = 0
    try:
        edges = generate(sending, receiving, rules=rules, as_of=AS_OF)
    finally:
        candidates.BUCKET_ABOVE = saved
    pairs = list(zip(edges.sending.tolist(), edges.receiving.tolist(), strict=True))
    assert len(pairs) == len(set(pairs))
    full = generate(
        sending,
        receiving,
        rules=RULES.model_copy(
            update={
                "pruning": RULES.pruning.model_copy(
                    update={"per_sending_offer": 10**6, "per_receiving_offer": 10**6}
                )
            }
        ),
        as_of=AS_OF,
    )
    assert set(pairs) <= set(zip(full.sending.tolist(), full.receiving.tolist(), strict=True))
    # No offer with a feasible counterpart loses every candidate.
    assert {i for i, _ in pairs} == set(full.sending.tolist())
    assert {j for _, j in pairs} == set(full.receiving.tolist())
