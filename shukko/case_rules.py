"""The settings a case's domain logic needs, handed to it as arguments (never read globally)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FollowUpPlan:
    """フォローアップ: first visit N months after the start, then every M months, and the
    return/extension/transfer decision K months before the end."""

    first_months: int = 1
    every_months: int = 3
    decision_months: int = 1


@dataclass(frozen=True)
class CaseRules:
    """What the transition service needs from the settings."""

    max_period_months: int = 36
    follow_up: FollowUpPlan = field(default_factory=FollowUpPlan)


def case_rules(settings) -> CaseRules:
    """CaseRules from the Settings object (config/settings.py)."""
    return CaseRules(
        max_period_months=settings.max_period_months,
        follow_up=FollowUpPlan(
            first_months=settings.follow_up_first_months,
            every_months=settings.follow_up_every_months,
            decision_months=settings.end_decision_months,
        ),
    )
