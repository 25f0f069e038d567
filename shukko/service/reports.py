"""The Center's statistics as the front ends ask for them: the report's tables and its
Markdown (the report itself is built by `night.report`), and the
state diagrams generated from the machines for the docs."""

from __future__ import annotations

from pathlib import Path


def tables(data: dict) -> dict:
    """The report's tables by title: (header, rows)."""
    from shukko.reporting.files import tables as report_tables

    return report_tables(data)


def markdown(data: dict) -> str:
    """The report as Markdown."""
    from shukko.reporting.files import markdown as report_markdown

    return report_markdown(data)


def write_state_diagrams(out: Path) -> list[Path]:
    """Mermaid diagrams of the lifecycles, generated from `states/`, one file each."""
    from shukko.cases.diagrams import write_diagrams

    return write_diagrams(out)
