"""`shukko web` (the consultants' worklist), `shukko user ...` (its accounts) and
`shukko audit personal-data` (who saw personal data on the web)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from shukko.cli.common import JsonOption, console, fail, parse_date, print_json, session, settings

user_app = typer.Typer(help="Web worklist accounts (利用者).", no_args_is_help=True)
audit_app = typer.Typer(help="Audit logs.", no_args_is_help=True)


def web(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="business day shown (default today)")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1, max=64, help="server processes (default: web_workers, else one per core)"
        ),
    ] = None,
) -> None:
    """Serve the consultants' web worklist (業務一覧) until interrupted."""
    import os

    import uvicorn

    from shukko.cli.common import current_engine
    from shukko.web.app import SERVER_OPTIONS
    from shukko.web.serving import configure_logging, default_workers

    day = parse_date(as_of, "--as-of", window=False)
    if day is not None:  # for every worker process, which reads its settings
        os.environ["SHUKKO_WEB_AS_OF"] = day.isoformat()
    current_engine().dispose()  # refused here, once, when the schema is not current
    count = workers or settings().web_workers or default_workers()
    configure_logging()
    console.print(f"shukko web on http://{host}:{port}/ with {count} worker(s) (Ctrl+C stops it)")
    # Uvicorn's access log shows method, path and status: paths carry case ids, never names.
    uvicorn.run(
        "shukko.web.serving:served_app", factory=True, host=host, port=port, workers=count,
        log_config=None, log_level="info", **SERVER_OPTIONS,
    )  # fmt: skip


def _password(stdin: bool, *, confirm: bool = True) -> str:
    if stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=confirm)
    return password


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(metavar="NAME")],
    office: Annotated[str, typer.Option(help="office code 01-47 or name")],
    role: Annotated[str, typer.Option(help="consultant, office_admin or hq")] = "consultant",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from stdin's first line")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Add a user of the web worklist (the password is stored as an argon2 hash only)."""
    from shukko.service.accounts import ROLES, add_user

    if role not in ROLES:
        raise fail(f"--role: {role!r} is not one of {', '.join(ROLES)}")
    password = _password(password_stdin)
    with session() as opened:
        row = add_user(session=opened, name=name, office=office, role=role, password=password)
    if as_json:
        print_json(row)
    else:
        console.print(f"user {row.name} added: office {row.office}, {row.role} ({row.role_label})")


@user_app.command("list")
def user_list(as_json: JsonOption = False) -> None:
    """Users, their office and role, disabled or locked."""
    from rich.table import Table

    from shukko.service.accounts import list_users

    with session() as opened:
        rows = list_users(session=opened)
    if as_json:
        print_json(rows)
        return
    table = Table("name", "office", "role", "status")
    for row in rows:
        status = "disabled" if row.disabled else (
            f"locked until {row.locked_until:%Y-%m-%d %H:%M} UTC" if row.locked_until else "active"
        )  # fmt: skip
        table.add_row(row.name, row.office, f"{row.role} ({row.role_label})", status)
    console.print(table)
    console.print(f"{len(rows)} user(s)")


@user_app.command("disable")
def user_disable(
    name: Annotated[str, typer.Argument(metavar="NAME")], as_json: JsonOption = False
) -> None:
    """Disable a user: no more sign-ins; their open sessions end now."""
    from shukko.service.accounts import disable_user

    with session() as opened:
        row = disable_user(session=opened, name=name)
    if as_json:
        print_json(row)
    else:
        console.print(f"user {row.name} disabled")


@user_app.command("passwd")
def user_passwd(
    name: Annotated[str, typer.Argument(metavar="NAME")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from stdin's first line")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Set a user's password (also lifts a lock and ends their open sessions)."""
    from shukko.service.accounts import set_password

    password = _password(password_stdin)
    with session() as opened:
        row = set_password(session=opened, name=name, password=password)
    if as_json:
        print_json(row)
    else:
        console.print(f"password of {row.name} set")


@user_app.command("unlock")
def user_unlock(
    name: Annotated[str, typer.Argument(metavar="NAME")], as_json: JsonOption = False
) -> None:
    """Lift a user's lock after repeated failed sign-ins (ロック解除): they may sign in now."""
    from shukko.service.accounts import unlock_user

    with session() as opened:
        row = unlock_user(session=opened, name=name)
    if as_json:
        print_json(row)
    else:
        console.print(f"user {row.name} unlocked")


@user_app.command("signout")
def user_signout(
    name: Annotated[str, typer.Argument(metavar="NAME")], as_json: JsonOption = False
) -> None:
    """End all of a user's web sessions now (signed out everywhere; the account stays)."""
    from shukko.service.accounts import end_user_sessions

    with session() as opened:
        ended = end_user_sessions(session=opened, name=name)
    if as_json:
        print_json({"user": name, "sessions_ended": ended})
    else:
        console.print(f"user {name}: {ended} session(s) ended")


@audit_app.command("personal-data")
def audit_personal_data(
    since: Annotated[str | None, typer.Option(help="views on or after this day (UTC)")] = None,
    as_json: JsonOption = False,
) -> None:
    """個人情報の閲覧記録: who viewed which case's personal data on the web, when, from where."""
    from rich.table import Table

    from shukko.service.accounts import personal_data_views

    day = parse_date(since, "--since", window=False)
    with session() as opened:
        rows = personal_data_views(session=opened, since=day)
    if as_json:
        print_json(rows)
        return
    table = Table("at (UTC)", "user", "office", "case", "address")
    for row in rows:
        table.add_row(f"{row.at:%Y-%m-%d %H:%M:%S}", row.user, row.office, str(row.case_id),
                      row.address)  # fmt: skip
    console.print(table)
    console.print(f"{len(rows)} view(s)")
