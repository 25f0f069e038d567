"""The committed diagrams are the ones the machines generate."""

from __future__ import annotations

from pathlib import Path

from shukko.cases.diagrams import write_diagrams

DOCS = Path(__file__).resolve().parent.parent / "docs" / "states"


def test_committed_diagrams_are_current(tmp_path):
    for generated in write_diagrams(tmp_path):
        committed = DOCS / generated.name
        assert committed.exists(), f"run `shukko diagram` to create {committed}"
        assert committed.read_text(encoding="utf-8") == generated.read_text(encoding="utf-8"), (
            f"{committed} is out of date: run `shukko diagram`"
        )
