"""A validated row made ready for the database: the offer's values and its company's in the
driver's own types, and the keys the storing looks them up by. Needs no connection, so it
runs where the rows are validated (the worker process for a large file), leaving the storing
process only the ids to fill in."""

from __future__ import annotations

from operator import itemgetter

from sqlalchemy.engine import Dialect

from models import Company, Opening
from models.bulk import DriverValues
from shukko.cases.offers import OFFER_TABLES
from shukko.subsidies.sme import is_sme

# The fields of each kind of row that its table stores under the same name.
OFFER_FIELDS = {
    kind: (
        "kind", "headcount", "occupation", "job_title", "skills", "qualifications",
        "period_months_min", "period_months_max", "start_from", "start_until",
        "monthly_wage_yen", "notes", "received_on", *specific,
    )
    for kind, specific in {
        "sending": ("acceptable_area", "reason", "dismissals"),
        "receiving": ("work_prefecture", "required_qualifications", "conditions"),
    }.items()
}  # fmt: skip
OFFER_FIELDS["opening"] = (
    "received_on", "occupation", "work_prefecture", "employment_type", "hours_per_week",
    "monthly_wage_yen", "hourly_wage_yen", "headcount", "required_qualifications", "open_until",
    "notes",
)  # fmt: skip
# The row field that holds the office's own id, and the column it goes to.
ID_FIELD = {"sending": "offer_id", "receiving": "offer_id", "opening": "opening_id"}
# What each kind of file is stored into: the offers, or the career bank's openings.
INTAKE_TABLES = {**OFFER_TABLES, "opening": Opening}
# A row's company values, and the columns they go to (with is_sme; created_at is added
# when the company is stored).
COMPANY_FIELDS = (
    "company_name", "corporate_number", "industry", "prefecture", "capital_yen", "employees",
    "has_union",
)  # fmt: skip
COMPANY_COLUMNS = (
    "name", "corporate_number", "industry_code", "prefecture_code", "capital_yen", "employees",
    "has_union", "is_sme",
)  # fmt: skip

# (row number, (office, offer_id), offer values in the order of OFFER_FIELDS + extra,
#  company key, company values in the order of COMPANY_FIELDS, referred_by)
ReadyRow = tuple[int, tuple[str, str], tuple, tuple, tuple, str | None]


class ReadyRows:
    """Turns validated values (in the order of `fields`) into ReadyRows for one kind."""

    def __init__(self, kind: str, fields: tuple[str, ...], dialect: Dialect):
        position = {name: index for index, name in enumerate(fields)}
        self._offer = itemgetter(*(position[name] for name in OFFER_FIELDS[kind]))
        self._key = itemgetter(position["office"], position[ID_FIELD[kind]])
        self._company = itemgetter(*(position[name] for name in COMPANY_FIELDS))
        self._referred_by = itemgetter(position["referred_by"])
        table = INTAKE_TABLES[kind].__table__
        self._offer_values = DriverValues(table, (*OFFER_FIELDS[kind], "extra"), dialect)
        self._company_values = DriverValues(Company.__table__, COMPANY_COLUMNS, dialect)

    def ready(self, number: int, values: tuple, extra: dict) -> ReadyRow:
        company = self._company(values)
        name, corporate_number, _industry, prefecture, *_rest = company
        company_key = ("cn", corporate_number) if corporate_number else ("name", name, prefecture)
        return (
            number,
            self._key(values),
            tuple(self._offer_values.row([*self._offer(values), extra])),
            company_key,
            company,
            self._referred_by(values),
        )

    def company_row(self, company: tuple) -> tuple:
        """A new company's values (COMPANY_FIELDS) in the order of COMPANY_COLUMNS, with
        is_sme worked out: only for companies not stored yet, most rows' are."""
        name, _number, industry, _prefecture, capital, employees, _union = company
        sme = is_sme(industry, capital, employees, name)
        return tuple(self._company_values.row([*company, sme]))
