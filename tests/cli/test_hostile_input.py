"""Input that cannot take a machine down: each hostile shape is refused, with a message that
names what is wrong, by a `shukko` process held to bounded time and memory."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sqlmodel import Session

from tests.helpers import make_case, to_preparing

MEMORY = 3 * 1024**3  # address space of the process: a runaway parse dies here, not the host
SECONDS = 60
SHUKKO = [str(Path(sys.executable).parent / "shukko")]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    def bounded() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    return subprocess.run(
        [*SHUKKO, *args],
        capture_output=True,
        text=True,
        timeout=SECONDS,
        preexec_fn=bounded,
        env={**os.environ, **(env or {})},
        cwd=Path(__file__).resolve().parents[2],
    )


def said(result: subprocess.CompletedProcess) -> str:
    """What the command printed, on both streams, as one line (Rich wraps long messages)."""
    return " ".join((result.stdout + result.stderr).split())


@pytest.fixture
def case_id(shukko_env, engine) -> int:
    with Session(engine, expire_on_commit=False) as session:
        case = make_case(session)
        to_preparing(session, case)
        return case.id


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_a_yaml_of_nested_aliases_is_refused(case_id, tmp_path):
    path = tmp_path / "terms.yaml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    result = run("case", "terms", str(case_id), str(path))
    assert result.returncode == 1, result.stderr
    assert "aliases (*name) are not accepted" in said(result)


def test_an_oversized_terms_file_is_refused_unread(case_id, tmp_path):
    path = tmp_path / "terms.yaml"
    path.write_text("note: " + "x" * 300_000 + "\n", encoding="utf-8")
    result = run("case", "terms", str(case_id), str(path))
    assert result.returncode == 1 and "a terms file is at most 262,144 bytes" in said(result)


def bomb(path: Path, megabytes: int) -> Path:
    """An XLSX whose sheet inflates to `megabytes` of one repeated character."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            block = b"0" * (1024 * 1024)
            for _ in range(megabytes):
                part.write(block)
    return path


def test_an_xlsx_that_inflates_too_far_is_refused_before_it_is_opened(shukko_env, tmp_path):
    ratio = run("intake", str(bomb(tmp_path / "ratio.xlsx", 8)), "--json")
    report = json.loads(ratio.stdout)[0]
    assert report["status"] == "failed" and "compressed" in report["reason"]
    total = run(
        "intake",
        str(bomb(tmp_path / "total.xlsx", 40)),
        "--json",
        env={"SHUKKO_MAX_XLSX_UNCOMPRESSED_BYTES": str(32 * 1024 * 1024)},
    )
    report = json.loads(total.stdout)[0]
    assert report["status"] == "failed" and "inflates to 41,943," in report["reason"]


def test_a_note_too_long_and_a_date_two_centuries_ago_are_refused(case_id):
    long_note = run("case", "event", str(case_id), "record_tour", "--note", "x" * 100_000)
    assert long_note.returncode == 1
    assert "--note: 100,000 characters; at most 2,000" in said(long_note)
    old = run("case", "event", str(case_id), "record_tour", "--at", "1800-01-01")
    assert old.returncode == 1 and "--at: 1800-01-01 is outside the dates accepted" in said(old)
