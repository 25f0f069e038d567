"""`shukko bank ...` (キャリア人材バンク: registrants aged 60 and over) and `shukko openings`."""

from __future__ import annotations

import re
from typing import Annotated

import typer

from shukko.cli.common import (
    AllOption,
    JsonOption,
    LimitOption,
    console,
    default_actor,
    limits,
    parse_date,
    print_json,
    row_limit,
    session,
    settings,
    show_listing,
    today,
)

app = typer.Typer(
    help="キャリア人材バンク: register people aged 60 and over, introduce openings, record "
    "re-employment.",
    no_args_is_help=True,
)
openings_app = typer.Typer(help="The career bank's openings (求人).", no_args_is_help=True)


def _bank_rules():
    from shukko.service.bank import rules_from

    return rules_from(settings())


def _list(text: str | None) -> list[str]:
    return [part.strip() for part in re.split(r"[;,、]", text or "") if part.strip()]


@app.command("register")
def bank_register(
    office: Annotated[str, typer.Option(help="office code 01-47 or name")],
    name: Annotated[str, typer.Option(help="the registrant's name (個人情報)")],
    birth_date: Annotated[str, typer.Option(help="birth date, 1963-05-10 (個人情報)")],
    leaving_on: Annotated[str, typer.Option(help="the leaving day (離職日)")],
    reason: Annotated[str, typer.Option(help="teinen (定年), keizoku (継続雇用終了) or other")],
    via_company: Annotated[
        str | None,
        typer.Option(help="the company asking for help (支援依頼): corporate number or name"),
    ] = None,
    occupations: Annotated[
        str | None, typer.Option(help="occupation groups of experience, A-L or names, a;b")
    ] = None,
    qualifications: Annotated[str | None, typer.Option(help="qualifications held, a;b")] = None,
    areas: Annotated[
        str | None, typer.Option(help="desired prefectures, blocks or 全国, a;b")
    ] = None,
    employment_type: Annotated[str, typer.Option(help="full_time, part_time or either")] = "either",
    wage: Annotated[
        int | None, typer.Option(help="desired wage in yen: monthly, or hourly under 10,000")
    ] = None,
    hours: Annotated[int | None, typer.Option(help="hours per week wanted")] = None,
    contact: Annotated[str | None, typer.Option(help="contact (個人情報)")] = None,
    by: Annotated[str | None, typer.Option(help="who registered (default: you)")] = None,
    as_json: JsonOption = False,
) -> None:
    """登録: register a person with the career bank (eligibility checked)."""
    from shukko.service.cases import office_code
    from shukko.service.inputs import NewRegistrant

    registration = NewRegistrant(
        office_code=office_code(office) or "",
        name=name,
        birth_date=parse_date(birth_date, "--birth-date", window=False),
        leaving_on=parse_date(leaving_on, "--leaving-on"),
        reason=reason,
        via_company=via_company,
        occupations=_list(occupations),
        qualifications=_list(qualifications),
        areas=_list(areas),
        employment_type=employment_type,
        wage_yen=wage,
        hours_per_week=hours,
        contact=contact,
    )
    save_registration(registration, by, as_json)


def save_registration(registration, by: str | None, as_json: bool) -> None:
    """登録 of a registrant or a job seeker; prints the view (no name)."""
    from shukko.service.bank import register_person

    with session() as opened:
        view = register_person(
            session=opened,
            registration=registration,
            actor=by or default_actor(),
            today=today(),
            rules=_bank_rules(),
            limits=limits(),
        )
    if as_json:
        print_json(view)
    else:
        who = "job seeker" if view.programme == "transfer" else "registrant"
        console.print(f"{who} {view.id} registered ({view.state}, {view.route})")


@app.command("list")
def bank_list(
    state: Annotated[str | None, typer.Option(help="only registrants in this state")] = None,
    office: Annotated[str | None, typer.Option(help="office code 01-47 or name")] = None,
    limit: LimitOption = None,
    every: AllOption = False,
    as_json: JsonOption = False,
) -> None:
    """List registrants (no names)."""
    list_people("career_bank", state, office, limit, every, as_json)


