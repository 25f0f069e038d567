"""検索 (the box on every page): a company's name, a case number, an offer key or a
registrant number; a number that is a case opens the case."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from shukko.service.search import search
from shukko.web.deps import Database, SignedIn
from shukko.web.pages import render

router = APIRouter()
MAX_QUERY = 200  # characters: a name or a number, never a document


@router.get("/search")
def search_page(request: Request, account: SignedIn, session: Database, q: str = ""):
    found = search(session=session, text=q[:MAX_QUERY], account=account)
    if found.jump is not None:
        return RedirectResponse(f"/cases/{found.jump}", status_code=303)
    return render(request, "search.html", account=account, found=found, q=q[:MAX_QUERY])
