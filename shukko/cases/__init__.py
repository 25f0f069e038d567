"""案件: a case's lifecycle and log (transitions), facts for its guards, opening cases,
workers and terms (records), follow-ups, offers and companies, replay and diagrams."""
