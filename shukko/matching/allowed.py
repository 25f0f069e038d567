"""The pairs a run may propose (提案してよい組): a feasible pair is left out when it had a case
before (withdrawn ones included), and a run limited to one office proposes only pairs in
which that office took at least one of the two offers.

The same test serves NumPy (`mask`, on index pairs) and the compiled scan (`for_scan`), so
that a pair left out never enters a pool or a bound: optimality then holds over exactly the
pairs the run may propose.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shukko.matching.candidates import OfferRecord


@dataclass(frozen=True)
class AllowedPairs:
    """Per sender and per receiver whether its offer was taken by the run's office (every
    offer when the run is not limited), and the excluded pairs sorted by (sender, receiver),
    as indices into the offer lists."""

    sender_here: np.ndarray
    receiver_here: np.ndarray
    excluded_s: np.ndarray
    excluded_r: np.ndarray

    @property
    def limited(self) -> bool:
        return bool(len(self.excluded_s)) or not (
            self.sender_here.all() and self.receiver_here.all()
        )

    def mask(self, si: np.ndarray, rj: np.ndarray) -> np.ndarray:
        """Which of the index pairs (si[k], rj[k]) the run may propose."""
        keep = self.sender_here[si] | self.receiver_here[rj]
        if len(self.excluded_s) and len(si):
            n_r = len(self.receiver_here)
            before = self.excluded_s * n_r + self.excluded_r  # sorted, as the pairs are
            keys = si.astype(np.int64) * n_r + rj
            where = np.minimum(np.searchsorted(before, keys), len(before) - 1)
            keep &= before[where] != keys
        return keep

    def for_scan(self, order: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(sender_here, receiver_here in scan order, per sender the start of its excluded
        receivers, those receivers' scan positions sorted within each sender)."""
        position = np.empty(len(order), dtype=np.int64)
        position[order] = np.arange(len(order))
        scanned = position[self.excluded_r]
        by_sender = np.lexsort((scanned, self.excluded_s))
        starts = np.zeros(len(self.sender_here) + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.excluded_s, minlength=len(self.sender_here)), out=starts[1:])
        return (
            self.sender_here.astype(np.bool_),
            np.ascontiguousarray(self.receiver_here[order], dtype=np.bool_),
            starts,
            np.ascontiguousarray(scanned[by_sender], dtype=np.int64),
        )


def every_pair(n_sending: int, n_receiving: int) -> AllowedPairs:
    """No pair left out."""
    none = np.zeros(0, dtype=np.int64)
    return AllowedPairs(np.ones(n_sending, bool), np.ones(n_receiving, bool), none, none)


def allowed_pairs(
    sending: list[OfferRecord],
    receiving: list[OfferRecord],
    *,
    excluded: set[tuple[int, int]] | None = None,
    office: str | None = None,
) -> AllowedPairs:
    """The pairs a run may propose: not a pair of offer ids in `excluded`, and with
    `office`, a pair in which that office took at least one offer."""
    s_index = {o.id: k for k, o in enumerate(sending)}
    r_index = {o.id: k for k, o in enumerate(receiving)}
    pairs = sorted(
        (s_index[s], r_index[r]) for s, r in excluded or () if s in s_index and r in r_index
    )
    pairs_array = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    if office:
        s_here = np.array([o.office == office for o in sending], dtype=bool)
        r_here = np.array([o.office == office for o in receiving], dtype=bool)
    else:
        s_here, r_here = np.ones(len(sending), bool), np.ones(len(receiving), bool)
    return AllowedPairs(s_here, r_here, pairs_array[:, 0].copy(), pairs_array[:, 1].copy())
