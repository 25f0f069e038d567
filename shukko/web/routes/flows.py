"""The flows page (フロー): each deployment's latest run on the Prefect server, and starting
one (office administrators)."""

from __future__ import annotations

import logging

import anyio
import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from shukko.web.deps import Database, Posting, SignedIn
from shukko.web.pages import Page, business_day, flash, not_found, render

router = APIRouter()
PREFECT_THREADS = 4
log = logging.getLogger("shukko.web")
STARTED = "実行を開始しました（フロー実行 ID {run_id}）。進行は Prefect UI で確認できます。"
NOT_STARTED = (
    "実行を開始できませんでした。フローの実行環境（Prefect サーバー）が設定されていないか、"
    "応答していません。システム管理者に連絡してください。"
)


def prefect_threads(request: Request) -> anyio.CapacityLimiter:
    """Threads of their own for calls to the Prefect server, which may wait for its
    timeout: the pages' few threads (web_threads) stay free for the worklist."""
    state = request.app.state
    if getattr(state, "prefect_threads", None) is None:
        state.prefect_threads = anyio.CapacityLimiter(PREFECT_THREADS)
    return state.prefect_threads


@router.get("/flows")
async def flows(request: Request, account: SignedIn):
    from shukko.service.flow_runs import flows_status

    if not account.sees_flows:
        raise not_found()
    found = await anyio.to_thread.run_sync(flows_status, limiter=prefect_threads(request))
    return render(
        request, "flows.html", account=account, flows=found,
        may_start=account.role == "office_admin",
    )  # fmt: skip


@router.post("/flows/{flow}/run")
async def start_flow(request: Request, flow: str, account: Posting, session: Database):
    from shukko.service.flow_runs import start

    if account.role != "office_admin":
        raise not_found() if not account.sees_flows else Page(403, "実行の権限がありません。")
    try:
        # In a worker thread: Prefect's run_deployment there does the call itself rather
        # than hand an event loop a coroutine.
        run_id = await anyio.to_thread.run_sync(
            start, flow, business_day(request), limiter=prefect_threads(request)
        )
    except KeyError:
        raise not_found() from None
    except Exception as exc:  # no server, or it refused: say so, start nothing
        log.warning("flow %s not started for %s: %s", flow, account.name, type(exc).__name__)
        raise Page(503, NOT_STARTED) from None
    log.info("flow %s started by %s: flow run %s", flow, account.name, run_id)

    def remember() -> None:
        flash(request, session, "/flows", STARTED.format(run_id=run_id))
        session.commit()

    await anyio.to_thread.run_sync(remember)
    return RedirectResponse("/flows", status_code=303)
