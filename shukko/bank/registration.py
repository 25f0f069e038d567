"""登録: who may register for re-employment support, and the registration itself.

The career bank (DESIGN.md section 10) has two routes: via a company (支援依頼), for an
employee leaving at 60 or over, registered before the leaving day; or on one's own, aged 60 to
70 at registration and within 12 months of leaving. A transfer's job seeker (移籍の求職者,
section 13) registers from their company's request (再就職支援の依頼: a sending offer open to
transfers), up to the number of people it names. Personal data (name, birth date, contact)
goes to its own table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from models import Company, Registrant, RegistrantEvent, RegistrantPerson, SendingOffer
from models.bank import LeavingReason, WantedEmployment
from models.reference import OCCUPATIONS, prefecture_code
from shukko.bank.rules import BankRules
from shukko.clock import add_months
from shukko.errors import InvalidInput, NotFound
from shukko.refusals import Refusal
from states import CREATE_EVENT, initial_state
from states.bank import CAREER_BANK, TRANSFER


def age_on(birth_date: date, day: date) -> int:
    """Whole years of age on a day (a birthday on the day counts)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


@dataclass
class Registration:
    """What a consultant enters to register someone (validated by `check`)."""

    office_code: str  # a job seeker's: their company request's office (this is not read)
    name: str
    birth_date: date
    leaving_on: date
    reason: str  # a job seeker's may be empty: their company request's
    via_company: str | None = None  # corporate number or name
    occupations: list[str] = field(default_factory=list)
    qualifications: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    employment_type: str = "either"
    wage_yen: int | None = None
    hours_per_week: int | None = None
    contact: str | None = None
    programme: str = CAREER_BANK
    request: str | None = None  # a job seeker's company request, OFFICE:OFFER_ID


def eligibility_problems(reg: Registration, today: date, rules: BankRules) -> list[Refusal]:
    """Why this person may not register with the career bank (empty when they may), each
    as a refusal."""
    problems = []
    at_leaving = age_on(reg.birth_date, reg.leaving_on)
    if at_leaving < rules.min_age:
        problems.append(
            Refusal(
                "bank.too_young_at_leaving",
                {"age": at_leaving, "leaving_on": reg.leaving_on, "min_age": rules.min_age},
                ("birth_date", "leaving_on"),
            )
        )
    if reg.via_company:
        if reg.leaving_on <= today:
            problems.append(
                Refusal(
                    "bank.request_after_leaving",
                    {"leaving_on": reg.leaving_on},
                    ("leaving_on", "via_company"),
                )
            )
        return problems
    now = age_on(reg.birth_date, today)
    if not rules.min_age <= now <= rules.self_max_age:
        problems.append(
            Refusal(
                "bank.self_age",
                {"age": now, "min_age": rules.min_age, "max_age": rules.self_max_age},
                ("birth_date",),
            )
        )
    if reg.leaving_on > today:
        problems.append(
            Refusal(
                "bank.self_before_leaving",
                {"leaving_on": reg.leaving_on},
                ("leaving_on", "via_company"),
            )
        )
    elif add_months(reg.leaving_on, rules.self_within_months) < today:
        months = (today.year - reg.leaving_on.year) * 12 + today.month - reg.leaving_on.month
        problems.append(
            Refusal(
                "bank.self_too_long_ago",
                {
                    "leaving_on": reg.leaving_on,
                    "months": months,
                    "within": rules.self_within_months,
                },
                ("leaving_on",),
            )
        )
    return problems


def _areas(values: list[str]) -> list[str]:
    """Areas as the intake reads them (aliases such as 九州・沖縄 included)."""
    from shukko.intake.schemas import area_tokens

    areas: list[str] = []
    for token in values:
        try:
            areas += [part for part in area_tokens(token.strip()) if part not in areas]
        except ValueError:
            raise InvalidInput(code="input.area", fields=("areas",), value=token) from None
    return areas


def _occupations(values: list[str]) -> list[str]:
    by_name = {name: code for code, name in OCCUPATIONS.items()}
    codes = []
    for token in values:
        token = token.strip()
        code = token.upper() if token.upper() in OCCUPATIONS else by_name.get(token)
        if code is None:
            raise InvalidInput(code="input.occupation", fields=("occupations",), value=token)
        codes.append(code)
    return sorted(set(codes))


def _former_company(session: Session, text: str | None) -> int | None:
    if not text:
        return None
    digits = text.replace("-", "").strip()
    query = select(Company.id).where(
        Company.corporate_number == digits if digits.isdigit() else Company.name == text.strip()
    )
    company_id = session.scalar(query.limit(1))
    if company_id is None:
        raise NotFound(code="not_found.company", fields=("via_company",), company=text)
    return company_id


