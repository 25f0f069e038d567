"""Refusals as data: each code with its plain sentence, which names no front end's options
or commands (the CLI's wording is shukko.cli.refusals, the web's shukko.web.refusals).

Raise them as `NotFound(code="not_found.case", case_id=7)`; the parameters fill the
sentences of every catalogue, and `fields` names the form fields a refusal concerns (the
CLI words them as its options, the web puts the refusal beside them). A parameter holding
a list of Refusals (a guard's reasons) is worded by the same catalogue, item by item."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Refusal:
    """One reason a step or an input is refused: a code, its parameters, its fields."""

    code: str
    params: Mapping = field(default_factory=dict)
    fields: tuple[str, ...] = ()

    def __str__(self) -> str:
        return worded(PLAIN, self)


_NOT_FOUND = {
    "not_found.case": "case {case_id} does not exist",
    "not_found.offer": "no offer {offer}",
    "not_found.side_offer": "no {side} offer {offer}",
    "not_found.opening": "no opening {opening}",
    "not_found.transfer_offer": "no receiving offer {opening} open to transfers (移籍)",
    "not_found.request": "no sending offer {request}",
    "not_found.registrant": "registrant {registrant_id} does not exist",
    "not_found.user": "no user {name!r}",
    "not_found.company": (
        "no company {company!r} is known (by corporate number or name); it is known once an "
        "offer or opening of it was imported"
    ),
}

# 案件のガード: what the case's facts lack for a step, and what the step needs given.
_CASE_GUARDS = {
    "guard.blocked": "case {case_id}: cannot {event}: {reasons}",
    "guard.worker_consented": (
        "worker consent (労働者の同意) is missing: {consented} of {headcount} workers have "
        "consented ({assigned} assigned; assign the workers, then record each one's consent)"
    ),
    "guard.union_agreed": "union agreement (労働組合との合意) is missing",
    "guard.majority_agreed": "majority-representative agreement (過半数代表者との合意) is missing",
    "guard.rules_updated": "employment rules not updated (就業規則の出向規定)",
    "guard.terms_fixed": "contract terms not fixed (出向契約の内容): hand in the terms",
    "guard.transfer_consented": "the worker's consent to the transfer (移籍への同意) is missing",
    "guard.interview_date_given": "the interview date is required",
    "guard.worker_awaiting_consent": (
        "no assigned worker is waiting to consent: assign a worker, or name one"
    ),
    "guard.terms_handed_in": "fix_terms is recorded by handing in a valid terms file",
    "guard.start_date_reached": "the contract start date ({start_date}) has not come yet",
    "guard.end_reached_or_reason_given": (
        "the end date ({end_date}) has not come: an early return needs a reason"
    ),
    "guard.reason_given": "a reason is required",
    "guard.receipt_given": (
        "the labour bureau's receipt number of the plan (計画届の受付番号) is required"
    ),
    "guard.under_a_programme": (
        "no subsidy programme applies to this secondment, so there is no plan "
        "(出向実施計画届) to record"
    ),
    "guard.extension_within_maximum": (
        "the new end date must be after the current end ({end_date}) and keep the period "
        "within {max_months} months"
    ),
}

# キャリア人材バンク: a registrant's guards and eligibility.
_BANK = {
    "bank.blocked": "'{event}' refused for registrant {registrant_id}: {reasons}",
    "bank.opening_given": "an opening is needed",
    "bank.consent_for_opening": (
        "consent to share the profile with {company} (個人情報の第三者提供の同意) is missing: "
        "record it, for opening {opening} only or for any company"
    ),
    "bank.opening_available": "opening {opening} is closed or has no places left",
    "bank.not_introduced_yet": "opening {opening} has already been introduced to this registrant",
    "bank.introduced_to_opening": (
        "opening {opening} was not introduced to this registrant: introduce it first"
    ),
    "bank.reason_given": "a reason is needed",
    "bank.still_open": "the introduction to opening {opening} has ended (不採用 or 辞退 recorded)",
    "bank.not_offered_yet": "opening {opening} has already made its offer (内定)",
    "bank.interview_held": (
        "no interview (採用面接) with opening {opening} on or before this day: an offer "
        "follows the interview"
    ),
    "bank.outcome_given": "the outcome is needed: rejected (不採用) or declined (辞退)",
    "bank.offer_made": "opening {opening} has made no offer (内定) to this person",
    "bank.left_by_start": (
        "the first day at the new employer comes before the leaving day {leaving_on} at the "
        "former one"
    ),
    "bank.hired_without_interview": (
        "a job seeker is hired after the receiving company's offer (内定): record the "
        "interview and the offer first"
    ),
    "bank.ineligible": "not eligible for the career bank: {reasons}",
    "seeker.request_needed": (
        "a job seeker registers from their company's request (再就職支援の依頼): name the "
        "sending offer"
    ),
    "seeker.request_not_transfer": (
        "sending offer {request} is not an open request for transfers (移籍)"
    ),
    "seeker.no_retention_due": "job seeker {registrant_id} has no follow-up (定着確認) open",
    "seeker.request_full": (
        "sending offer {request} names {headcount} people, and as many are registered from "
        "it as job seekers or in its cases"
    ),
    "bank.too_young_at_leaving": (
        "aged {age} on the leaving day {leaving_on}; the career bank is for people leaving "
        "at {min_age} or over"
    ),
    "bank.request_after_leaving": (
        "the leaving day {leaving_on} has passed; a company's request (支援依頼) registers an "
        "employee before the leaving day — register them on their own if they left within "
        "the past year"
    ),
    "bank.self_age": (
        "aged {age} today; on their own, people register aged {min_age} to {max_age}"
    ),
    "bank.self_before_leaving": (
        "the leaving day {leaving_on} is ahead; on their own, people register after leaving "
        "(a company's request registers them before)"
    ),
    "bank.self_too_long_ago": (
        "left {leaving_on}, about {months} months ago; on their own, people register within "
        "{within} months of leaving"
    ),
}

# 状態と手続: events a case or registrant does not accept now.
_EVENTS = {
    "event.unknown": "'{event}' is not an event of this {subject}; its events are: {events}",
    "event.final": "{subject} {subject_id} is {state} ({state_label}), a final state: "
    "it accepts no events",
    "event.not_allowed": (
        "'{event}' is not allowed while {subject} {subject_id} is {state} ({state_label}); "
        "allowed now: {allowed}"
    ),
    "event.workers_after_contract": (
        "case {case_id} is {state}: workers are assigned before the contract"
    ),
    "event.not_skill_programme": (
        "case {case_id} is not a skill-development secondment under a programme with a "
        "post-return wage condition (スキルアップ支援コース)"
    ),
    "event.not_returned": (
        "case {case_id} is {state}: wages after return are recorded once it has returned"
    ),
    "conflict.case": "case {case_id} was changed by someone else while you were working on "
    "it; reload it and retry",
    "conflict.registrant": "registrant {registrant_id} was changed by someone else while you "
    "were working on it; reload it and retry",
    "conflict.batch": (
        "a case in this batch was changed by someone else meanwhile; nothing of the batch "
        "was saved: run it again"
    ),
}

# 入力: a value given with a step or a command, checked before anything is stored.
_INPUT = {
    "input.text_too_long": "{field}: {length:,} characters; at most {limit:,} are accepted",
    "input.date_outside": ("{field}: {day} is outside the dates accepted ({earliest} to {latest})"),
    "input.date_in_future": "{field}: {day} is in the future",
    "input.office": "{value!r} is not a prefecture (a code 01-47 or a name like 東京都)",
    "input.offer_key": "{value!r}: give an offer as OFFICE:OFFER_ID, e.g. 13:S-0001",
    "input.opening_key": "{value!r} is not OFFICE:OPENING_ID (e.g. 13:K-0001)",
    "input.outcome": "{value!r} is not an outcome: rejected (不採用) or declined (辞退)",
    "input.programme": "{value!r} is not a programme: career_bank or transfer",
    "input.case_kind": "{value!r} is not secondment or transfer",
    "input.side": "{value!r} is not sending or receiving",
    "input.offer_both_sides": "{offer} is both a sending and a receiving offer: name the side",
    "input.registrant_state": "{value!r} is not a registrant state ({states})",
    "input.top": "{value} is not a number of openings (1 or more)",
    "input.limit": "{value} is not a number of rows (0 or more)",
    "input.role": "{value!r} is not one of {roles}",
    "input.user_name": "{value!r} must be 1-64 letters, digits or . _ @ -",
    "input.user_exists": "a user {value!r} exists already",
    "input.password_short": "a password has at least {limit} characters",
    "input.password_long": "a password has at most {limit} characters",
    "input.name_empty": "the {whose} name is empty",
    "input.birth_date": "the birth date {value} is not in the past",
    "input.leaving_reason": "{value!r} is not teinen, keizoku or other",
    "input.employment_type": "{value!r} is not full_time, part_time or either",
    "input.wage": "{value} is not a wage in yen",
    "input.occupation": "{value!r} is not an occupation group (A-L or its name)",
    "input.area": "{value!r} is not an area (a prefecture or a region)",
    "input.too_many_workers": (
        "case {case_id} is for {headcount} person(s) and {assigned} worker(s) are already assigned"
    ),
    "input.worker_already_consented": "worker {worker_id} has already consented",
    "input.worker_not_assigned": "worker {worker_id} is not assigned to this case",
    "input.workers_pending": ("several workers have not consented yet (ids {workers}): name one"),
    "input.worker_ambiguous": (
        "case {case_id} has {count} workers ({workers}): name the one whose wage this is"
    ),
    "input.worker_not_on_case": (
        "worker {worker_id} is not on case {case_id} (its workers: {workers})"
    ),
    "input.monthly_wage": "{value:,} is not a monthly wage in yen",
    "input.month": "{value!r} is not a month like 2024-05",
    "input.month_outside": (
        "{month} is not one of the {count} months after the return on {returned_on} "
        "({first} to {last})"
    ),
    "input.month_ahead": "{month} has not begun yet",
}

# 案件を開く: what is wrong with a pair of offers.
_OPENING = {
    "case.cannot_open": "cannot open the case: {reasons}",
    "case.offer_missing": "the sending or receiving offer does not exist",
    "case.offer_kind": "the {side} offer is for {offer_kind}, not {kind}",
    "case.headcount_exceeds": "headcount {headcount} exceeds the {side} offer's {offer_headcount}",
    "case.same_company": "the sending and receiving company are the same company",
    "case.headcount_below_one": "headcount must be at least 1",
    "case.pair_open": "these two offers already have an open case: case {case_id}",
}

# 出向契約の内容: a terms file (JSON or YAML) and its values.
_TERMS = {
    "terms.invalid": "{source}: {reasons}",
    "terms.not_a_mapping": "{source}: expected a mapping of keys to values",
    "terms.unknown_key": "{key}: unknown key",
    "terms.missing_key": "{key}: required key is missing",
    "terms.bad_value": "{key}: {problem} (got {value!r})",
    "terms.required_for_secondment": "{key}: required for a secondment",
    "terms.purpose_not_for_kind": (
        "purpose: '{purpose}' is for a secondment (this case is a {kind})"
    ),
    "terms.period_too_long": (
        "end_date: the period {start}..{end} is longer than the maximum of {max_months} months"
    ),
    "terms.wage_below_pre": (
        "monthly_wage_yen: {wage:,} yen is below the wage before the secondment ({pre:,} "
        "yen); {programme} requires the wage during the secondment to be at least the wage "
        "before it"
    ),
    "terms.date_outside": "{key}: {day} is outside the dates accepted ({earliest} to {latest})",
    "terms.no_file": "{source}: no such file",
    "terms.unreadable": "{source}: cannot be read as UTF-8 text",
    "terms.not_json_yaml": "{source}: not valid JSON/YAML ({problem})",
    "terms.too_large": "{source}: {size:,} bytes; a terms file is at most {limit:,} bytes",
}

# 担当者 and メモ: who may own a case or a registrant, and a note's words.
_OWNERS = {
    "owner.other_office": (
        "{name} is a user of office {office}, not of the office(s) {offices} this belongs to"
    ),
    "owner.taken": "{owner} already owns this; an office admin reassigns it",
    "owner.not_allowed": (
        "a {role} cannot assign this: consultants take what nobody owns, office admins "
        "assign within their office"
    ),
    "owner.headquarters": "{name} is a headquarters user, who reads and changes nothing",
    "input.note_empty": "the note is empty",
}

_SETUP = {
    "signin.refused": "the user name or the password is wrong",
    "signin.throttled": (
        "too many failed sign-ins from this address; try again in {seconds} seconds"
    ),
    "schema.missing": "the database {url} has no schema yet: upgrade it first",
    "schema.behind": "the database {url} is at revision {revision}: upgrade it first",
    "demo.fresh_needs_sqlite": (
        "a fresh start removes a SQLite database only; for PostgreSQL, point "
        "SHUKKO_DATABASE_URL at an empty database instead"
    ),
    "demo.not_empty": ("the database already holds {offers} offers; the demo needs an empty one"),
}

PLAIN = {**_NOT_FOUND, **_CASE_GUARDS, **_BANK, **_EVENTS, **_INPUT, **_OPENING, **_TERMS,
         **_OWNERS, **_SETUP}  # fmt: skip


def worded(
    catalogue: Mapping[str, str],
    refusal: Refusal,
    *,
    extra: Callable[[Refusal], dict] | None = None,
    joiner: str = "; ",
) -> str:
    """A refusal in one catalogue's words: its parameters (and `extra`'s, a front end's
    labels), with each list of Refusals worded the same way and joined."""
    if refusal.code not in PLAIN:
        raise KeyError(f"unknown refusal code {refusal.code!r}: add it to shukko.refusals.PLAIN")
    params = dict(refusal.params)
    for name, value in params.items():
        if isinstance(value, list | tuple) and value and isinstance(value[0], Refusal):
            params[name] = joiner.join(
                worded(catalogue, reason, extra=extra, joiner=joiner) for reason in value
            )
    if extra is not None:
        params.update(extra(refusal))
    return catalogue[refusal.code].format(**params)


def plain(code: str | None, params: Mapping, fields: tuple[str, ...] = ()) -> str:
    """The plain sentence of a refusal code with its parameters."""
    return worded(PLAIN, Refusal(code or "", params, fields))
