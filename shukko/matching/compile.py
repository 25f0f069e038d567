"""Compile the matching's Numba kernels ahead of the first run: `python -m
shukko.matching.compile`. Their machine code is cached beside the sources (`__pycache__`),
so a first matching run or night does not spend some ten seconds compiling; `dev.py` runs
this after setting up, and it returns at once when the cache is current."""

from __future__ import annotations

from datetime import date, timedelta

from shukko.matching.candidates import OfferRecord
from shukko.matching.propose import propose
from shukko.matching.rules import load_rules

_DAY = date(2024, 6, 1)


def _offer(offer_id: int, company_id: int, area: tuple[str, ...] = ()) -> OfferRecord:
    return OfferRecord(
        id=offer_id, company_id=company_id, kind="either", prefecture="13", industry="31",
        occupation="H", received_on=_DAY - timedelta(days=30), start_from=_DAY,
        start_until=_DAY + timedelta(days=90), remaining=2, wage=250_000, skills=("溶接",),
        area=area, office="13",
    )  # fmt: skip


def compile_kernels() -> None:
    """Both methods once on a tiny instance, an office's run too: every kernel, with the
    argument types real runs give it."""
    sending = [_offer(1, 1, ("13",)), _offer(2, 2, ("全国",))]
    receiving = [_offer(k, 10 + k) for k in range(1, 5)]
    rules = load_rules()
    for exact in (True, False):
        chosen = rules.model_copy(deep=True)
        chosen.optimum.exact = exact
        propose(sending, receiving, rules=chosen, as_of=_DAY, excluded={(1, 1)}, office="13")


if __name__ == "__main__":
    compile_kernels()
