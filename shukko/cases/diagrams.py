"""Mermaid state diagrams generated from the machines (no Graphviz needed)."""

from __future__ import annotations

from pathlib import Path

from states import MACHINES
from states.guards import CaseFacts

TITLES = {
    "secondment": "在籍型出向 (secondment)",
    "transfer": "移籍 (transfer)",
    "registrant": "再就職支援: キャリア人材バンクの登録者・移籍の求職者 (re-employment)",
}


def mermaid(kind: str) -> str:
    """The Mermaid stateDiagram of a case kind's machine."""
    machine = MACHINES[kind](_Blank(), CaseFacts(headcount=1))
    return f"{machine:mermaid}".strip()


class _Blank:
    state = None


def write_diagrams(out: Path) -> list[Path]:
    """docs/states/<kind>.md for every machine; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in MACHINES:
        path = out / f"{kind}.md"
        path.write_text(
            f"# {TITLES[kind]}\n\n"
            "Generated from the machines in `states/`; do not edit by hand.\n"
            "Guards are shown in brackets; self-loops record facts without changing state.\n\n"
            f"```mermaid\n{mermaid(kind)}\n```\n",
            encoding="utf-8",
        )
        written.append(path)
    return written
