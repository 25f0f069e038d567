"""The CLI's wording of refusals (shukko.refusals): the plain sentence, with the option it
concerns and the command that helps."""

from __future__ import annotations

from shukko.errors import ShukkoError

CLI = {
    "not_found.case": "case {case_id} does not exist (see `shukko case list`)",
    "not_found.offer": "no offer {offer} (see `shukko offers list`)",
    "not_found.side_offer": "no {side} offer {offer} (see `shukko offers list`)",
    "not_found.opening": "--opening: no opening {opening} (see `shukko openings list`)",
    "not_found.registrant": "registrant {registrant_id} does not exist (see `shukko bank list`)",
    "not_found.user": "no user {name!r} (see `shukko user list`)",
    "not_found.company": (
        "--via-company: no company {company!r} is known (by corporate number or name); it is "
        "known once an offer or opening of it was imported"
    ),
}


def cli_words(exc: ShukkoError) -> str:
    """What the CLI prints for a refusal."""
    if exc.code is None:
        return str(exc)
    return CLI[exc.code].format(**exc.params)
