"""雇入れの助成金のご案内: a letter to the receiving company after it hires a transfer's job
seeker (移籍の求職者) — the subsidy for hiring a person who left under a re-employment plan
(労働移動支援助成金 早期雇入れ支援コース, named 早期再就職支援等助成金 雇入れ支援コース from
2024-04-01), as config/hiring_subsidies.toml sources it. The letter states the sourced rules
(hired within three months of leaving; the amount for plans submitted from a date) and checks
the one it can (the months between the leaving day and the first day); what the Center cannot
know (the re-employment plan and its date, indefinite employment) the company confirms with
the labour bureau. A letter written before the day the sourced rules start from states no
rule and no amount: it asks the company to confirm them. Written once per hire (a notice row
keyed by the introduction), in the caller's transaction; the person is named by number only.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import String, cast, select
from sqlmodel import Session

from config.settings import CONFIG_DIR
from models import Company, Introduction, Notice, ReceivingOffer, Registrant
from models.db import insert_new
from shukko.clock import add_months, era_date
from shukko.documents import blocks as doc
from shukko.subsidies import letters
from shukko.subsidies.document_numbers import assign_document_numbers

KIND = "hiring"


class Renamed(BaseModel):
    on: date
    name: str


class Amount(BaseModel):
    plans_from: date
    per_person_yen: int


class ToConfirm(BaseModel):
    items: list[str]


class HiringProgramme(BaseModel):
    key: str
    name: str
    hire_within_months_of_leaving: int
    rules_sourced_from: date
    paid_to: str
    renamed: list[Renamed] = []
    amount: list[Amount] = []
    to_confirm: ToConfirm

    def name_on(self, day: date) -> str:
        """The programme's name in force on a day."""
        names = [r.name for r in sorted(self.renamed, key=lambda r: r.on) if r.on <= day]
        return names[-1] if names else self.name


def load_hiring_programmes(
    path: Path = CONFIG_DIR / "hiring_subsidies.toml",
) -> tuple[HiringProgramme, ...]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return tuple(HiringProgramme.model_validate(p) for p in data["hiring_programme"])


@dataclass(frozen=True)
class Hire:
    """A job seeker's hire, as the letter needs it (no name)."""

    introduction_id: int
    registrant_id: int
    office: str  # the receiving offer's office writes to its company
    offer_key: str
    company_id: int
    company: str
    leaving_on: date
    hired_on: date

    @property
    def key(self) -> str:
        return f"hire:{self.introduction_id}"

    @property
    def relative_path(self) -> Path:
        return Path(f"person-{self.registrant_id:06d}") / f"{self.hired_on.isoformat()}-hiring.md"


def hires_to_write(session: Session, as_of: date) -> list[Hire]:
    """Job seekers hired by the day whose receiver has had no letter yet."""
    written = select(Notice.key).where(Notice.kind == KIND)
    columns = (
        Introduction.id,
        Registrant.id,
        ReceivingOffer.office_code,
        ReceivingOffer.offer_id,
        Company.id,
        Company.name,
        Registrant.leaving_on,
        Introduction.hired_on,
    )
    rows = session.execute(
        select(*columns)
        .join(Registrant, Registrant.id == Introduction.registrant_id)
        .join(ReceivingOffer, ReceivingOffer.id == Introduction.receiving_offer_id)
        .join(Company, Company.id == ReceivingOffer.company_id)
        .where(
            Introduction.hired_on.is_not(None),
            Introduction.hired_on <= as_of,
            ("hire:" + cast(Introduction.id, String)).not_in(written),
        )
        .order_by(Introduction.id)
    ).all()
    return [
        Hire(intro, person, office, f"{office}:{offer}", company_id, company, leaving, hired)
        for intro, person, office, offer, company_id, company, leaving, hired in rows
    ]


def within_months(hire: Hire, programme: HiringProgramme, as_of: date) -> bool | None:
    """Hired within the programme's months of leaving; None where a letter written on
    `as_of` may state no rule (before the day the sourced rules start from)."""
    if as_of < programme.rules_sourced_from:
        return None
    return hire.hired_on <= add_months(hire.leaving_on, programme.hire_within_months_of_leaving)


