"""Refusals are data: every code has a plain sentence naming no CLI option or command, a
CLI wording and a Japanese one for the web, and each front end shows its own."""

from __future__ import annotations

import re
import string

import pytest

from shukko.cli.refusals import CLI, cli_words
from shukko.errors import NotFound
from shukko.refusals import PLAIN
from shukko.web.refusals import JA, japanese

CLI_TRACES = re.compile(r"--[a-z]|`shukko |shukko [a-z]+ ")


def _params(template: str) -> dict:
    return {name: "x" for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("code", sorted(PLAIN))
def test_every_code_is_worded_by_every_front_end(code):
    assert code in CLI, f"the CLI has no wording for {code}"
    assert code in JA, f"the web has no wording for {code}"
    params = _params(PLAIN[code])
    refusal = NotFound(code=code, **params)
    assert not CLI_TRACES.search(str(refusal)), "a plain sentence names the CLI"
    assert not CLI_TRACES.search(japanese(refusal)), "the web's wording names the CLI"
    assert not re.search(r"[A-Za-z]{4,}", japanese(refusal).replace("x", "")), "not Japanese"
    cli_words(refusal)  # every parameter the CLI's wording needs is given


def test_no_front_end_words_a_code_that_does_not_exist():
    assert set(CLI) == set(PLAIN) and set(JA) == set(PLAIN)


def test_each_front_end_shows_its_own_words():
    refusal = NotFound(code="not_found.case", case_id=999)
    assert str(refusal) == "case 999 does not exist"
    assert cli_words(refusal) == "case 999 does not exist (see `shukko case list`)"
    assert japanese(refusal) == "案件 999 は見つかりません。"
    opening = NotFound(code="not_found.opening", fields=("opening",), opening="13:J1")
    assert opening.fields == ("opening",) and "--opening" not in str(opening)


def test_an_unknown_code_is_a_bug_caught_at_once():
    with pytest.raises(KeyError, match="unknown refusal code"):
        NotFound(code="not_found.nothing")
