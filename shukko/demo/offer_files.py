"""Offices' intake files for the demo year, generated to the brochure's monthly figures.

For every month the persons offered in secondment offers (受入情報, 送出情報) add up exactly
to the brochure's monthly row; transfer (移籍) offers — receivers' job offers and senders'
requests for re-employment support (再就職支援の依頼) — bring the year's persons of every kind
to the brochure's annual row (transfer_targets). Offers are spread over the month's business
days, written per day as files with Japanese headers (a share in Shift_JIS/CP932, some XLSX),
with a few bad rows as real files have (they are rejected and do not count).
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from stdnum.jp import cn

from models.reference import BROCHURE_MONTHS, BROCHURE_YEARS, PREFECTURES
from shukko.clock import is_business_day
from shukko.intake.columns import COMMON, RECEIVING_ONLY, SENDING_ONLY
from shukko.reporting.report import FISCAL_MONTHS

JAPANESE = {**COMMON, **SENDING_ONLY, **RECEIVING_ONLY}
# Employment-weighted offices; the brochure's industry mix (senders: manufacturing and
# transport; receivers: manufacturing, services, retail).
BIG_PREFECTURES = {
    "13": 8,
    "27": 5,
    "14": 5,
    "23": 6,
    "11": 4,
    "12": 3,
    "28": 3,
    "40": 3,
    "01": 3,
    "22": 3,
}
PREFECTURE_WEIGHTS = [BIG_PREFECTURES.get(p.code, 1) for p in PREFECTURES]
SENDER_INDUSTRIES = {
    "31": 20,
    "24": 8,
    "29": 8,
    "09": 8,
    "44": 14,
    "43": 10,
    "42": 8,
    "80": 4,
    "75": 4,
    "78": 2,
}
RECEIVER_INDUSTRIES = {
    "09": 12,
    "31": 12,
    "24": 10,
    "29": 10,
    "92": 8,
    "88": 6,
    "91": 4,
    "58": 6,
    "60": 5,
    "44": 5,
    "85": 4,
    "06": 3,
}
OCCUPATIONS = {"H": 6, "I": 3, "K": 3, "E": 2, "D": 1, "C": 1}
SKILLS = ["溶接", "旋盤", "フォークリフト", "CAD", "接客", "介護", "運転", "品質管理", "組立"]
PARTNERS = ["中央銀行", "城南信用金庫", "商工会議所", "連合", "県産業労働局", "中小企業協会"]
HEADCOUNTS = {
    "receiving": ([1, 2, 3, 4, 5], [30, 25, 20, 15, 10]),
    "sending": ([1, 2, 3, 4], [45, 30, 15, 10]),
}
# Transfers: a receiver's job offer names a few places; a sender's request names the
# employees leaving with an employment adjustment or a closure, sometimes dozens (the demo's
# assumption: a mean of about 3 and 6 persons).
TRANSFER_HEADCOUNTS = {
    "receiving": ([1, 2, 3, 4, 5, 10], [30, 25, 15, 10, 12, 8]),
    "sending": ([1, 2, 3, 5, 10, 20, 30], [25, 20, 15, 15, 12, 8, 5]),
}
BAD_ROW_SHARE = 0.008


@dataclass
class DayFiles:
    day: date
    rows: dict[str, list[dict]] = field(default_factory=lambda: {"sending": [], "receiving": []})
    bad: dict[str, list[dict]] = field(default_factory=lambda: {"sending": [], "receiving": []})


def pattern_year(fiscal_year: int) -> int:
    """The fiscal year whose brochure months shape the demo year: the year itself where the
    brochure has its months, else the latest year it publishes."""
    published = {year for year, _month in BROCHURE_MONTHS}
    return fiscal_year if fiscal_year in published else max(published)


def pattern_note(fiscal_year: int) -> str | None:
    """What the demo says when the year is shaped by another year's figures."""
    pattern = pattern_year(fiscal_year)
    if pattern == fiscal_year:
        return None
    return (
        f"{fiscal_year}年度はパンフレットの月次実績がないため、公表済みの最新年度"
        f"（{pattern}年度）の月次の型で模擬しています"
    )


