"""Refusals are data: every code has a plain sentence naming no CLI option or command, a
CLI wording and a Japanese one for the web, and each front end shows its own. Below the
front ends, no refusal is raised as a sentence and no string names the CLI."""

from __future__ import annotations

import ast
import re
import string
from datetime import date
from pathlib import Path

import pytest

from shukko.cli.refusals import AFTER_OPTION, AS_PLAIN, CLI, OWN, cli_words
from shukko.errors import EventNotAllowed, InvalidInput, NotFound
from shukko.refusals import PLAIN, Refusal
from shukko.web.refusals import JA, japanese, refusal_words
from states import CaseFacts, guard_reason

ROOT = Path(__file__).resolve().parent.parent
CLI_TRACES = re.compile(r"--[a-z]|`shukko |shukko [a-z]+ ")
NUMBERED = {"length", "limit", "size", "wage", "pre", "offers", "value"}


def _params(*templates: str) -> dict:
    parsed = (string.Formatter().parse(template) for template in templates)
    names = {name for fields in parsed for _, name, _, _ in fields if name}
    return {name: 7 if name in NUMBERED else "x" for name in names}


@pytest.mark.parametrize("code", sorted(PLAIN))
def test_every_code_is_worded_by_every_front_end(code):
    assert code in CLI, f"the CLI has no wording for {code}"
    assert code in JA, f"the web has no wording for {code}"
    refusal = NotFound(code=code, fields=("note",), **_params(PLAIN[code], CLI[code], JA[code]))
    assert not CLI_TRACES.search(str(refusal)), "a plain sentence names the CLI"
    words = japanese(refusal)
    assert not CLI_TRACES.search(words), "the web's wording names the CLI"
    assert not re.search(r"[A-Za-z]{4,}", re.sub(r"JSON|YAML|SQLite|UTF", "", words)), words
    cli_words(refusal)  # every parameter the CLI's wording needs is given


def test_the_cli_says_how_it_words_each_code_once():
    declared = [*AFTER_OPTION, *AS_PLAIN, *OWN]
    assert len(declared) == len(set(declared)), "a code is worded twice by the CLI"
    assert set(declared) == set(PLAIN) and set(JA) == set(PLAIN)


def test_each_front_end_shows_its_own_words():
    refusal = NotFound(code="not_found.case", case_id=999)
    assert str(refusal) == "case 999 does not exist"
    assert cli_words(refusal) == "case 999 does not exist (see `shukko case list`)"
    assert japanese(refusal) == "案件 999 は見つかりません。"
    too_long = InvalidInput(
        code="input.text_too_long", fields=("note",), field="note", length=2345, limit=2000
    )
    assert cli_words(too_long) == "--note: 2,345 characters; at most 2,000 are accepted"
    assert japanese(too_long) == "2,345文字あります。2,000文字までにしてください。"


def test_a_guard_refusal_is_worded_reason_by_reason():
    facts = CaseFacts(headcount=2, workers_assigned=1, workers_consented=0, sending_has_union=False)
    reasons = [Refusal(*guard_reason(name, facts)) for name in ("worker_consented", "union_agreed")]
    refused = EventNotAllowed(
        code="guard.blocked", case_id=5, event="sign_contract", reasons=reasons, missing=["x"]
    )
    assert "0 of 2 workers" in str(refused) and "過半数代表者" in str(refused)
    assert "`shukko case assign-worker`" in cli_words(refused)
    assert japanese(refused) == (
        "「出向契約を締結」はまだ記録できません。"
        "労働者の同意が揃っていません（同意 0名／2名、選定済み 1名）。"
        "対象労働者を選定し、一人ずつ本人同意を記録してください。"
        "過半数代表者との合意が記録されていません。"
    )
    reason = Refusal(*guard_reason("reason_given", facts))
    assert reason.fields == ("note",) and refusal_words(reason) == "理由をメモに入力してください。"


def test_an_unknown_code_is_a_bug_caught_at_once():
    with pytest.raises(KeyError, match="unknown refusal code"):
        NotFound(code="not_found.nothing")


def _below_the_front_ends() -> list[Path]:
    paths = [*(ROOT / "states").rglob("*.py"), *(ROOT / "models").rglob("*.py")]
    paths += [
        path
        for path in (ROOT / "shukko").rglob("*.py")
        if "cli" not in path.relative_to(ROOT / "shukko").parts[:1]
    ]
    return sorted(paths)


def test_no_string_below_the_front_ends_names_a_cli_option_or_command():
    """The domain, the service, the models and the web name no CLI option or command (the
    web's pages never show the CLI's words)."""
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _below_the_front_ends()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"--[a-z]|`shukko ", line)
    ]
    assert found == []


REFUSALS = {
    "ShukkoError", "NotFound", "InvalidInput", "EventNotAllowed", "SchemaOutdated",
    "SignInRefused",
}  # fmt: skip


def test_every_refusal_below_the_front_ends_carries_a_code():
    """A refusal raised below the front ends is data: a code (and its parameters), never a
    sentence of its own."""
    sentences = []
    for path in _below_the_front_ends():
        if path.relative_to(ROOT).parts[:2] == ("shukko", "web"):
            continue  # the web is a front end: it words refusals itself
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in REFUSALS
                and (node.args or not any(k.arg == "code" for k in node.keywords))
            ):
                sentences.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert sentences == []


def test_dates_in_a_refusal_read_as_dates():
    late = InvalidInput(
        code="input.date_in_future", fields=("at",), field="at", day=date(2031, 4, 1)
    )
    assert cli_words(late) == "--at: 2031-04-01 is in the future"
    assert japanese(late) == "2031-04-01 はまだ来ていない日付です。"
