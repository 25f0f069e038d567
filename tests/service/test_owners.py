"""担当者 and メモ: who may own a case or a registrant, and notes beside their history."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from shukko.cli import app
from shukko.errors import ConcurrentChange, InvalidInput, NotFound
from shukko.limits import InputLimits
from shukko.service.accounts import add_user
from shukko.service.bank import registrant_view
from shukko.service.case_views import case_view
from shukko.service.owners import Subject, add_note, assign_owner
from shukko.service.sessions import Account
from tests.bank.test_bank import enrol
from tests.helpers import TODAY, make_case

PASSWORD = "correct horse battery"


def users(session, *people: tuple[str, str, str]) -> dict[str, Account]:
    """(name, office, role) → the account each signs in as."""
    accounts = {}
    for name, office, role in people:
        add_user(session=session, name=name, office=office, role=role, password=PASSWORD)
        accounts[name] = Account(name=name, office=office, role=role, csrf_token="t")
    session.commit()
    return accounts


def assign(session, subject, to, by):
    result = assign_owner(session=session, subject=subject, to=to, by=by,
                          actor=by.name if by else "operator", today=TODAY)  # fmt: skip
    session.commit()
    return result


def test_consultants_take_unowned_cases_and_admins_reassign_within_their_office(session):
    case = make_case(session)  # sent from office 23 to office 13
    staff = users(session, ("sato", "13", "consultant"), ("kato", "23", "consultant"),
                  ("ito", "13", "consultant"), ("boss", "13", "office_admin"),
                  ("osaka", "27", "office_admin"), ("far", "27", "consultant"))  # fmt: skip
    subject = Subject("case", case.id)
    version = case.version

    taken = assign(session, subject, "sato", staff["sato"])
    assert (taken.owner, taken.previous) == ("sato", None)
    assert assign(session, subject, "sato", staff["sato"]).owner == "sato"  # a second click

    with pytest.raises(InvalidInput) as taken_already:
        assign(session, subject, "kato", staff["kato"])  # the other office's consultant
    assert taken_already.value.code == "owner.taken"
    assert taken_already.value.params["owner"] == "sato"
    with pytest.raises(InvalidInput) as not_theirs:
        assign(session, subject, "ito", staff["sato"])  # a consultant assigning another
    assert not_theirs.value.code == "owner.not_allowed"
    with pytest.raises(InvalidInput) as elsewhere:
        assign(session, subject, "far", None)  # office 27 has no part in the case
    assert elsewhere.value.code == "owner.other_office" and elsewhere.value.fields == ("to",)
    with pytest.raises(InvalidInput) as other_admin:
        assign(session, subject, "sato", staff["osaka"])
    assert other_admin.value.code == "owner.not_allowed"
    with pytest.raises(NotFound):
        assign(session, subject, "nobody", None)

    moved = assign(session, subject, "ito", staff["boss"])
    assert (moved.owner, moved.previous) == ("ito", "sato")

    view = case_view(session=session, case_id=case.id, today=TODAY)
    assert view.owner == "ito"
    assert [(n.kind, n.owner, n.by) for n in view.notes] == [
        ("owner", "sato", "sato"), ("owner", "ito", "boss"),
    ]  # fmt: skip
    assert view.version == version  # an owner is not a step: open forms stay current


def test_notes_are_written_bounded_and_shown_with_the_registrant(session):
    registrant = enrol(session)
    users(session, ("sato", "13", "consultant"), ("far", "27", "consultant"))
    subject = Subject("registrant", registrant.id)

    assign(session, subject, "sato", None)
    add_note(session=session, subject=subject, text="  面談は午前を希望  ", actor="sato",
             today=TODAY)  # fmt: skip
    session.commit()
    with pytest.raises(InvalidInput) as empty:
        add_note(session=session, subject=subject, text="   ", actor="sato", today=TODAY)
    assert empty.value.code == "input.note_empty"
    with pytest.raises(InvalidInput) as long:
        add_note(session=session, subject=subject, text="長" * 2001, actor="sato", today=TODAY,
                 limits=InputLimits(max_text_chars=2000))  # fmt: skip
    assert long.value.code == "input.text_too_long" and long.value.fields == ("text",)
    with pytest.raises(InvalidInput):
        assign(session, subject, "far", None)  # the registrant is office 13's

    view = registrant_view(session=session, registrant_id=registrant.id)
    assert view.owner == "sato"
    assert [(n.kind, n.text) for n in view.notes] == [("owner", None), ("note", "面談は午前を希望")]


def test_the_cli_assigns_and_notes(shukko_env, engine):
    from sqlmodel import Session

    with Session(engine) as session:
        case_id = make_case(session).id
        users(session, ("sato", "13", "consultant"), ("far", "27", "consultant"))
    runner = CliRunner()

    assigned = runner.invoke(app, ["case", "assign", str(case_id), "--to", "sato", "--json"])
    assert assigned.exit_code == 0, assigned.output
    assert json.loads(assigned.output) == {
        "kind": "case", "id": case_id, "owner": "sato", "previous": None,
    }  # fmt: skip
    refused = runner.invoke(app, ["case", "assign", str(case_id), "--to", "far"])
    assert refused.exit_code == 1 and "--to" in refused.output and "office 27" in refused.output
    long_name = runner.invoke(app, ["case", "note", str(case_id), "--text", "x",
                                    "--by", "b" * 2001])  # fmt: skip
    assert long_name.exit_code == 1 and "--by" in long_name.output  # said, nothing written
    noted = runner.invoke(app, ["case", "note", str(case_id), "--text", "先方は来週回答"])
    assert noted.exit_code == 0, noted.output
    shown = runner.invoke(app, ["case", "show", str(case_id)])
    assert "owner     sato" in shown.output and "先方は来週回答" in shown.output
    data = json.loads(runner.invoke(app, ["case", "show", str(case_id), "--json"]).output)
    assert data["owner"] == "sato" and data["notes"][-1]["text"] == "先方は来週回答"
    assert len(data["notes"]) == 2  # the owner's change and the one note


def test_a_conflicting_owner_change_is_a_conflict(session, monkeypatch):
    """The owner changed between the read and the write (another request committed): the
    UPDATE finds no row with the owner read, and nothing is recorded."""
    from sqlalchemy import update

    from models import Case
    from shukko.service import owners

    case = make_case(session)
    staff = users(session, ("sato", "13", "consultant"), ("boss", "13", "office_admin"))
    read = owners.offices_and_owner

    def stale_read(session, subject):  # what was read before the other's commit
        offices, _owner = read(session, subject)
        session.execute(update(Case).where(Case.id == case.id).values(owner_id=1))
        return offices, None

    monkeypatch.setattr(owners, "offices_and_owner", stale_read)
    with pytest.raises(ConcurrentChange):
        assign_owner(session=session, subject=Subject("case", case.id), to="sato",
                     by=staff["sato"], actor="sato", today=TODAY)  # fmt: skip
