"""The layers keep their direction (docs/architecture.md): the domain and the service layer
import neither flows nor Prefect, only the CLI's flow commands do; config and models do not
import each other's way up."""

from __future__ import annotations

import ast
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The modules of shukko/ that may import flows: the CLI's flow commands (run, serve, the
# demo's last night) and the web worklist's flows page.
FLOW_COMMANDS = {"shukko/cli/flows.py", "shukko/web/flows_page.py"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def top(name: str) -> str:
    return name.split(".")[0]


def modules_under(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def test_nothing_under_shukko_but_the_flow_commands_imports_flows_or_prefect():
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            name for name in imported_modules(path) if top(name) in ("flows", "prefect")
        )
        for path in modules_under("shukko")
        if str(path.relative_to(ROOT)) not in FLOW_COMMANDS
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_domain_and_service_import_no_front_end():
    for path in modules_under("shukko"):
        relative = str(path.relative_to(ROOT))
        if relative.startswith(("shukko/cli/", "shukko/web/")):
            continue
        names = imported_modules(path)
        front_ends = ("shukko.cli", "shukko.web", "typer", "rich", "fastapi", "starlette")
        assert not {n for n in names if n.startswith(front_ends)} or (
            relative.startswith("shukko/demo/")  # the demo's progress bar is Rich's
        ), relative


def test_models_import_no_config_and_config_only_reference_data():
    for path in modules_under("models"):
        if "migrations" in path.parts:
            continue
        assert not {n for n in imported_modules(path) if top(n) in ("config", "shukko", "flows")}
    for path in modules_under("config"):
        outward = {n for n in imported_modules(path) if top(n) in ("models", "shukko", "flows")}
        assert outward <= {"models.reference"}, path


def test_states_import_nothing_above_them():
    for path in modules_under("states"):
        assert not {
            n for n in imported_modules(path) if top(n) in ("models", "shukko", "flows", "config")
        }, path


def test_importing_the_flows_sets_no_environment_variable():
    """The environment is set where a process starts (config.settings.prepare_prefect), not
    as a side effect of an import."""
    import subprocess
    import sys

    script = (
        "import os; before = dict(os.environ); import flows, flows.parameters; "
        "print(sorted(set(os.environ.items()) ^ set(before.items())))"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DO_"))}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
        env=environment, check=True,
    )  # fmt: skip
    assert done.stdout.strip() == "[]"
