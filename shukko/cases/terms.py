"""出向契約: the contract-terms file operators hand in (DESIGN.md section 4), validated."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from models.cases import InsuranceSide, SecondmentPurpose, WagePayer
from models.reference import prefecture_code
from shukko.errors import InvalidInput
from shukko.limits import InputLimits
from shukko.refusals import Refusal
from states.guards import months_between

_HOURS = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d\s*[-~〜]\s*([01]?\d|2[0-3]):[0-5]\d$")


class ContractTermsIn(BaseModel):
    """The keys of a terms file; unknown keys and missing required ones are errors."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, str_min_length=1)

    start_date: date
    end_date: date | None = None
    workplace_prefecture: str
    workplace: str
    duties: str
    working_hours: str
    holidays: str
    overtime_allowed: bool
    wage_payer: WagePayer
    sending_share_pct: int
    receiving_share_pct: int
    monthly_wage_yen: int
    social_insurance: InsuranceSide
    annual_leave: str
    return_conditions: str | None = None
    purpose: SecondmentPurpose = SecondmentPurpose.employment_retention
    pre_secondment_monthly_wage_yen: int | None = None
    within_corporate_group: bool = False
    skills_promoter_appointed: bool | None = None  # 職業能力開発推進者 (スキルアップ支援コース)

    @field_validator("workplace_prefecture")
    @classmethod
    def _prefecture(cls, value: str) -> str:
        return prefecture_code(value)

    @field_validator("working_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        if not _HOURS.match(value):
            raise ValueError("must look like 09:00-18:00")
        return value

    @field_validator("sending_share_pct", "receiving_share_pct")
    @classmethod
    def _percentage(cls, value: int) -> int:
        if not 0 <= value <= 100:
            raise ValueError("must be between 0 and 100")
        return value

    @field_validator("monthly_wage_yen", "pre_secondment_monthly_wage_yen")
    @classmethod
    def _wage(cls, value: int | None) -> int | None:
        if value is not None and value <= 0:
            raise ValueError("must be a positive number of yen")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ContractTermsIn:
        if self.end_date is not None and self.end_date <= self.start_date:
            raise ValueError("end_date: must be after start_date")
        if self.sending_share_pct + self.receiving_share_pct != 100:
            raise ValueError(
                "sending_share_pct + receiving_share_pct: must add up to 100 "
                f"(they add up to {self.sending_share_pct + self.receiving_share_pct})"
            )
        if (
            self.purpose == SecondmentPurpose.skill_development
            and self.pre_secondment_monthly_wage_yen is None
        ):
            raise ValueError(
                "pre_secondment_monthly_wage_yen: required when purpose is skill_development "
                "(the worker's monthly wage before the secondment)"
            )
        expected = {
            WagePayer.sending: self.sending_share_pct == 100,
            WagePayer.receiving: self.receiving_share_pct == 100,
            WagePayer.split: 0 < self.sending_share_pct < 100,
        }
        if not expected[self.wage_payer]:
            raise ValueError(
                f"wage_payer: '{self.wage_payer.value}' does not fit the shares "
                f"{self.sending_share_pct}/{self.receiving_share_pct}"
            )
        return self

    def check_for_case(self, *, kind: str, max_period_months: int) -> None:
        """Rules that depend on the case: a secondment needs an end and a return clause; the
        purpose and the group flag belong to secondments."""
        if kind != "secondment" and self.purpose != SecondmentPurpose.employment_retention:
            params = {"purpose": self.purpose.value, "kind": kind}
            raise terms_refused([Refusal("terms.purpose_not_for_kind", params)])
        if kind == "secondment":
            problems = [
                Refusal("terms.required_for_secondment", {"key": key})
                for key in ("end_date", "return_conditions")
                if getattr(self, key) is None
            ]
            if problems:
                raise terms_refused(problems)
        if self.end_date and months_between(self.start_date, self.end_date) > max_period_months:
            params = {"start": self.start_date, "end": self.end_date}
            params["max_months"] = max_period_months
            raise terms_refused([Refusal("terms.period_too_long", params)])


def check_programme_wage(terms: ContractTermsIn, programme) -> None:
    """スキルアップ支援コース: the wage during the secondment is at least the wage before it
    (refused with both figures when it is lower)."""
    pre = terms.pre_secondment_monthly_wage_yen
    if programme is None or not programme.wage_not_below_pre_secondment or pre is None:
        return
    if terms.monthly_wage_yen < pre:
        params = {"wage": terms.monthly_wage_yen, "pre": pre, "programme": programme.name}
        raise terms_refused([Refusal("terms.wage_below_pre", params)])


def terms_refused(problems: list[Refusal], source: str = "contract terms") -> InvalidInput:
    """A terms file refused for its problems, each naming its key, on the form's file field."""
    return InvalidInput(code="terms.invalid", fields=("terms",), source=source, reasons=problems)


def _describe(error: dict[str, Any]) -> Refusal:
    key = ".".join(str(part) for part in error["loc"]) or "terms"
    kind = error["type"]
    if kind == "extra_forbidden":
        return Refusal("terms.unknown_key", {"key": key})
    if kind == "missing":
        return Refusal("terms.missing_key", {"key": key})
    message = error["msg"].removeprefix("Value error, ")
    return Refusal("terms.bad_value", {"key": key, "problem": message, "value": error.get("input")})


def parse_terms(data: Any, *, source: str = "terms") -> ContractTermsIn:
    """Validate a mapping of terms; every problem is named by its key."""
    if not isinstance(data, dict):
        raise InvalidInput(code="terms.not_a_mapping", fields=("terms",), source=source)
    try:
        return ContractTermsIn.model_validate(data)
    except ValidationError as exc:
        raise terms_refused([_describe(error) for error in exc.errors()], source) from None


class _NoAliases(yaml.SafeLoader):
    """YAML without aliases: `*name` would let a small file expand without bound (the
    "billion laughs" shape), and a terms file never needs one."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.events.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not accepted in a terms file", mark
            )
        return super().compose_node(parent, index)


@dataclass(frozen=True)
class TermsFile:
    """A terms file as handed in: its name as the operator knows it (a path, an upload's
    file name) and its bytes, at most the limit plus one (so that an oversized one is told)."""

    name: str
    content: bytes

    @classmethod
    def read(cls, path: Path, limits: InputLimits = InputLimits()) -> TermsFile:
        try:
            with path.open("rb") as handle:
                return cls(str(path), handle.read(limits.max_terms_file_bytes + 1))
        except FileNotFoundError:
            raise InvalidInput(code="terms.no_file", fields=("terms",), source=str(path)) from None
        except OSError:
            raise InvalidInput(
                code="terms.unreadable", fields=("terms",), source=str(path)
            ) from None


def read_terms(file: TermsFile, limits: InputLimits = InputLimits()) -> ContractTermsIn:
    """Parse a terms file (JSON when its name ends .json, else YAML), bounded first."""
    where = {"fields": ("terms",), "source": file.name}
    if len(file.content) > limits.max_terms_file_bytes:
        raise InvalidInput(
            code="terms.too_large", size=len(file.content), limit=limits.max_terms_file_bytes,
            **where,
        )  # fmt: skip
    suffix = Path(file.name).suffix.lower()
    try:
        text = file.content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(code="terms.unreadable", **where) from None
    try:
        data = json.loads(text) if suffix == ".json" else yaml.load(text, Loader=_NoAliases)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InvalidInput(code="terms.not_json_yaml", problem=str(exc), **where) from None
    except RecursionError:  # brackets nested thousands deep: no terms file looks like that
        raise InvalidInput(code="terms.not_json_yaml", problem="nested too deep", **where) from None
    return parse_terms(data, source=file.name)


def read_terms_file(path: Path, limits: InputLimits = InputLimits()) -> ContractTermsIn:
    """Read a JSON or YAML terms file, bounded before it is parsed."""
    return read_terms(TermsFile.read(path, limits), limits)
