"""The flows page (フロー): each deployment's latest run on the Prefect server, and starting
one (office administrators)."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from shukko.web.deps import Posting, SignedIn
from shukko.web.pages import Page, business_day, not_found, render

router = APIRouter()
log = logging.getLogger("shukko.web")


@router.get("/flows")
def flows(request: Request, account: SignedIn, started: str | None = None):
    from shukko.service.flow_runs import flows_status

    if not account.sees_flows:
        raise not_found()
    return render(
        request, "flows.html", account=account, flows=flows_status(), started=started,
        may_start=account.role == "office_admin",
    )  # fmt: skip


@router.post("/flows/{flow}/run")
def start_flow(request: Request, flow: str, account: Posting):
    from shukko.service.flow_runs import start

    if account.role != "office_admin":
        raise not_found() if not account.sees_flows else Page(403, "実行の権限がありません。")
    try:
        # A plain handler runs in a worker thread: Prefect's run_deployment there does the
        # call itself rather than hand an event loop a coroutine.
        run_id = start(flow, business_day(request))
    except KeyError:
        raise not_found() from None
    except Exception as exc:  # no server, or it refused: say so, start nothing
        raise Page(503, f"実行を開始できませんでした: {type(exc).__name__}: {exc}"[:300]) from None
    log.info("flow %s started by %s: flow run %s", flow, account.name, run_id)
    return RedirectResponse(f"/flows?started={quote(run_id)}", status_code=303)
