"""The web command as an operator runs it — its own process, two worker processes — logs what
docs/operations.md says it logs, before and after a flow start that failed for want of a
Prefect server (that failure used to silence the log for the rest of the process)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from shukko.service.accounts import add_user
from tests.helpers import give_worker, make_case, to_preparing
from tests.web.conftest import free_port

PASSWORD = "correct horse battery"
pytestmark = pytest.mark.slow


def sign_in(client: httpx.Client, name: str, password: str = PASSWORD) -> httpx.Response:
    form = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    return client.post("/login", data={"name": name, "password": password,
                                       "csrf_token": token})  # fmt: skip


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the web command ended: {process.stderr.read()}")
        try:
            httpx.get(f"{url}/login", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError("the web command did not answer")


def test_the_server_logs_its_documented_lines_before_and_after_a_failed_flow_start(
    shukko_env, session, tmp_path
):
    for name, office, role in (("sato", "23", "consultant"), ("suzuki", "13", "office_admin")):
        add_user(session=session, name=name, office=office, role=role, password=PASSWORD)
    case = make_case(session, headcount=2)
    to_preparing(session, case)
    give_worker(session, case, consent=False)
    session.commit()

    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
    log_file = tmp_path / "web.log"
    with log_file.open("w") as log:
        process = subprocess.Popen(
            [Path(sys.executable).parent / "shukko", "web", "--port", str(port), "--workers", "2",
             "--as-of", "2024-06-03"],
            env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
            cwd=Path(__file__).resolve().parents[2],
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for(url, process)
            with httpx.Client(base_url=url) as admin, httpx.Client(base_url=url) as sato:
                assert sign_in(admin, "suzuki", "wrong password").status_code == 401
                assert sign_in(admin, "suzuki").status_code == 303
                flows = admin.get("/flows").text
                assert admin.post("/flows/nightly/run",
                                  data={"csrf_token": csrf(flows)}).status_code == 503
                # After the failed start, in either worker: steps, views, pages.
                assert sign_in(sato, "sato").status_code == 303
                page = sato.get(f"/cases/{case.id}").text
                version = re.search(r'name="version" value="(\d+)"', page).group(1)
                step = sato.post(
                    f"/cases/{case.id}/events/record_union_agreement",
                    data={"csrf_token": csrf(page), "version": version},
                )
                assert step.status_code == 303
                # The worker form: saved and refused, the name and birth date as sentinels.
                worker = {"csrf_token": csrf(page), "name": "機密 太郎ZQX",
                          "birth_date": "1901-02-03", "qualifications": "機密資格ZQX"}
                refused = sato.post(f"/cases/{case.id}/workers",
                                    data={**worker, "birth_date": "1901-02-31"})
                assert refused.status_code == 422
                saved = sato.post(f"/cases/{case.id}/workers", data=worker)
                assert saved.status_code == 303
                shown = admin.post(f"/cases/{case.id}/personal-data",
                                   data={"csrf_token": csrf(flows)})  # fmt: skip
                assert shown.status_code == 303  # then the page, with the names, once
                assert "機密 太郎ZQX" in admin.get(f"/cases/{case.id}").text
                for _ in range(6):
                    assert admin.get("/").status_code == 200
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)
    lines = log_file.read_text()
    failed_start = lines.index("POST /flows/nightly/run HTTP/1.1\" 503")
    after = lines[failed_start:]
    assert "sign-in refused (signin.refused)" in lines
    assert "flow nightly not started for suzuki: RuntimeError" in lines
    assert f"case {case.id}: record_union_agreement by sato" in after
    assert f"personal data of case {case.id} shown to suzuki" in after
    assert after.count('"GET / HTTP/1.1" 200') == 6
    assert "試験 花子" not in lines  # the worker's name never reaches the log
    assert [s for s in ("機密", "ZQX", "1901-02-03", "1901") if s in lines] == []
    assert re.search(rf"case {case.id}: worker \d+ assigned by sato", after)
    # Both worker processes served, each with its own log configured.
    assert len(set(re.findall(r"Started server process \[(\d+)\]", lines))) == 2
