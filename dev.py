#!/usr/bin/env python3
"""The README's two commands, needing nothing but Python 3.11+:

    python3 dev.py demo    set up .venv, create the database, simulate a fiscal year, report
    python3 dev.py test    set up .venv, lint, run the tests (extra args go to pytest)

Everything lives in the project folder: .venv/, var/ (database, Prefect home).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".shukko-installed"


def run(*args: str | Path, **env: str) -> None:
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env={**os.environ, **env})
    if result.returncode:
        sys.exit(result.returncode)


def setup() -> None:
    """Create .venv and install the project with its test tools, once per pyproject change."""
    if sys.version_info < (3, 11):  # noqa: UP036  (dev.py runs before any venv exists)
        sys.exit(f"shukko needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not (BIN / "python").exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    print("installing shukko and its dependencies into .venv ...", flush=True)
    run(BIN / "python", "-m", "pip", "install", "-q", "--upgrade", "pip")
    run(BIN / "python", "-m", "pip", "install", "-q", "-e", ".[test]")
    STAMP.write_text(wanted)


def letter_font() -> None:
    """The Japanese Mincho font the letters' PDFs embed, installed when missing on a Debian
    machine we may install on; otherwise say what to install."""
    if Path("/usr/share/fonts/opentype/ipafont-mincho/ipam.ttf").exists():
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        run("bash", ROOT / "scripts" / "install-letter-font.sh")
    elif not os.environ.get("SHUKKO_LETTER_FONT"):
        print("note: the letters' PDFs need a Japanese Mincho font: apt-get install "
              "fonts-ipafont-mincho, or set SHUKKO_LETTER_FONT to a TrueType file", flush=True)


def browser() -> None:
    """Debian's Chromium for the browser tests, installed when missing and this is a Debian
    machine we may install on (root); otherwise those tests are skipped, saying why."""
    if Path("/usr/bin/chromium").exists():
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        run("bash", ROOT / "scripts" / "install-browser.sh")
    else:
        print("note: /usr/bin/chromium is missing: the browser tests will be skipped "
              "(apt-get install chromium)", flush=True)


def compile_kernels() -> None:
    """Matching's compiled kernels, cached once so that a first run does not compile."""
    run(BIN / "python", "-m", "shukko.matching.compile")


def main() -> None:
    command, *rest = sys.argv[1:] or ["help"]
    os.environ.setdefault("DO_NOT_TRACK", "1")
    if command == "demo":
        setup()
        compile_kernels()
        letter_font()
        run(BIN / "shukko", "db", "upgrade")
        # The main job: the demo year on a fresh embedded database (SQLite in var/).
        run(BIN / "shukko", "demo", "--fresh", *rest)
    elif command == "test":
        setup()
        compile_kernels()
        letter_font()
        browser()
        run(BIN / "ruff", "check", ".")
        run(BIN / "python", "-m", "pytest", *rest)
    elif command == "setup":
        setup()
        compile_kernels()
    else:
        print(__doc__)
        sys.exit(0 if command == "help" else 2)


if __name__ == "__main__":
    main()
