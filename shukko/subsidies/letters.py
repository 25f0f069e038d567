"""Business letters from the Center to a company (通知文): the dates in the era the Center's
letters use, months and yen as a reader expects them, and the frame of a letter — 文書番号,
date, addressee (御中), sender, subject, salutation, closing, numbered sections and whom to
ask (お問い合わせ先)."""

from __future__ import annotations

from datetime import date

from config.offices import load_offices
from shukko.clock import era_date
from shukko.documents import blocks as doc


def yen(amount: int) -> str:
    return f"{amount:,}円"


def sender_lines(office_code: str) -> list[str]:
    return load_offices()[office_code].lines()


def head(
    *,
    office_code: str,
    company_name: str,
    written_on: date,
    subject: str,
    document_number: str | None = None,
) -> list[doc.Block]:
    """文書番号 and date, the addressee (the company, 御中), the sender, the subject and the
    salutation."""
    number = [doc.right(document_number)] if document_number else []
    return [
        *number,
        doc.right(era_date(written_on, weekday=False)),
        doc.paragraph(f"{company_name} 御中"),
        doc.right(load_offices()[office_code].name),
        doc.title(subject),
        doc.paragraph(
            "拝啓　時下ますますご清栄のこととお慶び申し上げます。"
            "平素は当センターの業務に格別のご理解とご協力を賜り、厚く御礼申し上げます。"
        ),
    ]


def closing(office_code: str) -> list[doc.Block]:
    """The closing of the letter's body (whom to ask follows at its end: `contact`)."""
    office = load_offices()[office_code]
    return [
        doc.paragraph(
            f"ご不明の点がございましたら、{office.name.split()[-1]}までお問い合わせください。"
            "今後ともどうぞよろしくお願い申し上げます。"
        ),
        doc.right("敬具"),
    ]


def contact(office_code: str) -> list[doc.Block]:
    """お問い合わせ先: the office with the address and telephone number it publishes."""
    return [doc.heading("お問い合わせ先"), doc.bullets(sender_lines(office_code))]


class Sections:
    """Headings numbered in the order they are written, so that none is skipped."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, text: str) -> doc.Block:
        self.count += 1
        return doc.heading(f"{self.count}. {text}")
