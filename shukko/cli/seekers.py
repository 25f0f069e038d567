"""`shukko seekers ...`: a transfer's job seekers (移籍の求職者), registered from their
company's request (再就職支援の依頼) and introduced to receiving offers open to transfers. The
same engine and commands as `shukko bank`; a receiving offer is named OFFICE:OFFER_ID."""

from __future__ import annotations

from typing import Annotated

import typer

from shukko.cli.bank import (
    _list,
    list_people,
    run_matching,
    save_registration,
    send_event,
    show_person,
)
from shukko.cli.common import AllOption, JsonOption, LimitOption, parse_date

app = typer.Typer(
    help="移籍の求職者: register the employees of a company's request, introduce receiving "
    "offers, record interviews, offers (内定) and the first day at the new employer.",
    no_args_is_help=True,
)
OfferOption = Annotated[
    str | None,
    typer.Option("--offer", "--opening", help="the receiving offer (受入情報), OFFICE:OFFER_ID"),
]


@app.command("register")
def seekers_register(
    request: Annotated[
        str,
        typer.Option(
            help="the company's request (再就職支援の依頼): a sending offer, OFFICE:OFFER_ID"
        ),
    ],
    name: Annotated[str, typer.Option(help="the job seeker's name (個人情報)")],
    birth_date: Annotated[str, typer.Option(help="birth date, 1980-04-01 (個人情報)")],
    leaving_on: Annotated[str, typer.Option(help="the leaving day at the company (離職日)")],
    occupations: Annotated[
        str | None, typer.Option(help="occupation groups of experience, A-L or names, a;b")
    ] = None,
    qualifications: Annotated[str | None, typer.Option(help="qualifications held, a;b")] = None,
    areas: Annotated[
        str | None, typer.Option(help="desired prefectures, blocks or 全国, a;b")
    ] = None,
    employment_type: Annotated[
        str, typer.Option(help="full_time, part_time or either")
    ] = "full_time",
    wage: Annotated[
        int | None, typer.Option(help="desired wage in yen: monthly, or hourly under 10,000")
    ] = None,
    hours: Annotated[int | None, typer.Option(help="hours per week wanted")] = None,
    contact: Annotated[str | None, typer.Option(help="contact (個人情報)")] = None,
    by: Annotated[str | None, typer.Option(help="who registered (default: you)")] = None,
    as_json: JsonOption = False,
) -> None:
    """登録: register an employee of a company's request as a job seeker (with their consent
    to the Center's support)."""
    from shukko.service.inputs import NewRegistrant

    registration = NewRegistrant(
        office_code="",  # the request's
        name=name,
        birth_date=parse_date(birth_date, "--birth-date", window=False),
        leaving_on=parse_date(leaving_on, "--leaving-on"),
        reason="",  # the request's
        occupations=_list(occupations),
        qualifications=_list(qualifications),
        areas=_list(areas),
        employment_type=employment_type,
        wage_yen=wage,
        hours_per_week=hours,
        contact=contact,
        programme="transfer",
        request=request,
    )
    save_registration(registration, by, as_json)


@app.command("list")
def seekers_list(
    state: Annotated[str | None, typer.Option(help="only job seekers in this state")] = None,
    office: Annotated[str | None, typer.Option(help="office code 01-47 or name")] = None,
    limit: LimitOption = None,
    every: AllOption = False,
    as_json: JsonOption = False,
) -> None:
    """List job seekers (no names)."""
    list_people("transfer", state, office, limit, every, as_json)


@app.command("show")
def seekers_show(
    seeker_id: Annotated[int, typer.Argument(metavar="ID")],
    with_personal_data: Annotated[
        bool, typer.Option("--with-personal-data", help="show name, birth date, contact")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """A job seeker: wishes, consent, applications, suggestions, next steps, history."""
    show_person(seeker_id, with_personal_data, as_json)


@app.command("event")
def seekers_event(
    seeker_id: Annotated[int, typer.Argument(metavar="ID")],
    event: Annotated[
        str,
        typer.Argument(
            help="counsel|record_consent|introduce|schedule_interview|offer|record_outcome|"
            "hire|close"
        ),
    ],
    offer: OfferOption = None,
    on: Annotated[
        str | None,
        typer.Option(
            help="the first day at the new employer (hire, 入社日), the interview's day "
            "(schedule_interview)"
        ),
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
        int | None, typer.Option(help="refuse if the job seeker's version is not this one")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Send an event to a job seeker."""
    send_event(seeker_id, event, offer, on=on, at=at, by=by, note=note,
               expect_version=expect_version, outcome=outcome, start=start, as_json=as_json,
               who="job seeker")  # fmt: skip


@app.command("assign")
def seekers_assign(
    seeker_id: Annotated[int, typer.Argument(metavar="ID")],
    to: Annotated[str, typer.Option(help="the user who owns it from now (担当者)")],
    by: Annotated[str | None, typer.Option(help="who assigns it")] = None,
    as_json: JsonOption = False,
) -> None:
    """担当者: make a user of the job seeker's office responsible for them."""
    from shukko.cli.owners import assign_owner

    assign_owner("registrant", seeker_id, to, by, as_json)


@app.command("note")
def seekers_note(
    seeker_id: Annotated[int, typer.Argument(metavar="ID")],
    text: Annotated[str, typer.Option(help="the note (メモ); no personal data")],
    by: Annotated[str | None, typer.Option(help="who writes it")] = None,
    as_json: JsonOption = False,
) -> None:
    """メモ: a note on the job seeker, shown with their history."""
    from shukko.cli.owners import write_note

    write_note("registrant", seeker_id, text, by, as_json)


@app.command("match")
def seekers_match(
    as_of: Annotated[str | None, typer.Option(help="the day (default today)")] = None,
    office: Annotated[str | None, typer.Option(help="office code 01-47 or name")] = None,
    seeker: Annotated[
        int | None, typer.Option(help="one job seeker's best receiving offers (creates nothing)")
    ] = None,
    top: Annotated[int, typer.Option(help="how many receiving offers, with --seeker")] = 5,
    as_json: JsonOption = False,
) -> None:
    """Suggestions: receiving offers open to transfers that fit each counselled job seeker
    who consented (occupation, area, employment, wage, qualifications; each explained)."""
    run_matching("transfer", as_of, office, seeker, top, as_json)


@app.command("follow-up")
def seekers_follow_up(
    seeker_id: Annotated[int, typer.Argument(metavar="ID")],
    at: Annotated[str | None, typer.Option(help="the day it was done (default today)")] = None,
    note: Annotated[str | None, typer.Option(help="note; no personal data")] = None,
    by: Annotated[str | None, typer.Option(help="who did it (default: you)")] = None,
    as_json: JsonOption = False,
) -> None:
    """定着確認: record the earliest open follow-up after the hire as done."""
    from shukko.cli.common import console, default_actor, limits, print_json, session, today
    from shukko.service.bank import record_follow_up

    with session() as opened:
        result = record_follow_up(
            session=opened, registrant_id=seeker_id, on=parse_date(at, "--at"),
            actor=by or default_actor(), note=note, today=today(), limits=limits(),
        )  # fmt: skip
    if as_json:
        print_json(result)
    else:
        console.print(f"job seeker {seeker_id}: 定着確認 due {result.due_on} done {result.done_on}")
