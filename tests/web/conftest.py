"""A real server and a real browser: the web app on uvicorn in a thread, on this test's
database, and Debian's Chromium driven by Playwright (never `playwright install`)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Chromium's own calls home are refused on a closed network, many at a time: keep it quiet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def chromium():
    """One browser per test module. Not per session: Playwright's sync API keeps an event
    loop running in this thread while it is open, and tests after it call asyncio.run."""
    if not CHROMIUM.exists():
        message = "Debian's chromium package is not installed (apt-get install chromium)"
        if os.environ.get("SHUKKO_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class WebServer:
    """uvicorn serving the app in a thread; `url` is its address."""

    def __init__(self, app) -> None:
        import uvicorn

        from shukko.web.app import SERVER_OPTIONS

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # log_config=None: uvicorn's loggers (access lines too) reach the root logger, where a
        # test's caplog reads them.
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="info", log_config=None,
            **SERVER_OPTIONS,
        )  # fmt: skip
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> WebServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the web server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def web(shukko_env, engine) -> Iterator[WebServer]:
    """The worklist served on this test's database, its business day the helpers' TODAY."""
    from config import get_settings
    from shukko.web.app import create_app
    from tests.helpers import TODAY

    with WebServer(create_app(get_settings(), engine=engine, as_of=TODAY)) as server:
        yield server


@pytest.fixture
def screenshots(tmp_path) -> Path:
    """Where the tests' screenshots go: SHUKKO_SCREENSHOT_DIR, else the test's folder."""
    folder = Path(os.environ.get("SHUKKO_SCREENSHOT_DIR") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
