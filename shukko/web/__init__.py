"""The consultants' web worklist (業務一覧): server-rendered pages in Japanese over the service
layer, with accounts, office scoping, CSRF tokens and a personal-data access log.

    app.py          the FastAPI application: pages, forms, error pages
    auth.py         the session cookie, the signed-in account, CSRF checks
    forms.py        form values to typed requests, each error naming its field
    labels.py       Japanese labels of events, offices and roles
    flows_page.py   the deployments' latest runs, read from a Prefect server
"""
