"""One clock: the Center's business day in Asia/Tokyo."""

from __future__ import annotations

import calendar
from datetime import date, datetime
from zoneinfo import ZoneInfo


def today(timezone: str = "Asia/Tokyo") -> date:
    """Today's date where the Center works."""
    return datetime.now(ZoneInfo(timezone)).date()


def parse_date(text: str) -> date:
    """A date written 2024-04-01 or 2024/4/1 (full-width digits allowed)."""
    import unicodedata

    cleaned = unicodedata.normalize("NFKC", text).strip().replace("/", "-")
    try:
        year, month, day = (int(part) for part in cleaned.split("-"))
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{text!r} is not a date (use 2024-04-01 or 2024/4/1)") from None


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (1/31 + 1 month = 2/28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
