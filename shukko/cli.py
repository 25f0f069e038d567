"""The `shukko` command (Typer + Rich). Thin: parse options, call domain functions, print.

Prefect is never imported here unless a command runs a flow, so case commands answer fast.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from shukko.errors import ConcurrentChange, ShukkoError

app = typer.Typer(
    help="shukko (出向): secondment and transfer casework for the 産業雇用安定センター.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Create or upgrade the database schema.", no_args_is_help=True)
case_app = typer.Typer(
    help="Cases: open, inspect and move them through their lifecycle.", no_args_is_help=True
)
app.add_typer(db_app, name="db")
app.add_typer(case_app, name="case")

# Piped output (scripts, CI logs) gets a wide console instead of Rich's 80-column default.
console = Console(width=None if sys.stdout.isatty() else 140)
errors = Console(stderr=True, soft_wrap=True)  # a message is never cut into lines

EXIT_REFUSED = 1
EXIT_CONFLICT = 3

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def _default_actor() -> str:
    return os.environ.get("SHUKKO_ACTOR") or getpass.getuser()


def _settings():
    from config import get_settings

    try:
        return get_settings()
    except Exception as exc:  # pydantic's ValidationError lists every bad setting
        errors.print(f"[red]error:[/red] configuration: {exc}")
        raise typer.Exit(EXIT_REFUSED) from None


def _today() -> date:
    from shukko.clock import today

    return today(_settings().timezone)


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    from shukko.clock import parse_date

    try:
        return parse_date(value)
    except ValueError as exc:
        errors.print(f"[red]error:[/red] {option}: {exc}")
        raise typer.Exit(EXIT_REFUSED) from None


@contextmanager
def _session(check_schema: bool = True) -> Iterator:
    """A committed-or-rolled-back session; operator errors become a message and an exit code."""
    from models.db import engine_for, session_scope
    from shukko.database import current_engine

    try:
        engine = current_engine() if check_schema else engine_for(_settings().database_url)
        with session_scope(engine) as session:
            yield session
    except ConcurrentChange as exc:
        errors.print(f"[red]conflict:[/red] {exc}")
        raise typer.Exit(EXIT_CONFLICT) from None
    except ShukkoError as exc:
        errors.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_REFUSED) from None


def _print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str, indent=2) + "\n")


# -- db ---------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create the database or upgrade it to this version's schema (Alembic migrations)."""
    from models.db import engine_for
    from shukko.database import upgrade

    settings = _settings()
    engine = engine_for(settings.database_url)
    before, after = upgrade(engine)
    where = engine.url.render_as_string(hide_password=True)
    if before == after:
        console.print(f"database {where} is up to date (revision {after})")
    else:
        console.print(f"database {where} upgraded from {before or 'empty'} to {after}")


# -- case -------------------------------------------------------------------------------


@case_app.command("new")
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
    from models import CaseKind
    from shukko.cases import open_case
    from shukko.errors import InvalidInput
    from shukko.offers import find_offer, parse_offer_key

    with _session() as session:
        try:
            case_kind = CaseKind(kind)
        except ValueError:
            raise InvalidInput(f"--kind: {kind!r} is not secondment or transfer") from None
        s_office, s_id = parse_offer_key(sending)
        r_office, r_id = parse_offer_key(receiving)
        case = open_case(
            session=session,
            kind=case_kind,
            sending_offer_id=find_offer(
                session=session, side="sending", office_code=s_office, offer_id=s_id
            ).id,
            receiving_offer_id=find_offer(
                session=session, side="receiving", office_code=r_office, offer_id=r_id
            ).id,
            headcount=headcount,
            actor=by or _default_actor(),
            today=_today(),
            note=note,
        )
        result = {"id": case.id, "kind": str(case.kind), "state": case.state}
    if as_json:
        _print_json(result)
    else:
        console.print(f"opened case {result['id']} ({result['kind']}), state {result['state']}")


