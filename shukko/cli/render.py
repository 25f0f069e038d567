"""Rich renderings of the service's results that take more than a few lines."""

from __future__ import annotations

from rich.table import Table

from shukko.cli.common import console


def render_case(view) -> None:
    """One case as `case show` prints it."""
    from shukko.service.schemas import as_data

    view = as_data(view)
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
    _render_plan_and_terms(view)
    _render_wages_after_return(view.get("post_return"))
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
        blocked = _worded(step.get("blocked_by_reasons", []))
        if blocked:
            console.print(f"  [yellow]blocked[/yellow]   {step['event']}:")
            for reason in blocked:
                console.print(f"              - {reason}")
        else:
            needed = _worded(step.get("needs_reasons", []))
            needs = f"  [dim](needs: {'; '.join(needed)})[/dim]" if needed else ""
            again = "  [dim](recorded: sending it again corrects it)[/dim]" if step.get(
                "recorded") else ""  # fmt: skip
            console.print(f"  [green]allowed[/green]   {step['event']}{needs}{again}")
    render_history(
        view["history"],
        lambda e: f" (worker {e['worker_id']})" if e["worker_id"] else "",
        ("doc", lambda e: e["doc"] or ""),
    )
    render_notes(view)


def render_notes(view: dict) -> None:
    """The owner (担当者) and the notes and owner changes, beside the history."""
    console.print(f"  owner     {view.get('owner') or 'nobody (unowned)'}")
    for note in view.get("notes", []):
        if note["kind"] == "follow_up":
            what = f"定着確認 {note['text'] or ''}".strip()
        else:
            what = note["text"] if note["kind"] == "note" else f"owner now {note['owner']}"
        console.print(f"  note      {note['on']} {note['by']}: {what}")


def _render_plan_and_terms(view: dict) -> None:
    """出向実施計画届 (filed, or by when) and the contract's purpose and wages."""
    plan = view.get("plan_filing")
    if plan and plan["filed_on"]:
        console.print(f"  plan      filed {plan['filed_on']} (receipt {plan['receipt']})")
    elif plan and view["state"] in ("preparing", "contracted"):
        when = (
            f"file by {plan['recommended']} (last day {plan['due']})"
            if plan["due"]
            else "file before the start (the bureau gives the last day)"
        )
        console.print(
            f"  plan      not filed yet: {when}; record it with record_plan_filed --doc RECEIPT"
        )
    terms = view.get("terms")
    if terms:
        purpose = {
            "employment_retention": "雇用維持",
            "skill_development": "人材育成",
            "other": "技術支援・交流等",
        }
        extra = []
        if terms.get("pre_secondment_monthly_wage_yen"):
            extra.append(f"wage before {terms['pre_secondment_monthly_wage_yen']:,} yen")
        extra.append(f"wage during {terms['monthly_wage_yen']:,} yen")
        if terms.get("within_corporate_group"):
            extra.append("within a corporate group")
        console.print(
            f"  purpose   {terms['purpose']} ({purpose.get(terms['purpose'], '')}) · "
            + " · ".join(extra)
        )


def _render_wages_after_return(wages: dict | None) -> None:
    """スキルアップ支援コース: the months after return against the required wage."""
    if wages:
        verdict = {True: "condition holds", False: "condition FAILS", None: "open"}
        console.print(
            f"  after return ({wages['returned_on']}): {wages['recorded']} of {wages['of']} "
            f"months recorded, each must be ≥ {wages['required_wage_yen']:,} yen "
            f"(+{wages['raise_pct']}%) · {verdict[wages['condition_holds']]}"
        )
        for month in wages["months"]:
            if month["wage_yen"] is None:
                state = "due, not recorded" if month["due"] else "not due yet"
            else:
                rise = f"+{wages['raise_pct']}%"
                state = f"{month['wage_yen']:,} yen " + (
                    f"≥ {rise} ✓" if month["meets"] else f"below {rise} ✗"
                )
            console.print(f"              {month['month']}  {state}")