def list_people(programme: str, state: str | None, office: str | None, limit: int | None,
                every: bool, as_json: bool) -> None:  # fmt: skip
    """Registrants of the career bank or a transfer's job seekers (no names)."""
    from shukko.service.bank import RegistrantFilter, list_registrants
    from shukko.service.cases import office_code

    with session() as opened:
        listing = list_registrants(
            session=opened,
            where=RegistrantFilter(state=state, office=office_code(office), programme=programme),
            limit=row_limit(limit, every, as_json),
        )
        show_listing(
            listing,
            as_json,
            ("id", "office", "state", "route", "registered", "leaving", "age", "wants"),
            lambda row: (
                str(row.id),
                row.office,
                f"{row.state} ({row.state_label})",
                row.route,
                str(row.registered_on),
                str(row.leaving_on),
                str(row.age_at_leaving),
                row.employment_type,
            ),
            "registrant(s)" if programme == "career_bank" else "job seeker(s)",
        )


@app.command("show")
def bank_show(
    registrant_id: Annotated[int, typer.Argument(metavar="ID")],
    with_personal_data: Annotated[
        bool, typer.Option("--with-personal-data", help="show name, birth date, contact")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """A registrant: wishes, consent, introductions, suggestions, next steps, history."""
    show_person(registrant_id, with_personal_data, as_json)


def show_person(registrant_id: int, with_personal_data: bool, as_json: bool) -> None:
    from shukko.service.bank import registrant_view

    with session() as opened:
        view = registrant_view(
            session=opened, registrant_id=registrant_id, with_personal_data=with_personal_data
        )
    if as_json:
        print_json(view)
        return
    from shukko.cli.render import render_registrant

    render_registrant(view)


@app.command("assign")
def bank_assign(
    registrant_id: Annotated[int, typer.Argument(metavar="ID")],
    to: Annotated[str, typer.Option(help="the user who owns it from now (担当者)")],
    by: Annotated[str | None, typer.Option(help="who assigns it")] = None,
    as_json: JsonOption = False,
) -> None:
    """担当者: make a user of the registrant's office responsible for them."""
    from shukko.cli.owners import assign_owner

    assign_owner("registrant", registrant_id, to, by, as_json)


@app.command("note")
def bank_note(
    registrant_id: Annotated[int, typer.Argument(metavar="ID")],
    text: Annotated[str, typer.Option(help="the note (メモ); no personal data")],
    by: Annotated[str | None, typer.Option(help="who writes it")] = None,
    as_json: JsonOption = False,
) -> None:
    """メモ: a note on the registrant, shown with their history (not a lifecycle event)."""
    from shukko.cli.owners import write_note

    write_note("registrant", registrant_id, text, by, as_json)


@app.command("event")
def bank_event(
    registrant_id: Annotated[int, typer.Argument(metavar="ID")],
    event: Annotated[
        str,
        typer.Argument(
            help="counsel|record_consent|introduce|schedule_interview|offer|record_outcome|"
            "hire|close"
        ),
    ],
    opening: Annotated[str | None, typer.Option(help="the opening, OFFICE:OPENING_ID")] = None,
    on: Annotated[
        str | None,
        typer.Option(help="the hiring day (hire), the interview's day (schedule_interview)"),
    ] = None,
    outcome: Annotated[
        str | None, typer.Option(help="record_outcome: rejected (不採用) or declined (辞退)")
    ] = None,
    start: Annotated[
        str | None, typer.Option(help="offer: the first day agreed (入社予定日)")
    ] = None,
    at: Annotated[str | None, typer.Option(help="date of the step (default today)")] = None,
    by: Annotated[str | None, typer.Option(help="who did it (default: you)")] = None,
    note: Annotated[str | None, typer.Option(help="note; the reason for close")] = None,
    expect_version: Annotated[
        int | None, typer.Option(help="refuse if the registrant's version is not this one")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Send an event to a registrant."""
    send_event(registrant_id, event, opening, on=on, at=at, by=by, note=note,
               expect_version=expect_version, outcome=outcome, start=start,
               as_json=as_json)  # fmt: skip


def send_event(
    registrant_id: int, event: str, target: str | None, *, on: str | None, at: str | None,
    by: str | None, note: str | None, expect_version: int | None, outcome: str | None,
    start: str | None, as_json: bool, who: str = "registrant",
) -> None:  # fmt: skip
    """One step of a registrant or a job seeker (the same engine)."""
    from shukko.service.bank import fire
    from shukko.service.inputs import RegistrantStep

    day = parse_date(on, "--on") or parse_date(at, "--at")
    request = RegistrantStep(
        registrant_id=registrant_id,
        event=event,
        actor=by or default_actor(),
        on=day,
        opening=target,
        note=note,
        expected_version=expect_version,
        outcome=outcome,
        start_on=parse_date(start, "--start"),
    )
    with session() as opened:
        result = fire(session=opened, request=request, today=today(), limits=limits(),
                      rules=_bank_rules())  # fmt: skip
    if as_json:
        print_json(result)
    else:
        shown = f" ({result.opening})" if result.opening else ""
        console.print(
            f"{who} {registrant_id}: {result.event}{shown} ({result.from_} -> "
            f"{result.to}), event #{result.seq}"
        )


@app.command("match")
def bank_match(
    as_of: Annotated[str | None, typer.Option(help="the day (default today)")] = None,
    office: Annotated[str | None, typer.Option(help="office code 01-47 or name")] = None,
    registrant: Annotated[
        int | None, typer.Option(help="one registrant's best openings (creates nothing)")
    ] = None,
    top: Annotated[int, typer.Option(help="how many openings, with --registrant")] = 5,
    as_json: JsonOption = False,
) -> None:
    """Suggestions: openings that fit each counselled registrant who consented."""
    run_matching("career_bank", as_of, office, registrant, top, as_json)


def run_matching(programme: str, as_of: str | None, office: str | None, person: int | None,
                 top: int, as_json: bool) -> None:  # fmt: skip
    """Suggestions for everyone of the programme, or one person's best (creating nothing)."""
    from shukko.service.bank import match_all, match_one
    from shukko.service.cases import office_code

    day = parse_date(as_of, "--as-of") or today()
    with session() as opened:
        if person is not None:
            rows = match_one(session=opened, registrant_id=person, top=top, as_of=day)
            if as_json:
                print_json(rows)
                return
            from rich.table import Table

            table = Table("opening" if programme == "career_bank" else "offer", "company",
                          "score", "breakdown")  # fmt: skip
            for row in rows:
                parts = ", ".join(f"{k} {v:.2f}" for k, v in row.breakdown.items())
                table.add_row(row.opening, row.company or "", f"{row.score:.3f}", parts)
            console.print(table)
            return
        result = match_all(session=opened, as_of=day, rules=_bank_rules(),
                           office=office_code(office), programme=programme)  # fmt: skip
    if as_json:
        print_json(result)
    else:
        people, targets = (("registrant(s)", "opening(s)") if programme == "career_bank"
                           else ("job seeker(s)", "receiving offer(s)"))  # fmt: skip
        console.print(
            f"{result['suggested']} suggestion(s) for {result['registrants_with_new']} of "
            f"{result['registrants']} eligible {people} over {result['openings']} open "
            f"{targets}"
        )


@openings_app.command("list")
def openings_list(
    office: Annotated[str | None, typer.Option(help="office code 01-47 or name")] = None,
    only_open: Annotated[bool, typer.Option("--open", help="only open ones")] = False,
    limit: LimitOption = None,
    every: AllOption = False,
    as_json: JsonOption = False,
) -> None:
    """List openings, newest first."""
    from shukko.service.bank import list_openings
    from shukko.service.cases import office_code

    with session() as opened:
        listing = list_openings(
            session=opened,
            office=office_code(office),
            only_open=only_open,
            as_of=today(),
            limit=row_limit(limit, every, as_json),
        )
        show_listing(
            listing,
            as_json,
            ("opening", "received", "company", "occupation", "where", "type", "wage", "filled"),
            lambda row: (
                f"{row.office}:{row.opening_id}",
                str(row.received_on),
                row.company,
                row.occupation,
                row.work_prefecture,
                row.employment_type,
                f"{row.monthly_wage_yen:,}/月"
                if row.monthly_wage_yen
                else f"{row.hourly_wage_yen or 0:,}/時",
                f"{row.hired}/{row.headcount}",
            ),
            "opening(s)",
        )
