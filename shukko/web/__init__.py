"""The consultants' web worklist (業務一覧): server-rendered pages in Japanese over the service
layer, with accounts, office scoping, CSRF tokens and a personal-data access log.

    app.py          the FastAPI application: templates, security headers, error pages
    routes/         the pages and forms by area: signin, worklist, cases, registrants,
                    offers, flows
    deps.py         one database session per request, the signed-in account, the form
    pages.py        rendering, answers other than the page (Page), where a refusal lands
    auth.py         the session cookie, CSRF checks
    forms.py        form values to typed requests, each error naming its field
    refusals.py     refusals in Japanese, from shukko.refusals' codes
    labels.py       Japanese labels of events, offices and roles
"""
