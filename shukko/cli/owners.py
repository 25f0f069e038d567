"""担当者 and メモ from the command line, for cases and registrants alike (`case assign`,
`case note`, `bank assign`, `bank note`). At the server the operator assigns anyone of the
subject's offices: no account's limits apply."""

from __future__ import annotations

from shukko.cli.common import console, default_actor, limits, print_json, session, today


def assign_owner(kind: str, subject_id: int, to: str, by: str | None, as_json: bool) -> None:
    from shukko.service.owners import Subject
    from shukko.service.owners import assign_owner as assign

    with session() as opened:
        result = assign(
            session=opened, subject=Subject(kind, subject_id), to=to, by=None,
            actor=by or default_actor(), today=today(), limits=limits(),
        )  # fmt: skip
    if as_json:
        print_json(result)
    else:
        before = f" (was {result.previous})" if result.previous else " (was unowned)"
        console.print(f"{kind} {subject_id}: owner {result.owner}{before}")


def write_note(kind: str, subject_id: int, text: str, by: str | None, as_json: bool) -> None:
    from shukko.service.owners import Subject, add_note

    with session() as opened:
        result = add_note(
            session=opened, subject=Subject(kind, subject_id), text=text,
            actor=by or default_actor(), today=today(), limits=limits(),
        )  # fmt: skip
    if as_json:
        print_json(result)
    else:
        console.print(f"{kind} {subject_id}: note written")
