"""One clock and calendar: the Center's day in Asia/Tokyo, its business days (Japanese public
holidays by jpholiday, the year-end and new-year closure), and dates in the era its letters
use (令和4年10月7日(金))."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import jpholiday

WEEKDAYS = "月火水木金土日"
ERAS = ((date(2019, 5, 1), "令和", 2018), (date(1989, 1, 8), "平成", 1988))


def utcnow() -> datetime:
    """Now, in UTC (timestamps of records and sessions)."""
    from models.common import utcnow as now

    return now()


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


def fiscal_year_of(day: date) -> int:
    """年度: April to March, named by the year it starts in."""
    return day.year if day.month >= 4 else day.year - 1


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (1/31 + 1 month = 2/28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@lru_cache(maxsize=8192)
def is_business_day(day: date) -> bool:
    """Not a Saturday, Sunday, Japanese public holiday or year-end/new-year closure."""
    closed = (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)
    return day.weekday() < 5 and not jpholiday.is_holiday(day) and not closed


def previous_business_day(day: date) -> date:
    while not is_business_day(day):
        day -= timedelta(days=1)
    return day


def era_year(day: date) -> str:
    """令和4年 (令和元年 for its first year)."""
    for since, name, offset in ERAS:
        if day >= since:
            year = day.year - offset
            return f"{name}{'元' if year == 1 else year}年"
    return f"{day.year}年"


def era_date(day: date, *, weekday: bool = True) -> str:
    """令和4年10月7日(金)."""
    text = f"{era_year(day)}{day.month}月{day.day}日"
    return f"{text}({WEEKDAYS[day.weekday()]})" if weekday else text


def month_label(month: str) -> str:
    """'2022-10' as 令和4年10月 (the era, as in the letter's text)."""
    return f"{era_year(date(int(month[:4]), int(month[5:7]), 1))}{int(month[5:7])}月"
