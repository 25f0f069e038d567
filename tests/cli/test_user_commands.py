"""`shukko user ...` and `shukko audit personal-data` from the command line, and `shukko web`
answering on its port."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from typer.testing import CliRunner

from shukko.cli import app
from tests.web.conftest import free_port

runner = CliRunner()
PASSWORD = "correct horse battery"


def shukko(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin)


def test_users_are_added_listed_disabled_and_given_new_passwords(shukko_env):
    added = shukko("user", "add", "sato", "--office", "愛知県", "--role", "office_admin",
                   "--password-stdin", "--json", stdin=PASSWORD + "\n")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert json.loads(added.output) == {
        "name": "sato", "office": "23", "role": "office_admin", "role_label": "事務所管理者",
        "disabled": False, "locked_until": None,
    }  # fmt: skip
    prompted = shukko("user", "add", "kato", "--office", "13", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert prompted.exit_code == 0 and "consultant" in prompted.output

    again = shukko("user", "add", "sato", "--office", "13", "--password-stdin",
                   stdin=PASSWORD + "\n")  # fmt: skip
    assert again.exit_code == 1 and "exists already" in again.output
    short = shukko("user", "add", "ito", "--office", "13", "--password-stdin", stdin="short\n")
    assert short.exit_code == 1 and "at least 12 characters" in short.output
    role = shukko("user", "add", "ito", "--office", "13", "--role", "boss", "--password-stdin",
                  stdin=PASSWORD + "\n")  # fmt: skip
    assert role.exit_code == 1 and "--role" in role.output

    assert shukko("user", "disable", "kato").exit_code == 0
    listed = {u["name"]: u for u in json.loads(shukko("user", "list", "--json").output)}
    assert listed["kato"]["disabled"] and not listed["sato"]["disabled"]
    table = shukko("user", "list").output
    assert "disabled" in table and "2 user(s)" in table and "$argon2" not in table

    changed = shukko("user", "passwd", "sato", "--password-stdin", stdin="a new long password\n")
    assert changed.exit_code == 0
    missing = shukko("user", "passwd", "nobody", "--password-stdin", stdin=PASSWORD + "\n")
    assert missing.exit_code == 1 and "no user 'nobody'" in missing.output


def test_a_lock_is_lifted_and_a_users_sessions_ended_from_the_command_line(shukko_env, session):
    from datetime import UTC, datetime

    from shukko.service.sessions import SignInRefused, sign_in, signed_in

    assert shukko("user", "add", "sato", "--office", "23", "--password-stdin",
                  stdin=PASSWORD + "\n").exit_code == 0  # fmt: skip
    now = datetime.now(UTC)
    token, _ = sign_in(session=session, name="sato", password=PASSWORD, now=now)
    for _ in range(5):
        try:
            sign_in(session=session, name="sato", password="wrong", now=now)
        except SignInRefused:
            session.commit()
    assert json.loads(shukko("user", "list", "--json").output)[0]["locked_until"] is not None

    unlocked = shukko("user", "unlock", "sato", "--json")
    assert unlocked.exit_code == 0 and json.loads(unlocked.output)["locked_until"] is None
    assert sign_in(session=session, name="sato", password=PASSWORD, now=now)[0]
    session.commit()

    ended = shukko("user", "signout", "sato", "--json")
    assert ended.exit_code == 0 and json.loads(ended.output) == {
        "user": "sato", "sessions_ended": 2}  # fmt: skip
    session.expire_all()
    assert signed_in(session=session, token=token, now=now) is None
    for command in ("unlock", "signout"):
        missing = shukko("user", command, "nobody")
        assert missing.exit_code == 1 and "no user 'nobody'" in missing.output


def test_the_audit_log_is_empty_until_someone_looks(shukko_env):
    listed = shukko("audit", "personal-data", "--json")
    assert listed.exit_code == 0 and json.loads(listed.output) == []
    assert "0 view(s)" in shukko("audit", "personal-data", "--since", "2024-04-01").output
    bad = shukko("audit", "personal-data", "--since", "yesterday")
    assert bad.exit_code == 1 and "--since" in bad.output


def test_shukko_web_serves_the_sign_in_page(shukko_env):
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "shukko"), "web", "--port", str(port)],
        env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login") as answer:
                    page = answer.read().decode()
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "shukko web did not answer"
                time.sleep(0.2)
        # Nothing is loaded from another host: no address with a scheme on the page.
        assert "ログイン" in page and "://" not in page
    finally:
        server.terminate()
        server.wait(timeout=10)