@case_app.command("list")
def case_list(
    state: Annotated[str | None, typer.Option(help="only cases in this state")] = None,
    office: Annotated[str | None, typer.Option(help="office code 01-47 or name")] = None,
    as_json: JsonOption = False,
) -> None:
    """List cases, newest first."""
    from models.reference import prefecture_code
    from shukko.errors import InvalidInput
    from shukko.views import list_cases

    with _session() as session:
        try:
            office_code = prefecture_code(office) if office else None
        except ValueError as exc:
            raise InvalidInput(f"--office: {exc}") from None
        rows = list_cases(session=session, state=state, office=office_code)
    if as_json:
        _print_json(rows)
        return
    table = Table("id", "kind", "state", "persons", "sending", "receiving", "start", "end")
    for row in rows:
        table.add_row(
            str(row["id"]),
            row["kind"],
            f"{row['state']} ({row['state_label']})",
            str(row["headcount"]),
            row["sending_office"],
            row["receiving_office"],
            str(row["start_date"] or ""),
            str(row["end_date"] or ""),
        )
    console.print(table)
    console.print(f"{len(rows)} case(s)")


@case_app.command("show")
def case_show(
    case_id: Annotated[int, typer.Argument(metavar="ID")],
    with_personal_data: Annotated[
        bool, typer.Option("--with-personal-data", help="show workers' names (個人情報)")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """State, recorded facts, what blocks the next step, events allowed now, full history."""
    from shukko.views import show_case

    settings = _settings()
    with _session() as session:
        view = show_case(
            session=session,
            case_id=case_id,
            today=_today(),
            max_period_months=settings.max_period_months,
            with_personal_data=with_personal_data,
        )
    if as_json:
        _print_json(view)
        return
    _render_case(view)


def _render_case(view: dict) -> None:
    console.print(
        f"[bold]case {view['id']}[/bold] {view['kind']} · [bold]{view['state']}[/bold] "
        f"({view['state_label']}) · {view['headcount']} person(s) · version {view['version']}"
    )
    for side in ("sending", "receiving"):
        offer = view[side]
        console.print(
            f"  {side:9} {offer['office']}:{offer['offer_id']}  {offer['company']} "
            f"(JSIC {offer['industry']}, pref. {offer['prefecture']})"
        )
    if view["start_date"]:
        console.print(f"  period    {view['start_date']} .. {view['end_date'] or ''}")
        console.print(f"  subsidy   {view['subsidy_programme'] or 'no programme in force'}")
    if view.get("score") is not None:
        parts = ", ".join(f"{k} {v:.2f}" for k, v in view["score_breakdown"].items())
        console.print(f"  proposed  score {view['score']:.2f} ({parts})")
    facts = view["facts"]
    console.print(
        f"  facts     consent {facts['workers_consented']}/{view['headcount']} · "
        f"union {'yes' if facts['union_agreed'] else 'no'} · "
        f"rules {'yes' if facts['rules_updated'] else 'no'} · "
        f"terms {'yes' if facts['terms_fixed'] else 'no'}"
    )
    for worker in view["workers"]:
        name = f" {worker['name']}" if "name" in worker else ""
        console.print(
            f"  worker    {worker['worker_id']}{name} · "
            f"{'consented' if worker['consented'] else 'no consent yet'}"
        )
    if view["final"]:
        console.print("  [dim]final state: no further events[/dim]")
    for step in view["next_steps"]:
        if step["blocked_by"]:
            console.print(f"  [yellow]blocked[/yellow]   {step['event']}:")
            for reason in step["blocked_by"]:
                console.print(f"              - {reason}")
        else:
            needs = f"  [dim](needs: {'; '.join(step['needs'])})[/dim]" if step["needs"] else ""
            console.print(f"  [green]allowed[/green]   {step['event']}{needs}")
    table = Table("#", "on", "event", "state", "by", "note", "doc", title="history")
    for entry in view["history"]:
        moved = entry["from"] != entry["to"]
        table.add_row(
            str(entry["seq"]),
            str(entry["on"]),
            entry["event"] + (f" (worker {entry['worker_id']})" if entry["worker_id"] else ""),
            f"{entry['from'] or '∅'} → {entry['to']}" if moved else entry["to"],
            entry["by"],
            entry["note"] or "",
            entry["doc"] or "",
        )
    console.print(table)


@case_app.command("event")
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
    from shukko.cases import EventRequest, fire

    settings = _settings()
    request = EventRequest(
        case_id=case_id,
        event=event,
        actor=by or _default_actor(),
        on=_date(at, "--at"),
        note=note,
        doc_ref=doc,
        worker_id=worker,
        end_date=_date(until, "--until"),
        expected_version=expect_version,
    )
    with _session() as session:
        entry = fire(
            session=session,
            request=request,
            today=_today(),
            max_period_months=settings.max_period_months,
        )
        result = {
            "case_id": case_id,
            "seq": entry.seq,
            "event": entry.event,
            "from": entry.from_state,
            "to": entry.to_state,
            "on": entry.occurred_on,
        }
    if as_json:
        _print_json(result)
    else:
        console.print(
            f"case {case_id}: {result['event']} ({result['from']} -> {result['to']}), "
            f"event #{result['seq']}"
        )


@case_app.command("assign-worker")
def case_assign_worker(
    case_id: Annotated[int, typer.Argument(metavar="ID")],
    name: Annotated[str, typer.Option(help="the worker's name (個人情報)")],
    birth_date: Annotated[str, typer.Option(help="birth date, 1980-04-01")],
    gender: Annotated[str | None, typer.Option()] = None,
    qualifications: Annotated[str | None, typer.Option(help="list separated by ; or 、")] = None,
    by: Annotated[str | None, typer.Option()] = None,
    as_json: JsonOption = False,
) -> None:
    """出向対象労働者: record the worker selected for a case (personal data kept apart)."""
    import re

    from shukko.cases import assign_worker

    born = _date(birth_date, "--birth-date")
    quals = [q.strip() for q in re.split(r"[;、]", qualifications or "") if q.strip()]
    with _session() as session:
        worker = assign_worker(
            session=session,
            case_id=case_id,
            name=name,
            birth_date=born,
            gender=gender,
            qualifications=quals,
            actor=by or _default_actor(),
            today=_today(),
        )
        worker_id = worker.id
    if as_json:
        _print_json({"case_id": case_id, "worker_id": worker_id})
    else:
        console.print(f"case {case_id}: worker {worker_id} assigned")


@case_app.command("terms")
def case_terms(
    case_id: Annotated[int, typer.Argument(metavar="ID")],
    file: Annotated[Path, typer.Argument(metavar="FILE", help="JSON or YAML terms file")],
    by: Annotated[str | None, typer.Option()] = None,
    doc: Annotated[str | None, typer.Option(help="document reference of the contract")] = None,
    as_json: JsonOption = False,
) -> None:
    """出向契約: hand in the contract terms; validated, stored, and recorded as fix_terms."""
    from shukko.cases import set_terms
    from shukko.terms import read_terms_file

    settings = _settings()
    with _session() as session:
        terms = read_terms_file(file)
        entry = set_terms(
            session=session,
            case_id=case_id,
            terms=terms,
            actor=by or _default_actor(),
            today=_today(),
            doc_ref=doc,
            max_period_months=settings.max_period_months,
        )
        seq = entry.seq
    if as_json:
        _print_json({"case_id": case_id, "seq": seq, "event": "fix_terms"})
    else:
        console.print(f"case {case_id}: contract terms fixed (event #{seq})")


# -- intake and offers -----------------------------------------------------------------------

offers_app = typer.Typer(help="Sending (送出) and receiving (受入) offers.", no_args_is_help=True)
app.add_typer(offers_app, name="offers")


@app.command("intake")
def intake(
    paths: Annotated[list[Path], typer.Argument(metavar="PATH...", help="files or folders")],
    as_json: JsonOption = False,
) -> None:
    """Import offer files (CSV in UTF-8 or Shift_JIS, XLSX); bad rows are kept, not lost.

    Exit 0 when every file was read (even with rejected rows), 1 when a file could not be.
    """
    from shukko.database import current_engine
    from shukko.intake.run import import_paths

    _settings()  # a bad setting is reported before anything is read
    try:
        engine = current_engine()
    except ShukkoError as exc:
        errors.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_REFUSED) from None
    reports = import_paths(engine=engine, paths=paths)
    if as_json:
        _print_json([report.as_dict() for report in reports])
    else:
        _render_intake(reports)
    if any(report.status == "failed" for report in reports):
        raise typer.Exit(EXIT_REFUSED)


def _render_intake(reports) -> None:
    table = Table("file", "kind", "status", "read", "imported", "updated", "rejected", "note")
    for report in reports:
        table.add_row(
            report.name,
            report.kind or "",
            report.status,
            str(report.rows_read),
            str(report.imported),
            str(report.updated),
            str(report.rejected),
            report.reason or "",
        )
    console.print(table)
    for report in reports:
        for reject in report.rejects[:10]:
            console.print(
                f"  {report.name} row {reject['row_number']}, {reject['column']}: "
                f"{reject['reason']}"
            )
        if report.rejected > 10:
            console.print(f"  ... {report.rejected} rejected rows in {report.name} in all")


@offers_app.command("list")
def offers_list(
    kind: Annotated[str | None, typer.Option(help="sending or receiving")] = None,
    office: Annotated[str | None, typer.Option(help="office code 01-47 or name")] = None,
    only_open: Annotated[bool, typer.Option("--open", help="only open offers")] = False,
    as_json: JsonOption = False,
) -> None:
    """List offers, newest first."""
    from models.reference import prefecture_code
    from shukko.errors import InvalidInput
    from shukko.offers import list_offers

    with _session() as session:
        if kind not in (None, "sending", "receiving"):
            raise InvalidInput(f"--kind: {kind!r} is not sending or receiving")
        try:
            office_code = prefecture_code(office) if office else None
        except ValueError as exc:
            raise InvalidInput(f"--office: {exc}") from None
        rows = list_offers(session=session, kind=kind, office=office_code, only_open=only_open)
    if as_json:
        _print_json(rows)
        return
    table = Table(
        "side", "offer", "received", "company", "JSIC", "pref.", "kind", "persons", "start window"
    )
    for row in rows:
        table.add_row(
            row["side"],
            f"{row['office']}:{row['offer_id']}",
            str(row["received_on"]),
            row["company"],
            row["industry"],
            row["prefecture"],
            row["kind"],
            str(row["headcount"]),
            f"{row['start_from']}..{row['start_until']}",
        )
    console.print(table)
    console.print(f"{len(rows)} offer(s)")


# -- matching -----------------------------------------------------------------------------------


@app.command("match")
def match(
    as_of: Annotated[
        str | None, typer.Option(help="the day to match as of (default today)")
    ] = None,
    office: Annotated[str | None, typer.Option(help="only pairs this office took part in")] = None,
    offer: Annotated[
        str | None, typer.Option(help="list the best counterparts of OFFICE:OFFER_ID instead")
    ] = None,
    side: Annotated[str | None, typer.Option(help="with --offer: sending or receiving")] = None,
    top: Annotated[int, typer.Option(min=1, help="with --offer: how many")] = 10,
    as_json: JsonOption = False,
) -> None:
    """Propose optimal pairs of open offers as `proposed` cases, each score explained.

    With --offer, list one offer's best counterparts without creating anything.
    """
    from models.reference import prefecture_code
    from shukko.errors import InvalidInput, NotFound
    from shukko.matching.candidates import COMPONENTS as _COMPONENTS
    from shukko.matching.rules import load_rules
    from shukko.matching.run import best_counterparts, run_matching
    from shukko.offers import find_offer, parse_offer_key

    settings = _settings()
    day = _date(as_of, "--as-of") or _today()
    with _session() as session:
        if side not in (None, "sending", "receiving"):
            raise InvalidInput(f"--side: {side!r} is not sending or receiving")
        if offer:
            office_code, offer_id = parse_offer_key(offer)
            found = []
            for candidate_side in (side,) if side else ("sending", "receiving"):
                try:
                    found.append(
                        (
                            candidate_side,
                            find_offer(
                                session=session,
                                side=candidate_side,
                                office_code=office_code,
                                offer_id=offer_id,
                            ),
                        )
                    )
                except NotFound:
                    continue
            if not found:
                raise NotFound(f"no offer {office_code}:{offer_id} (see `shukko offers list`)")
            if len(found) > 1:
                raise InvalidInput(f"{offer} is both a sending and a receiving offer: add --side")
            offer_side, row = found[0]
            rows = best_counterparts(
                session=session,
                rules=load_rules(),
                as_of=day,
                side=offer_side,
                offer_id=row.id,
                top=top,
                block_overrides=settings.block_overrides,
            )
            if as_json:
                _print_json(rows)
                return
            table = Table(
                "offer",
                "remaining",
                "score",
                *(c for c in _COMPONENTS),
                title=f"best counterparts of {offer} ({offer_side})",
            )
            for entry in rows:
                table.add_row(
                    entry["offer"],
                    str(entry["remaining"]),
                    f"{entry['score']:.2f}",
                    *(f"{entry['breakdown'][c]:.2f}" for c in _COMPONENTS),
                )
            console.print(table)
            return
        try:
            office_code = prefecture_code(office) if office else None
        except ValueError as exc:
            raise InvalidInput(f"--office: {exc}") from None
        created, figures = run_matching(
            session=session,
            rules=load_rules(),
            as_of=day,
            office=office_code,
            block_overrides=settings.block_overrides,
        )
    if as_json:
        _print_json({"proposals": created, "figures": figures})
        return
    table = Table(
        "case",
        "kind",
        "persons",
        "sending",
        "receiving",
        "score",
        *(c for c in _COMPONENTS),
        title="proposals",
    )
    for row in created:
        table.add_row(
            str(row["case_id"]),
            row["kind"],
            str(row["persons"]),
            row["sending"],
            row["receiving"],
            f"{row['score']:.2f}",
            *(f"{row['breakdown'][c]:.2f}" for c in _COMPONENTS),
        )
    console.print(table)
    console.print(
        f"{figures['proposals']} proposal(s) for {figures['persons']} person(s) from "
        f"{figures['feasible_pairs']} feasible pairs ({figures['candidate_edges']} kept); "
        f"total score {figures['total_score']}"
    )


# -- diagrams and the walk-through ------------------------------------------------------------


@app.command("diagram")
def diagram(
    out: Annotated[Path, typer.Option(help="folder for the Markdown files")] = Path("docs/states"),
) -> None:
    """Write Mermaid state diagrams generated from the machines."""
    from shukko.diagrams import write_diagrams

    for path in write_diagrams(out):
        console.print(f"wrote {path}")


@app.command("demo")
def demo(
    fy: Annotated[
        int, typer.Option("--fy", min=2000, max=2100, help="fiscal year to simulate (April-March)")
    ] = 2021,
    seed: Annotated[int, typer.Option("--seed", help="seed of the simulation")] = 1,
    days: Annotated[
        int | None, typer.Option("--days", min=1, max=366, help="only the first N days of the year")
    ] = None,
    fresh: Annotated[
        bool,
        typer.Option("--fresh", help="start from an empty SQLite database and empty folders"),
    ] = False,
    one_case: Annotated[
        bool, typer.Option("--one-case", help="only walk one case through its lifecycle")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Simulate a fiscal year of the Center's work day by day, then print its report."""
    if one_case:
        _demo_one_case(as_json)
        return
    from shukko.demo.run import run_demo

    try:
        outcome = run_demo(
            settings=_settings(),
            fiscal_year=fy,
            seed=seed,
            days=days,
            fresh=fresh,
            console=None if as_json else console,
        )
    except ShukkoError as exc:
        errors.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(EXIT_REFUSED) from None
    if as_json:
        _print_json(outcome)
        return
    from shukko.cli_operations import render_report

    render_report(outcome["report"])
    totals = outcome["totals"]
    console.print(
        f"{totals['days']} day(s) simulated in {outcome['seconds']} s: {totals['files']} intake "
        f"file(s), {totals['rows_read']} rows ({totals['rejected']} rejected), "
        f"{totals['proposals']} proposals, {totals['notices']} notices, "
        f"{totals['started']} secondments started, {totals['closed']} returned."
    )
    console.print(f"report files: {outcome['report_folder']}")
    console.print(f"database: {outcome['database']}")
    console.print(
        "the last night ran as the Prefect flow `nightly`; to see it in the UI: "
        f"PREFECT_HOME={outcome['prefect_home']} .venv/bin/prefect server start"
    )


def _demo_one_case(as_json: bool) -> None:
    """Walk one secondment case through its whole lifecycle on the configured database."""
    from models.db import engine_for
    from shukko.database import upgrade
    from shukko.walkthrough import walk_one_case

    settings = _settings()
    engine = engine_for(settings.database_url)
    upgrade(engine)
    with _session() as session:
        case_id = walk_one_case(session=session, today=_today(), say=console.print)
    with _session() as session:
        from shukko.views import show_case

        view = show_case(
            session=session,
            case_id=case_id,
            today=_today(),
            max_period_months=settings.max_period_months,
        )
    if as_json:
        _print_json(view)
    else:
        _render_case(view)
        where = engine.url.render_as_string(hide_password=True)
        console.print(f"database: {where}")


# Operations (notices, follow-ups, flows) live in their own module and register on `app`.
from shukko import cli_operations  # noqa: E402, F401
