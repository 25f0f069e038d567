"""The `shukko` command (Typer + Rich): thin command modules that parse options, call the
service layer (shukko.service) and render its results. Only `run`, `serve` and the demo's
last night import Prefect (shukko/cli/flows.py), so every other command answers fast.

    cases.py           shukko case new|list|show|event|assign-worker|terms
    offers.py          shukko intake, shukko offers list
    matching.py        shukko match
    followthrough.py   shukko notices, shukko followups
    flows.py           shukko run, shukko serve, shukko deploy
    reports.py         shukko report, shukko demo, shukko diagram
    db.py              shukko db upgrade
    bank.py            shukko bank register|list|show|event|match, shukko openings list
    seekers.py         shukko seekers register|list|show|event|match|follow-up|assign|note
    web.py             shukko web, shukko user add|list|disable|passwd, shukko audit
"""

from __future__ import annotations

import typer

from shukko.cli import (
    bank,
    cases,
    db,
    flows,
    followthrough,
    matching,
    offers,
    reports,
    seekers,
    web,
)

app = typer.Typer(
    help="shukko (出向): secondment and transfer casework for the 産業雇用安定センター.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(cases.app, name="case")
app.command("intake")(offers.intake)
app.add_typer(offers.app, name="offers")
app.add_typer(bank.app, name="bank")
app.add_typer(bank.openings_app, name="openings")
app.add_typer(seekers.app, name="seekers")
app.command("match")(matching.match)
app.command("notices")(followthrough.notices)
app.command("followups")(followthrough.followups)
app.command("run")(flows.run)
app.command("serve")(flows.serve)
app.command("deploy")(flows.deploy)
app.command("report")(reports.report)
app.command("diagram")(reports.diagram)
app.command("demo")(reports.demo)
app.command("web")(web.web)
app.add_typer(web.user_app, name="user")
app.add_typer(web.audit_app, name="audit")

__all__ = ["app"]
