"""`shukko case ...`: open cases, inspect them and move them through their lifecycle."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from shukko.cli.common import (
    AllOption,
    JsonOption,
    LimitOption,
    case_rules,
    console,
    default_actor,
    limits,
    parse_date,
    print_json,
    row_limit,
    session,
    show_listing,
    today,
)

app = typer.Typer(
    help="Cases: open, inspect and move them through their lifecycle.", no_args_is_help=True
)


@app.command("new")
def case_new(
    kind: Annotated[str, typer.Option(help="secondment (在籍型出向) or transfer (移籍)")],
    sending: Annotated[str, typer.Option(help="sending offer as OFFICE:OFFER_ID")],
    receiving: Annotated[str, typer.Option(help="receiving offer as OFFICE:OFFER_ID")],
    headcount: Annotated[int, typer.Option(min=1, help="persons")] = 1,
    by: Annotated[str | None, typer.Option(help="who opens it")] = None,
    note: Annotated[str | None, typer.Option()] = None,
    as_json: JsonOption = False,
) -> None:
    """Open a case by hand between a sending and a receiving offer."""
    from shukko.service.cases import open_case_between

    with session() as opened:
        result = open_case_between(
            session=opened,
            kind=kind,
            sending=sending,
            receiving=receiving,
            headcount=headcount,
            actor=by or default_actor(),
            today=today(),
            note=note,
        )
    if as_json:
        print_json(result)
    else:
        console.print(f"opened case {result.id} ({result.kind}), state {result.state}")


@app.command("list")
def case_list(
    state: Annotated[str | None, typer.Option(help="only cases in this state")] = None,
    office: Annotated[str | None, typer.Option(help="office code 01-47 or name")] = None,
    limit: LimitOption = None,
    every: AllOption = False,
    as_json: JsonOption = False,
) -> None:
    """List cases, newest first."""
    from shukko.service.case_views import CaseFilter, list_cases
    from shukko.service.cases import office_code

    with session() as opened:
        listing = list_cases(
            session=opened,
            where=CaseFilter(state=state, office=office_code(office)),
            limit=row_limit(limit, every, as_json),
        )
        show_listing(
            listing,
            as_json,
            ("id", "kind", "state", "persons", "sending", "receiving", "start", "end"),
            lambda row: (
                str(row.id),
                row.kind,
                f"{row.state} ({row.state_label})",
                str(row.headcount),
                row.sending_office,
                row.receiving_office,
                str(row.start_date or ""),
                str(row.end_date or ""),
            ),
            "case(s)",
        )


@app.command("show")
def case_show(
    case_id: Annotated[int, typer.Argument(metavar="ID")],
    with_personal_data: Annotated[
        bool, typer.Option("--with-personal-data", help="show workers' names (個人情報)")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """State, recorded facts, what blocks the next step, events allowed now, full history."""
    from shukko.service.case_views import case_view

    with session() as opened:
        view = case_view(
            session=opened,
            case_id=case_id,
            today=today(),
            rules=case_rules(),
            with_personal_data=with_personal_data,
        )
    if as_json:
        print_json(view)
        return
    from shukko.cli.render import render_case

    render_case(view)


@app.command("event")
def case_event(
    case_id: Annotated[int, typer.Argument(metavar="ID")],
    event: Annotated[str, typer.Argument(metavar="EVENT")],
    at: Annotated[str | None, typer.Option(help="date of the step or fact (default today)")] = None,
    by: Annotated[str | None, typer.Option(help="who did it (default: you)")] = None,
    note: Annotated[str | None, typer.Option(help="note; the reason for withdraw")] = None,
    doc: Annotated[str | None, typer.Option(help="document reference (書類番号)")] = None,
    worker: Annotated[int | None, typer.Option(help="worker id, for record_consent")] = None,
    until: Annotated[str | None, typer.Option(help="new end date, for extend")] = None,
    expect_version: Annotated[
        int | None, typer.Option(help="refuse if the case's version is not this one")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Send an event to a case: a step of its lifecycle or a recorded fact."""
    from shukko.service.cases import fire_event
    from shukko.service.inputs import CaseStep

    request = CaseStep(
        case_id=case_id,
        event=event,
        actor=by or default_actor(),
        on=parse_date(at, "--at"),
        note=note,
        doc_ref=doc,
        worker_id=worker,
        end_date=parse_date(until, "--until"),
        expected_version=expect_version,
    )
    with session() as opened:
        result = fire_event(
            session=opened, request=request, today=today(), rules=case_rules(), limits=limits()
        )
    if as_json:
        print_json(result)
    else:
        console.print(
            f"case {case_id}: {result.event} ({result.from_} -> {result.to}), event #{result.seq}"
        )