def _worded(reasons: list[dict]) -> list[str]:
    """Refusals as data (a step's blocking facts) in the CLI's words."""
    from shukko.cli.refusals import refusal_words
    from shukko.refusals import Refusal

    return [
        refusal_words(Refusal(r["code"], r.get("params", {}), tuple(r.get("fields", ()))))
        for r in reasons
    ]


def render_history(entries, what, extra=None) -> None:
    """A log as a table: `what(entry)` is added to the event's name (the worker, the opening);
    `extra` is one more column, as (header, cell)."""
    headers = ("#", "on", "event", "state", "by", "note", *((extra[0],) if extra else ()))
    table = Table(*headers, title="history")
    for entry in entries:
        moved = entry["from"] != entry["to"]
        table.add_row(
            str(entry["seq"]),
            str(entry["on"]),
            entry["event"] + what(entry),
            f"{entry['from'] or '∅'} → {entry['to']}" if moved else entry["to"],
            entry["by"],
            entry["note"] or "",
            *((extra[1](entry),) if extra else ()),
        )
    console.print(table)


def render_registrant(view) -> None:
    """One registrant as `bank show` prints it."""
    from shukko.service.schemas import as_data

    data = as_data(view)
    console.print(
        f"[bold]registrant {data['id']}[/bold] · [bold]{data['state']}[/bold] "
        f"({data['state_label']}) · office {data['office']} · {data['route']} · "
        f"version {data['version']}"
    )
    if "name" in data:
        console.print(f"  person    {data['name']} · born {data['birth_date']}"
                      + (f" · {data['contact']}" if data.get("contact") else ""))  # fmt: skip
    console.print(
        f"  leaving   {data['leaving_on']} ({data['leaving_reason']}, aged "
        f"{data['age_at_leaving']})"
        + (f" from {data['former_company']}" if data["former_company"] else "")
    )
    wage = data["desired_monthly_wage_yen"] or data["desired_hourly_wage_yen"]
    console.print(
        f"  wishes    {data['employment_type']} · areas {', '.join(data['areas']) or 'home'} · "
        f"occupations {', '.join(data['occupations']) or '-'}"
        + (f" · wage {wage:,} yen" if wage else "")
        + (f" · {data['hours_per_week']} h/week" if data["hours_per_week"] else "")
    )
    consent = data["consent"]
    given = (["any company introduced"] if consent["any_company"] else []) + consent["companies"]
    console.print(f"  consent   {', '.join(given) or 'none yet'}")
    for intro in data["introductions"]:
        hired = f" · hired {intro['hired_on']}" if intro["hired_on"] else ""
        console.print(
            f"  introduced {intro['opening']} {intro['company']} on {intro['introduced_on']}{hired}"
        )
    for suggestion in data["suggestions"][:10]:
        parts = ", ".join(f"{k} {v:.2f}" for k, v in suggestion["breakdown"].items())
        console.print(
            f"  suggested {suggestion['opening']} {suggestion['company']} "
            f"score {suggestion['score']:.3f} ({parts})"
        )
    if data["final"]:
        console.print("  [dim]final state: no further events[/dim]")
    else:
        console.print(f"  allowed   {', '.join(data['allowed_events'])}")
    render_history(data["history"], lambda e: f" ({e['opening']})" if e["opening"] else "")
    render_notes(data)


def render_intake(reports) -> None:
    """Per file: rows read = imported + updated + rejected, and the first rejected rows."""
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


def render_report(data: dict) -> None:
    """The report's tables on the terminal (Rich)."""
    from shukko.service.reports import tables

    for note in data.get("notes", []):
        console.print(f"[yellow]note[/yellow] {note}")
    for title, (header, rows) in tables(data).items():
        table = Table(*header, title=f"{title}（{data['fiscal_year']}年度）", title_justify="left")
        for row in rows:
            table.add_row(
                *("—" if c is None else f"{c:,}" if isinstance(c, int) else str(c) for c in row)
            )
        console.print(table)