def month_targets(fiscal_year: int) -> dict[int, dict[str, int]]:
    """Persons offered per month: the brochure's rows of the pattern year (pattern_year),
    and where it lacks a month, the mean of its known months."""
    pattern = pattern_year(fiscal_year)
    known = {m: BROCHURE_MONTHS.get((pattern, m)) for m in FISCAL_MONTHS}
    present = [row for row in known.values() if row]
    mean = {
        "receiving": round(sum(r.receiving_info for r in present) / len(present)),
        "sending": round(sum(r.sending_info for r in present) / len(present)),
    }
    return {
        month: ({"receiving": row.receiving_info, "sending": row.sending_info} if row else mean)
        for month, row in known.items()
    }


def transfer_targets(fiscal_year: int) -> dict[int, dict[str, int]]:
    """Persons offered per month in transfer offers: what the brochure's annual row
    (BROCHURE_YEARS, every kind) holds beyond its secondment months, spread evenly over the
    months it covers (the first months take the remainder); a month it does not cover takes
    the mean. Zero where the pattern year has no annual row."""
    pattern = pattern_year(fiscal_year)
    annual = BROCHURE_YEARS.get(pattern)
    known = [m for m in FISCAL_MONTHS if (pattern, m) in BROCHURE_MONTHS]
    out = {month: {"receiving": 0, "sending": 0} for month in FISCAL_MONTHS}
    if annual is None or not known:
        return out
    for side, column in (("receiving", "receiving_info"), ("sending", "sending_info")):
        secondment = sum(getattr(BROCHURE_MONTHS[(pattern, m)], column) for m in known)
        rest = max(getattr(annual, column) - secondment, 0)
        share, remainder = divmod(rest, len(known))
        for index, month in enumerate(known):
            out[month][side] = share + (index < remainder)
        for month in FISCAL_MONTHS:
            if month not in known:
                out[month][side] = share
    return out


def business_days(year: int, month: int) -> list[date]:
    day, days = date(year, month, 1), []
    while day.month == month:
        if is_business_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def split_persons(
    total: int, side: str, rng: random.Random, headcounts: dict = HEADCOUNTS
) -> list[int]:
    """Headcounts of offers that add up to exactly `total` persons."""
    sizes, weights = headcounts[side]
    out, left = [], total
    while left > 0:
        size = min(rng.choices(sizes, weights)[0], left)
        out.append(size)
        left -= size
    return out