@app.command("assign")
def case_assign(
    case_id: Annotated[int, typer.Argument(metavar="ID")],
    to: Annotated[str, typer.Option(help="the user who owns it from now (担当者)")],
    by: Annotated[str | None, typer.Option(help="who assigns it")] = None,
    as_json: JsonOption = False,
) -> None:
    """担当者: make a user of one of the case's offices responsible for it."""
    from shukko.cli.owners import assign_owner

    assign_owner("case", case_id, to, by, as_json)


@app.command("note")
def case_note(
    case_id: Annotated[int, typer.Argument(metavar="ID")],
    text: Annotated[str, typer.Option(help="the note (メモ); no personal data")],
    by: Annotated[str | None, typer.Option(help="who writes it")] = None,
    as_json: JsonOption = False,
) -> None:
    """メモ: a note on the case, shown with its history (not a lifecycle event)."""
    from shukko.cli.owners import write_note

    write_note("case", case_id, text, by, as_json)


@app.command("assign-worker")
def case_assign_worker(
    case_id: Annotated[int, typer.Argument(metavar="ID")],
    name: Annotated[str, typer.Option(help="the worker's name (個人情報)")],
    birth_date: Annotated[str, typer.Option(help="birth date, 1980-04-01")],
    gender: Annotated[str | None, typer.Option()] = None,
    qualifications: Annotated[str | None, typer.Option(help="list separated by ; 、 or ,")] = None,
    by: Annotated[str | None, typer.Option()] = None,
    as_json: JsonOption = False,
) -> None:
    """出向対象労働者: record the worker selected for a case (personal data kept apart)."""
    from shukko.service.cases import add_worker, listed

    born = parse_date(birth_date, "--birth-date", window=False)
    quals = listed(qualifications)
    with session() as opened:
        result = add_worker(
            session=opened,
            case_id=case_id,
            name=name,
            birth_date=born,
            gender=gender,
            qualifications=quals,
            actor=by or default_actor(),
            today=today(),
            limits=limits(),
        )
    if as_json:
        print_json(result)
    else:
        console.print(f"case {case_id}: worker {result.worker_id} assigned")


@app.command("terms")
def case_terms(
    case_id: Annotated[int, typer.Argument(metavar="ID")],
    file: Annotated[Path, typer.Argument(metavar="FILE", help="JSON or YAML terms file")],
    by: Annotated[str | None, typer.Option()] = None,
    doc: Annotated[str | None, typer.Option(help="document reference of the contract")] = None,
    as_json: JsonOption = False,
) -> None:
    """出向契約: hand in the contract terms; validated, stored, and recorded as fix_terms."""
    from shukko.service.cases import hand_in_terms

    with session() as opened:
        result = hand_in_terms(
            session=opened,
            case_id=case_id,
            file=file,
            actor=by or default_actor(),
            today=today(),
            doc_ref=doc,
            rules=case_rules(),
            limits=limits(),
        )
    if as_json:
        print_json(result)
    else:
        console.print(f"case {case_id}: contract terms fixed (event #{result.seq})")


@app.command("wage")
def case_wage(
    case_id: Annotated[int, typer.Argument(metavar="ID")],
    month: Annotated[str, typer.Option(help="the month the wage was paid for, 2024-05")],
    yen: Annotated[int, typer.Option(help="the month's wage in yen")],
    worker: Annotated[
        int | None,
        typer.Option(help="whose wage (the worker's id; may be left out for a case of one)"),
    ] = None,
    by: Annotated[str | None, typer.Option(help="who recorded it (default: you)")] = None,
    expect_version: Annotated[
        int | None, typer.Option(help="refuse if the case's version is not this one")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """復帰後の賃金: record a worker's wage for a month after a skill-development secondment
    returned (six months, each at least 5% above the wage before it, for every worker)."""
    from shukko.service.cases import record_post_return_wage

    with session() as opened:
        result = record_post_return_wage(
            session=opened,
            case_id=case_id,
            month=month,
            wage_yen=yen,
            actor=by or default_actor(),
            today=today(),
            worker_id=worker,
            expected_version=expect_version,
        )
    if as_json:
        print_json(result)
        return
    verdict = "meets" if result.meets else "is BELOW"
    console.print(
        f"case {case_id}: worker {result.worker_id}'s wage for {result.month} recorded "
        f"({result.wage_yen:,} yen {verdict} "
        f"the required {result.required_wage_yen:,} yen), event #{result.seq}"
    )