def _request(session: Session, reg: Registration):
    """A job seeker's company request: a sending offer open to transfers, still open, with
    fewer people registered from it or in its cases than it names (each person once)."""
    from shukko.bank.targets import TRANSFER_KINDS
    from shukko.cases.offers import parse_offer_key, persons_taken

    if not reg.request:
        raise InvalidInput(code="seeker.request_needed", fields=("request",))
    office, own = parse_offer_key(reg.request, "request")
    request = session.scalar(
        select(SendingOffer).where(SendingOffer.office_code == office,
                                   SendingOffer.offer_id == own)
    )  # fmt: skip
    if request is None:
        raise NotFound(code="not_found.request", fields=("request",), request=reg.request)
    key = f"{office}:{own}"
    if str(request.kind) not in TRANSFER_KINDS or not request.is_open:
        raise InvalidInput(code="seeker.request_not_transfer", fields=("request",), request=key)
    if persons_taken(session, "sending", request.id) >= request.headcount:
        raise InvalidInput(code="seeker.request_full", fields=("request",), request=key,
                           headcount=request.headcount)  # fmt: skip
    return request


def _checked(
    reg: Registration, today: date, rules: BankRules
) -> tuple[str, LeavingReason, WantedEmployment]:
    """The registration's office, reason and wanted employment, once every value is valid
    and the person is eligible (each refusal naming its field)."""
    try:  # a job seeker's office is their company request's (read with it)
        office = "" if reg.programme == TRANSFER else prefecture_code(reg.office_code)
    except ValueError:
        raise InvalidInput(code="input.office", fields=("office",), value=reg.office_code) from None
    if not reg.name.strip():
        raise InvalidInput(code="input.name_empty", fields=("name",), whose="registrant's")
    if reg.birth_date >= today:
        raise InvalidInput(code="input.birth_date", fields=("birth_date",), value=reg.birth_date)
    try:  # a job seeker's is their company request's
        reason = LeavingReason(reg.reason or ("other" if reg.programme == TRANSFER else ""))
    except ValueError:
        raise InvalidInput(
            code="input.leaving_reason", fields=("reason",), value=reg.reason
        ) from None
    try:
        wanted = WantedEmployment(reg.employment_type)
    except ValueError:
        raise InvalidInput(
            code="input.employment_type",
            fields=("employment_type",),
            value=reg.employment_type,
        ) from None
    if reg.wage_yen is not None and not 0 < reg.wage_yen <= 10_000_000:
        raise InvalidInput(code="input.wage", fields=("wage",), value=reg.wage_yen)
    if reg.programme == TRANSFER:
        return office, reason, wanted  # the request is checked when it is read
    if reg.programme != CAREER_BANK:
        raise InvalidInput(code="input.programme", fields=("programme",), value=reg.programme)
    problems = eligibility_problems(reg, today, rules)
    if problems:
        raise InvalidInput(
            code="bank.ineligible",
            fields=tuple(dict.fromkeys(f for problem in problems for f in problem.fields)),
            reasons=problems,
        )
    return office, reason, wanted


def register(
    *, session: Session, reg: Registration, actor: str, today: date, rules: BankRules
) -> Registrant:
    """Check and store a registration; logs `create` (no name in the log)."""
    office, reason, wanted = _checked(reg, today, rules)
    request = _request(session, reg) if reg.programme == TRANSFER else None
    if request is not None:
        office = request.office_code
    if request is not None and not reg.reason:
        reason = LeavingReason.adjustment if request.reason == "雇用調整" else LeavingReason.other
    # A wage under 10,000 yen is an hourly wage (時給), above it a monthly one (月給).
    hourly = reg.wage_yen if reg.wage_yen is not None and reg.wage_yen < 10_000 else None
    monthly = reg.wage_yen if reg.wage_yen is not None and hourly is None else None
    registrant = Registrant(
        office_code=office,
        state=initial_state("registrant"),
        programme=reg.programme,
        request_id=request.id if request else None,
        route="via_company" if reg.via_company or request else "self",
        former_company_id=request.company_id if request else _former_company(
            session, reg.via_company
        ),
        registered_on=today,
        leaving_on=reg.leaving_on,
        leaving_reason=reason,
        age_at_leaving=age_on(reg.birth_date, reg.leaving_on),
        occupations=_occupations(reg.occupations),
        qualifications=[q.strip() for q in reg.qualifications if q.strip()],
        areas=_areas(reg.areas),
        employment_type=wanted,
        desired_monthly_wage_yen=monthly,
        desired_hourly_wage_yen=hourly,
        hours_per_week=reg.hours_per_week,
        last_activity_on=today,
        last_seq=1,
    )
    session.add(registrant)
    session.flush()
    session.add(
        RegistrantPerson(
            registrant_id=registrant.id,
            name=reg.name.strip(),
            birth_date=reg.birth_date,
            contact=reg.contact,
        )
    )
    session.add(
        RegistrantEvent(
            registrant_id=registrant.id,
            seq=1,
            event=CREATE_EVENT,
            from_state=None,
            to_state=registrant.state,
            actor=actor,
            occurred_on=today,
            note="request" if request else "via company" if reg.via_company else "self",
        )
    )
    session.flush()
    return registrant
