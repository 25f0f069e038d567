"""The web worklist's routes by area: sign-in, the worklist, cases, registrants, offers and
flows. Each takes the request's one database session and the signed-in account from
shukko.web.deps."""
