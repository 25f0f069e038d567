"""The CLI's wording of refusals (shukko.refusals): the plain sentence, with the option it
concerns and the command that helps."""

from __future__ import annotations

from shukko.errors import ShukkoError
from shukko.refusals import PLAIN, Refusal, worded

# The CLI's name for a form field, where it is not `--field-name`.
OPTIONS = {
    "actor": "--by",
    "user": "NAME",
    "terms": "FILE",
    "sending": "SENDING",
    "receiving": "RECEIVING",
    "offer": "OFFER",
    "password": "password",
}

# Worded as the plain sentence after the option it concerns ("--note: 2,345 characters; ...").
AFTER_OPTION = (
    "input.text_too_long", "input.date_outside", "input.date_in_future", "input.office",
    "input.offer_key", "input.opening_key", "input.outcome", "input.case_kind", "input.side",
    "input.registrant_state", "input.top", "input.limit", "input.role", "input.user_name",
    "input.user_exists", "input.password_short", "input.password_long", "input.name_empty",
    "input.birth_date", "input.leaving_reason", "input.employment_type", "input.wage",
    "input.occupation", "input.area", "input.worker_already_consented",
    "input.worker_not_assigned", "input.worker_ambiguous", "input.worker_not_on_case",
    "input.monthly_wage", "input.month", "input.month_outside", "input.month_ahead",
    "bank.too_young_at_leaving", "bank.self_age", "bank.self_too_long_ago",
    "owner.other_office", "owner.taken", "owner.headquarters", "input.note_empty",
    "input.programme", "seeker.request_not_transfer", "seeker.request_full",
)  # fmt: skip

# Worded as the plain sentence: nothing of the CLI's would help more.
AS_PLAIN = (
    "guard.blocked", "guard.union_agreed", "guard.majority_agreed", "guard.rules_updated",
    "guard.transfer_consented", "guard.start_date_reached", "guard.under_a_programme",
    "bank.blocked", "bank.opening_available", "bank.not_introduced_yet",
    "bank.introduced_to_opening", "bank.ineligible", "bank.still_open", "bank.not_offered_yet",
    "bank.offer_made", "bank.hired_without_interview", "bank.interview_held", "event.final",
    "event.not_allowed", "event.workers_after_contract", "event.not_skill_programme",
    "input.too_many_workers", "conflict.batch", "case.cannot_open", "case.offer_missing",
    "case.offer_kind", "case.headcount_exceeds", "case.same_company",
    "case.headcount_below_one", "case.pair_open", "terms.invalid", "terms.not_a_mapping",
    "terms.unknown_key",
    "terms.missing_key", "terms.bad_value", "terms.required_for_secondment",
    "terms.purpose_not_for_kind", "terms.period_too_long", "terms.wage_below_pre",
    "terms.date_outside", "terms.no_file", "terms.unreadable", "terms.not_json_yaml",
    "terms.too_large", "signin.refused", "signin.throttled", "owner.not_allowed",
    "seeker.no_retention_due",
)  # fmt: skip

