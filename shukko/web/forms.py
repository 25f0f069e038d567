"""Form values to typed requests. Each malformed value is reported by its field, in the words
the page shows beside it, and the form is shown again with what was typed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from shukko.clock import parse_date
from shukko.service.inputs import CaseStep, RegistrantStep

FIELD_LABELS = {
    "at": "日付",
    "note": "メモ",
    "doc": "書類番号",
    "worker": "対象労働者",
    "until": "延長後の終了日",
    "version": "版",
    "terms": "契約条件ファイル",
    "headcount": "人数",
    "opening": "求人",
    "sending": "送出情報",
    "receiving": "受入情報",
    "kind": "種別",
    "name": "氏名",
    "birth_date": "生年月日",
    "leaving_on": "離職日",
    "via_company": "依頼元の会社",
    "office": "事務所",
    "user": "利用者名",
    "password": "パスワード",
    "role": "権限",
    "to": "担当者",
    "gender": "性別",
    "qualifications": "資格",
    "text": "メモ",
    "outcome": "結果",
    "start": "入社予定日",
}


MAX_NUMBER = 2**63 - 1  # an id or a count is a 64-bit integer in the database


class FormErrors(Exception):
    """One or more fields are malformed: {field: message}."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{FIELD_LABELS.get(k, k)}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class FormReader:
    """Reads one form's values, collecting every malformed field before refusing."""

    form: object
    errors: dict[str, str] = field(default_factory=dict)

    def text(self, name: str) -> str | None:
        value = self.form.get(name)
        if value is None or not isinstance(value, str):
            return None
        return value.strip() or None

    def day(self, name: str, default: date | None = None) -> date | None:
        value = self.text(name)
        if value is None:
            return default
        try:
            return parse_date(value)
        except ValueError:
            self.errors[name] = f"「{value}」は日付ではありません（例: 2024-04-01）"
            return None

    def number(
        self, name: str, *, required: bool = False, least: int = 0, most: int = MAX_NUMBER
    ) -> int | None:
        value = self.text(name)
        if value is None:
            if required:
                self.errors[name] = "入力してください"
            return None
        try:
            number = int(value)
        except ValueError:
            self.errors[name] = f"「{value}」は数ではありません"
            return None
        if number < least:
            self.errors[name] = f"{least}以上の数を入力してください"
            return None
        if number > most:
            self.errors[name] = f"{most:,}以下の数を入力してください"
            return None
        return number

    def done(self) -> None:
        if self.errors:
            raise FormErrors(self.errors)


def event_request(form, *, case_id: int, event: str, actor: str) -> CaseStep:
    """A case event from its form: the version the page was rendered from, the date of the
    step (today when empty), note, document reference, worker and new end date."""
    reader = FormReader(form)
    version = reader.number("version", required=True, least=1)
    request = CaseStep(
        case_id=case_id,
        event=event,
        actor=actor,
        on=reader.day("at"),
        note=reader.text("note"),
        doc_ref=reader.text("doc"),
        worker_id=reader.number("worker", least=1),
        end_date=reader.day("until"),
        expected_version=version,
    )
    reader.done()
    return request


def bank_event(form, *, registrant_id: int, event: str, actor: str):
    """A registrant's step from its form (the version the page was rendered from)."""
    reader = FormReader(form)
    version = reader.number("version", required=True, least=1)
    request = RegistrantStep(
        registrant_id=registrant_id,
        event=event,
        actor=actor,
        on=reader.day("at"),
        opening=reader.text("opening"),
        note=reader.text("note"),
        expected_version=version,
        outcome=reader.text("outcome"),
        start_on=reader.day("start"),
    )
    reader.done()
    return request