def render(hire: Hire, programme: HiringProgramme, as_of: date, number: str | None):
    """The letter: the hire, the programme as sourced, what the Center can check, and what
    the company confirms with the labour bureau."""
    name = programme.name_on(hire.hired_on)
    section = letters.Sections()
    months = programme.hire_within_months_of_leaving
    within = within_months(hire, programme, as_of)
    blocks = letters.head(
        office_code=hire.office,
        company_name=hire.company,
        written_on=as_of,
        subject=f"{name}のご案内",
        document_number=number,
    )
    thanks = (
        f"当センターの受入情報（{hire.offer_key}）へのご紹介により、求職者（番号 "
        f"{hire.registrant_id}）を{era_date(hire.hired_on, weekday=False)}に雇い入れていただき"
        "ました。誠にありがとうございます。雇入れに係る助成金について、次のとおりご案内します。"
    )
    dates = [
        f"前の勤務先の離職日: {era_date(hire.leaving_on, weekday=False)}",
        f"貴社への入社日: {era_date(hire.hired_on, weekday=False)}",
    ]
    blocks += [doc.paragraph(thanks), section("対象となる雇入れ")]
    to_confirm = list(programme.to_confirm.items)
    if within is None:  # written before the day the sourced rules start from
        blocks += [
            doc.paragraph(
                f"{name}の支給要件と助成額は、前の勤務先の再就職援助計画が提出された時期によって"
                "異なり、この時期のものは当センターで確認できた公表資料に含まれていません。"
                "支給要件・助成額とも、労働局にご確認ください。"
            ),
            doc.bullets(dates),
        ]
        to_confirm.insert(0, f"離職後{months}か月以内の雇入れであることが要件となるかどうか")
    else:
        outcome = (
            f"離職後{months}か月以内の雇入れです。"
            if within
            else f"離職後{months}か月を過ぎた雇入れのため、対象とならない場合があります。"
        )
        amounts = [
            f"{era_date(a.plans_from, weekday=False)}以降に提出された再就職援助計画等の対象者を"
            f"雇い入れた場合（通常助成）: 支給対象者1人につき{letters.yen(a.per_person_yen)}"
            for a in programme.amount
        ]
        blocks += [
            doc.paragraph(
                f"{name}は、再就職援助計画等の対象者を離職後{months}か月以内に期間の定めのない"
                "労働者として雇い入れ、継続して雇用することが確実である事業主が対象とされています。"
            ),
            doc.bullets([*dates, outcome]),
            section("助成額"),
            doc.bullets(amounts),
            doc.paragraph("助成額は見込みであり、支給を約束するものではありません。"),
        ]
    blocks += [
        section("労働局にご確認いただきたいこと"),
        doc.bullets(to_confirm),
        *letters.closing(hire.office),
        *letters.contact(hire.office),
    ]
    return blocks


def write_hiring_letters(*, session: Session, outbox: Path, as_of: date) -> list[dict]:
    """Store and write the letter of every hire not lettered yet; returns what was written
    (ids, no names)."""
    hires = hires_to_write(session, as_of)
    if not hires:
        return []
    programme = load_hiring_programmes()[0]
    rows = [
        {
            "key": hire.key, "registrant_id": hire.registrant_id, "company_id": hire.company_id,
            "side": "receiving", "kind": KIND, "programme": programme.key,
            "start_date": hire.hired_on, "written_on": as_of, "path": str(hire.relative_path),
        }
        for hire in hires
    ]  # fmt: skip
    inserted = insert_new(session, Notice.__table__, rows)
    mine = [hire for hire in hires if hire.key in inserted]
    numbers = assign_document_numbers(session, [(h.key, h.office, as_of) for h in mine])
    subject = {hire.key: f"{programme.name_on(hire.hired_on)}のご案内" for hire in mine}
    doc.write_letters(
        [
            (outbox / h.relative_path, render(h, programme, as_of, numbers[h.key]), subject[h.key])
            for h in mine
        ]
    )
    return [
        {
            "case_id": None,
            "registrant_id": hire.registrant_id,
            "side": "receiving",
            "offer": hire.offer_key,
            "kind": KIND,
            "programme": programme.key,
            "filing_deadline": None,
            "within_months": within_months(hire, programme, as_of),
            "document_number": numbers[hire.key],
            "path": str(outbox / hire.relative_path),
        }
        for hire in mine
    ]