# The CLI's own words: the option or command that helps.
OWN = {
    "not_found.case": "case {case_id} does not exist (see `shukko case list`)",
    "not_found.offer": "no offer {offer} (see `shukko offers list`)",
    "not_found.side_offer": "no {side} offer {offer} (see `shukko offers list`)",
    "not_found.opening": "--opening: no opening {opening} (see `shukko openings list`)",
    "not_found.transfer_offer": (
        "--offer: no receiving offer {opening} open to transfers (移籍) (see `shukko offers "
        "list --kind receiving`)"
    ),
    "not_found.request": "--request: no sending offer {request} (see `shukko offers list`)",
    "seeker.request_needed": (
        "a job seeker registers from their company's request (再就職支援の依頼): give "
        "--request OFFICE:OFFER_ID"
    ),
    "not_found.registrant": "registrant {registrant_id} does not exist (see `shukko bank list`)",
    "not_found.user": "no user {name!r} (see `shukko user list`)",
    "not_found.company": (
        "--via-company: no company {company!r} is known (by corporate number or name); it is "
        "known once an offer or opening of it was imported"
    ),
    "guard.worker_consented": (
        "worker consent (労働者の同意) is missing: {consented} of {headcount} workers have "
        "consented ({assigned} assigned; assign with `shukko case assign-worker`, then "
        "record_consent for each)"
    ),
    "guard.terms_fixed": (
        "contract terms not fixed (出向契約の内容): hand in a terms file with "
        "`shukko case terms ID FILE`"
    ),
    "guard.interview_date_given": "the interview date is required: pass --at DATE",
    "guard.worker_awaiting_consent": (
        "no assigned worker is waiting to consent: assign a worker with "
        "`shukko case assign-worker`, or name one with --worker"
    ),
    "guard.terms_handed_in": (
        "fix_terms is recorded by `shukko case terms ID FILE` with a valid file"
    ),
    "guard.end_reached_or_reason_given": (
        "the end date ({end_date}) has not come: an early return needs a reason (--note)"
    ),
    "guard.reason_given": "a reason is required: pass --note",
    "guard.receipt_given": (
        "the labour bureau's receipt number of the plan (計画届の受付番号) is required: "
        "pass --doc"
    ),
    "guard.extension_within_maximum": (
        "the new end date (--until) must be after the current end ({end_date}) and keep the "
        "period within {max_months} months"
    ),
    "bank.opening_given": "an opening is needed: give --opening OFFICE:ID",
    "bank.consent_for_opening": (
        "consent to share the profile with {company} (個人情報の第三者提供の同意) is missing: "
        "record it with record_consent (--opening {opening} for this company only)"
    ),
    "bank.reason_given": "a reason is needed: give --note",
    "bank.outcome_given": "the outcome is needed: give --outcome rejected|declined",
    "bank.left_by_start": (
        "--on: the first day at the new employer comes before the leaving day {leaving_on} "
        "at the former one"
    ),
    "bank.request_after_leaving": (
        "--leaving-on: {leaving_on} has passed; a company's request (支援依頼) registers an "
        "employee before the leaving day — register them on their own (without "
        "--via-company) if they left within the past year"
    ),
    "bank.self_before_leaving": (
        "--leaving-on: {leaving_on} is ahead; on their own, people register after leaving "
        "(use --via-company for a company's request before the leaving day)"
    ),
    "event.unknown": "'{event}' is not an event of {noun}; its events are: {events}",
    "input.offer_both_sides": "{offer} is both a sending and a receiving offer: add --side",
    "input.workers_pending": (
        "several workers have not consented yet (ids {workers}): name one with --worker"
    ),
    "event.not_returned": (
        "case {case_id} is {state}: wages after return are recorded once it has returned "
        "(return_to_origin)"
    ),
    "conflict.case": (
        "case {case_id} was changed by someone else while you were working on it; reload it "
        "(`shukko case show {case_id}`) and retry"
    ),
    "conflict.registrant": (
        "registrant {registrant_id} was changed by someone else while you were working on "
        "it; reload it (`shukko bank show {registrant_id}`) and retry"
    ),
    "schema.missing": "the database {url} has no shukko schema yet; run `shukko db upgrade` first",
    "schema.behind": "the database {url} is at revision {revision}; run `shukko db upgrade` first",
    "demo.fresh_needs_sqlite": (
        "--fresh removes a SQLite database only; for PostgreSQL, point SHUKKO_DATABASE_URL "
        "at an empty database instead"
    ),
    "demo.not_empty": (
        "the database already holds {offers} offers; the demo needs an empty one: run "
        "`shukko demo --fresh` (SQLite) or set SHUKKO_DATABASE_URL to an empty database"
    ),
}

CLI = {
    **{code: "{option}: " + PLAIN[code].removeprefix("{field}: ") for code in AFTER_OPTION},
    **{code: PLAIN[code] for code in AS_PLAIN},
    **OWN,
}


def option_of(field: str) -> str:
    """The CLI's option (or argument) for a form field."""
    return OPTIONS.get(field, "--" + field.replace("_", "-"))


def _options(refusal: Refusal) -> dict:
    """The options a refusal concerns, and what it is about ("a transfer case")."""
    subject, kind = refusal.params.get("subject"), refusal.params.get("kind")
    return {
        "option": "/".join(option_of(field) for field in refusal.fields) or "input",
        "noun": f"a {kind} case" if subject == "case" else f"a {subject}",
    }


def refusal_words(refusal: Refusal) -> str:
    """A refusal as data in the CLI's words."""
    return worded(CLI, refusal, extra=_options)


def cli_words(exc: ShukkoError) -> str:
    """What the CLI prints for a refusal."""
    if exc.code is None:
        return str(exc)
    return refusal_words(exc.refusal)
