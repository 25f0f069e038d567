"""The application service layer: what every front end calls (the CLI, the Prefect flows, the
demo and the web worklist). Plain Python with typed inputs and outputs (shukko.service.schemas);
no Typer, no Prefect. Front ends open the session and hand in settings; they query no table
themselves.

Modules: cases (queries, opening, events, workers, terms), offers (listing, lookup,
counterparts), matching (proposals), followthrough (notices and follow-ups), night (the
night's stages, run by the flows and the demo), bank (the career bank), accounts (web users,
sign-in, sessions, the personal-data access log), worklist (an office's open cases by what
they need next), listing (paging), database (the current engine, retried transactions),
schemas (the typed results), transient (retrying what a busy database refuses).
"""
