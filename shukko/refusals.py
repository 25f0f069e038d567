"""Refusals as data: each code with its plain sentence, which names no front end's options
or commands (the CLI's wording is shukko.cli.refusals, the web's shukko.web.refusals).

Raise them as `NotFound(code="not_found.case", case_id=7)`; the parameters fill the
sentences of every catalogue, and `fields` names the form fields a refusal concerns."""

from __future__ import annotations

PLAIN = {
    "not_found.case": "case {case_id} does not exist",
    "not_found.offer": "no offer {offer}",
    "not_found.side_offer": "no {side} offer {offer}",
    "not_found.opening": "no opening {opening}",
    "not_found.registrant": "registrant {registrant_id} does not exist",
    "not_found.user": "no user {name!r}",
    "not_found.company": (
        "no company {company!r} is known (by corporate number or name); it is known once an "
        "offer or opening of it was imported"
    ),
}


def plain(code: str | None, params: dict) -> str:
    """The plain sentence of a refusal code with its parameters."""
    if code not in PLAIN:
        raise KeyError(f"unknown refusal code {code!r}: add it to shukko.refusals.PLAIN")
    return PLAIN[code].format(**params)
