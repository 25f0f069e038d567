"""The middleware every request passes (plain ASGI: the response streams through untouched,
which Starlette's BaseHTTPMiddleware did not allow): at most `in_flight` requests inside the
application at once (the others wait their turn here, holding nothing), an oversized body
refused before it is read, a form from another origin refused, a crash answered as a plain
page whose exception message never reaches the log, and the security headers on every answer.

Why the admission: a request holds a database connection from the account's lookup until
its session closes, and its handler and the session's close each wait for one of the few
page threads (web_threads). With more requests inside than the pool has connections, the
threads waited for connections held by requests waiting for threads: fifty consultants on
two threads a process stalled for the pool's timeout (measured). `in_flight` stays below the
pool's size, so every request inside can have its connection."""

from __future__ import annotations

import logging

import anyio
from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shukko.web.auth import from_this_origin
from shukko.web.deps import MAX_BODY_BYTES
from shukko.web.pages import render

SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; form-action 'self'",
    "Cache-Control": "no-store",
}
CSRF_REFUSED = "フォームの確認用トークンがありません。ページを開き直してから送信してください。"
CRASHED = "内部エラーが発生しました。入力は保存されていません。管理者に連絡してください。"
log = logging.getLogger("shukko.web")


def crashed(request: Request, exc: Exception) -> HTMLResponse:
    # The type only: a message may quote personal data typed into a form.
    log.error("internal error on %s %s: %s", request.method, request.url.path, type(exc))
    return render(request, "error.html", 500, message=CRASHED)


class Guard:
    def __init__(self, app: ASGIApp, in_flight: int) -> None:
        self.app = app
        self.in_flight = in_flight
        self._admitted: anyio.Semaphore | None = None  # made in the server's event loop

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._admitted is None:
            self._admitted = anyio.Semaphore(self.in_flight)
        async with self._admitted:
            await self._guarded(scope, receive, send)

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def send_guarded(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        request = Request(scope)
        refusal = self._refusal(request)
        if refusal is not None:
            await refusal(scope, receive, send_guarded)
            return
        try:
            await self.app(scope, receive, send_guarded)
        except Exception as exc:
            if started:
                raise
            await crashed(request, exc)(scope, receive, send_guarded)

    @staticmethod
    def _refusal(request: Request) -> HTMLResponse | None:
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_BODY_BYTES:
            return HTMLResponse("送信された内容が大きすぎます。", status_code=413)
        if request.method == "POST" and not from_this_origin(request):
            log.info("form from another origin refused: %s %s", request.method, request.url.path)
            return render(request, "error.html", 403, message=CSRF_REFUSED)
        return None