class OfferMaker:
    """Companies (a pool that repeats, as real offices see the same firms) and offer rows."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.serial = {"sending": 0, "receiving": 0}
        self.companies: dict[str, list[dict]] = {"sending": [], "receiving": []}

    def _company(self, side: str) -> dict:
        rng, pool = self.rng, self.companies[side]
        if pool and rng.random() < 0.35:
            return rng.choice(pool)
        n = len(pool) + 1
        prefecture = rng.choices(PREFECTURES, PREFECTURE_WEIGHTS)[0]
        industries = SENDER_INDUSTRIES if side == "sending" else RECEIVER_INDUSTRIES
        body = f"{(2 if side == 'sending' else 5) * 10**11 + n:012d}"
        prefix = "送出" if side == "sending" else "受入"
        company = {
            "company_name": f"{prefix}{prefecture.short_name}{n}株式会社",
            "corporate_number": cn.calc_check_digit(body) + body,
            "industry": rng.choices(list(industries), list(industries.values()))[0],
            "prefecture": prefecture,
            "capital_yen": rng.choice([10, 30, 50, 100, 300, 1000, 5000]) * 1_000_000,
            "employees": rng.choice([20, 45, 90, 180, 290, 600, 2500]),
            "has_union": rng.random() < 0.45,
        }
        pool.append(company)
        return company

    def row(self, side: str, day: date, headcount: int, kind: str = "出向") -> dict:
        rng = self.rng
        self.serial[side] += 1
        company = self._company(side)
        prefecture = company["prefecture"]
        office = (
            prefecture if rng.random() < 0.9 else rng.choices(PREFECTURES, PREFECTURE_WEIGHTS)[0]
        )
        start_from = day + timedelta(days=rng.randrange(0, 21))
        row = {
            "offer_id": f"{'S' if side == 'sending' else 'R'}{day:%y%m%d}-{self.serial[side]:06d}",
            "office": office.name,
            "received_on": f"{day.year}/{day.month}/{day.day}",
            "company_name": company["company_name"],
            "corporate_number": company["corporate_number"],
            "industry": company["industry"],
            "prefecture": prefecture.name,
            "capital_yen": str(company["capital_yen"]),
            "employees": str(company["employees"]),
            "has_union": "有" if company["has_union"] else "無",
            "kind": kind,
            "headcount": str(headcount),
            "occupation": rng.choices(list(OCCUPATIONS), list(OCCUPATIONS.values()))[0],
            "skills": "、".join(rng.sample(SKILLS, 2)),
            "period_months_min": "3",
            "period_months_max": str(rng.choice([12, 24, 24, 36])),
            "start_from": start_from.isoformat(),
            "start_until": (start_from + timedelta(days=rng.choice([60, 90, 120]))).isoformat(),
            "monthly_wage_yen": str(rng.randrange(22, 42) * 10_000),
            "referred_by": rng.choice(PARTNERS) if rng.random() < 0.15 else "",
        }
        if side == "sending":
            row["acceptable_area"] = rng.choice(["", "", prefecture.block, "全国"])
            reasons = ["雇用調整", "雇用調整", "人材育成" if kind == "出向" else "その他"]
            row["reason"] = rng.choice(reasons)
            row["dismissals"] = "有" if rng.random() < 0.05 else "無"
        else:
            row["work_prefecture"] = prefecture.name
        return row

    def bad_row(self, side: str, day: date) -> dict:
        """A row an office clerk got wrong; the intake rejects it with a reason."""
        row = self.row(side, day, 1)
        flaw = self.rng.choice(["headcount", "corporate_number", "prefecture", "received_on"])
        row.update(
            {
                "headcount": {"headcount": "0"},
                "corporate_number": {"corporate_number": "1234567890123"},
                "prefecture": {"prefecture": "東京府"},
                "received_on": {"received_on": "2021/2/30"},
            }[flaw]
        )
        return row


def plan_year(fiscal_year: int, seed: int) -> dict[date, DayFiles]:
    """Every business day's rows for the fiscal year; secondment persons match the monthly
    targets, transfer persons the annual ones (transfer_targets)."""
    rng = random.Random(seed)
    maker = OfferMaker(rng)
    days: dict[date, DayFiles] = {}
    transfers = transfer_targets(fiscal_year)
    for month, targets in month_targets(fiscal_year).items():
        year = fiscal_year + (month < 4)
        open_days = business_days(year, month)
        for side in ("receiving", "sending"):
            offers = [(size, "出向") for size in split_persons(targets[side], side, rng)]
            offers += [
                (size, "移籍")
                for size in split_persons(transfers[month][side], side, rng, TRANSFER_HEADCOUNTS)
            ]
            for size, kind in offers:
                day = rng.choice(open_days)
                entry = days.setdefault(day, DayFiles(day))
                entry.rows[side].append(maker.row(side, day, size, kind))
                if rng.random() < BAD_ROW_SHARE:
                    entry.bad[side].append(maker.bad_row(side, day))
    for entry in days.values():
        for rows in entry.rows.values():
            rows.sort(key=lambda r: r["offer_id"])
    return dict(sorted(days.items()))


def write_day_files(entry: DayFiles, inbox: Path, rng: random.Random) -> list[Path]:
    """The day's rows as files: one per kind, Japanese headers, CP932 or UTF-8, some XLSX."""
    paths = []
    for side, good in entry.rows.items():
        rows = sorted(good + entry.bad[side], key=lambda r: r["offer_id"])
        if not rows:
            continue
        label = "送出情報" if side == "sending" else "受入情報"
        header = list(dict.fromkeys(key for row in rows for key in row))
        stem = f"{entry.day.isoformat()}_{label}"
        draw = rng.random()
        if draw < 0.05:
            paths.append(_write_xlsx(inbox / f"{stem}.xlsx", header, rows))
            continue
        encoding = "cp932" if draw < 0.45 else "utf-8-sig"
        path = inbox / f"{stem}.csv"
        with path.open("w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow([JAPANESE[h] for h in header])
            writer.writerows([[row.get(h, "") for h in header] for row in rows])
        paths.append(path)
    return paths


def _write_xlsx(path: Path, header: list[str], rows: list[dict]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([JAPANESE[h] for h in header])
    for row in rows:
        sheet.append([row.get(h, "") for h in header])
    workbook.save(path)
    return path
