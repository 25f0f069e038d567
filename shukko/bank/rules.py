"""The settings the bank's logic needs, handed to it as arguments (never read globally)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BankRules:
    """Eligibility, expiry and suggestions of the career bank (DESIGN.md section 10), and a
    job seeker's follow-ups after the hire (section 13)."""

    min_age: int = 60  # at leaving
    self_max_age: int = 70  # at self-registration
    self_within_months: int = 12  # self-registration at most this long after leaving
    inactive_months: int = 12  # an idle registration is closed
    suggestions: int = 5  # openings suggested per registrant
    retention_months: tuple[int, ...] = (1, 6)  # a job seeker's 定着確認 after the hire


def bank_rules(settings) -> BankRules:
    """BankRules from the Settings object (config/settings.py)."""
    return BankRules(
        min_age=settings.bank_min_age,
        self_max_age=settings.bank_self_max_age,
        self_within_months=settings.bank_self_within_months,
        inactive_months=settings.bank_inactive_months,
        suggestions=settings.bank_suggestions,
        retention_months=tuple(settings.seeker_retention_months),
    )
