"""The layers keep their direction (docs/architecture.md): the front ends reach the domain
only through the service; the domain imports neither the service nor a front end; the domain
and the service import neither flows nor Prefect (but the service's flow runs); config and
models do not import each other's way up; and no module imports itself back, however far
round (lazy imports in functions included)."""

from __future__ import annotations

import ast
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The modules of shukko/ that may import flows: the CLI's flow commands (run, serve, the
# demo's last night) and the service's flow runs (the web's flows page asks it).
FLOW_COMMANDS = {"shukko/cli/flows.py", "shukko/service/flow_runs.py"}


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


FRONT_ENDS = ("shukko/cli", "shukko/web", "flows")
# What a front end may import of this project: the service, the demo (the CLI's demo
# command), the shared helpers, config, and its own modules.
FRONT_END_MAY_IMPORT = (
    "shukko.service", "shukko.demo", "shukko.errors", "shukko.clock", "shukko.refusals",
    "shukko.limits", "shukko.case_rules", "config",
)  # fmt: skip


def project_imports(path: Path) -> set[str]:
    return {n for n in imported_modules(path) if top(n) in ("shukko", "models", "states", "flows")}


# The CLI starts the other front ends: `shukko web` serves the app, `shukko run` and
# `shukko serve` the flows.
CLI_STARTS = ("shukko.web.app", "shukko.web.serving", "flows")


def test_front_ends_reach_the_domain_only_through_the_service():
    offenders = {}
    for folder in FRONT_ENDS:
        own = folder.replace("/", ".")
        allowed = (own, *FRONT_END_MAY_IMPORT, *(CLI_STARTS if folder == "shukko/cli" else ()))
        for path in modules_under(folder):
            outside = {name for name in project_imports(path) if not name.startswith(allowed)}
            if outside:
                offenders[str(path.relative_to(ROOT))] = sorted(outside)
    assert offenders == {}


def test_the_domain_never_imports_the_service_and_flows_no_other_front_end():
    above_domain = ("shukko/service/", "shukko/cli/", "shukko/web/", "shukko/demo/")
    for path in modules_under("shukko"):
        relative = str(path.relative_to(ROOT))
        if not relative.startswith(above_domain):
            assert not {n for n in imported_modules(path) if n.startswith("shukko.service")}, path
    for path in modules_under("flows"):
        names = imported_modules(path)
        assert not {n for n in names if n.startswith(("shukko.cli", "shukko.web"))}, path


def module_graph() -> dict[str, set[str]]:
    """Every project module and the project modules it imports (a name imported from a
    package that is itself a module counts as that module)."""
    modules = {}
    for folder in ("shukko", "states", "models", "flows", "config"):
        for path in modules_under(folder):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph = {}
    for name, path in modules.items():
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets |= {resolve(alias.name) for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets.add(resolve(node.module))
                targets |= {
                    module
                    for alias in node.names
                    if (module := resolve(f"{node.module}.{alias.name}")) != resolve(node.module)
                }
        graph[name] = {target for target in targets if target and target != name}
    return graph


def test_no_import_cycle_anywhere():
    graph = module_graph()
    cycles = []
    for start in graph:
        # depth-first from each module: a path back to it is a cycle
        stack, seen = [(start, (start,))], set()
        while stack:
            node, trail = stack.pop()
            for target in graph[node]:
                if target == start:
                    cycles.append(" -> ".join((*trail, start)))
                elif target not in seen:
                    seen.add(target)
                    stack.append((target, (*trail, target)))
    assert cycles == []


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


def test_no_production_module_over_450_lines_nor_function_over_80():
    """Sizes a reader takes in: a module of one job, a function that fits a screen or two."""
    too_long = []
    for folder in ("shukko", "states", "models", "flows", "config"):
        for path in modules_under(folder):
            if "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            if len(text.splitlines()) > 450:
                too_long.append(f"{path.relative_to(ROOT)}: {len(text.splitlines())} lines")
            for node in ast.walk(ast.parse(text)):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    length = node.end_lineno - node.lineno + 1
                    if length > 80:
                        too_long.append(f"{path.relative_to(ROOT)}:{node.name}: {length} lines")
    assert too_long == []
