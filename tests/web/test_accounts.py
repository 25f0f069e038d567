"""Accounts of the web worklist: argon2 hashes, sign-in and its lockout, sessions that end,
who sees and changes what, the personal-data access log."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from models import UserAccount
from shukko.errors import InvalidInput, NotFound
from shukko.service.accounts import (
    add_user,
    disable_user,
    end_user_sessions,
    list_users,
    personal_data_views,
    record_personal_data_view,
    set_password,
    unlock_user,
)
from shukko.service.sessions import (
    Account,
    SignInPolicy,
    SignInRefused,
    leave_message,
    new_sign_in_form,
    sign_in,
    sign_out,
    signed_in,
    use_sign_in_form,
)
from tests.helpers import make_case

PASSWORD = "correct horse battery"
NOW = datetime(2024, 6, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def sato(session):
    add_user(session=session, name="sato", office="愛知", role="consultant", password=PASSWORD)
    session.commit()
    return "sato"


def test_a_user_is_stored_with_an_argon2_hash_and_listed_without_it(session, sato):
    stored = session.exec(select(UserAccount)).one()
    assert stored.office_code == "23"
    assert stored.password_hash.startswith("$argon2id$") and PASSWORD not in stored.password_hash
    (row,) = list_users(session=session)
    assert (row.name, row.office, row.role, row.disabled) == ("sato", "23", "consultant", False)
    assert "hash" not in row.model_dump()


@pytest.mark.parametrize(
    ("name", "office", "role", "password", "says", "field"),
    [
        ("sato", "23", "consultant", PASSWORD, "exists already", "user"),
        ("佐藤 さん", "23", "consultant", PASSWORD, "letters, digits", "user"),
        ("kato", "99", "consultant", PASSWORD, "not a prefecture", "office"),
        ("kato", "23", "admin", PASSWORD, "not one of", "role"),
        ("kato", "23", "consultant", "short", "at least 12", "password"),
    ],
)
def test_a_bad_user_is_refused_by_what_is_wrong(
    session, sato, name, office, role, password, says, field
):
    with pytest.raises(InvalidInput, match=says) as refused:
        add_user(session=session, name=name, office=office, role=role, password=password)
    assert refused.value.fields == (field,)


def test_sign_in_opens_a_session_that_names_the_account_until_it_expires(session, sato):
    policy = SignInPolicy(session_hours=10, idle_minutes=30)
    token, account = sign_in(session=session, name="sato", password=PASSWORD, now=NOW,
                             policy=policy)  # fmt: skip
    assert account == Account("sato", "23", "consultant", account.csrf_token, user_id=1)
    # Used every 20 minutes, it lasts its 10 hours and no longer.
    for minutes in range(20, 10 * 60, 20):
        at = NOW + timedelta(minutes=minutes)
        assert signed_in(session=session, token=token, now=at, policy=policy) == account
    assert signed_in(session=session, token=token, now=NOW + timedelta(hours=10),
                     policy=policy) is None  # fmt: skip
    assert signed_in(session=session, token="forged", now=NOW) is None
    sign_out(session=session, token=token)
    assert signed_in(session=session, token=token, now=NOW) is None


def test_a_session_unused_for_its_idle_time_ends(session, sato):
    policy = SignInPolicy(idle_minutes=30)
    token, account = sign_in(session=session, name="sato", password=PASSWORD, now=NOW,
                             policy=policy)  # fmt: skip
    later = NOW + timedelta(minutes=29)
    assert signed_in(session=session, token=token, now=later, policy=policy) == account
    idle = later + timedelta(minutes=31)
    assert signed_in(session=session, token=token, now=idle, policy=policy) is None
    # Ended for good: coming back within the idle time of the last use opens nothing.
    assert signed_in(session=session, token=token, now=later, policy=policy) is None


def test_five_failures_lock_the_account_for_fifteen_minutes(session, sato):
    policy = SignInPolicy(failures=5, minutes=15)
    for attempt in range(5):
        with pytest.raises(SignInRefused, match="name or the password is wrong"):
            sign_in(session=session, name="sato", password=f"wrong {attempt}", now=NOW,
                    policy=policy, address=f"10.0.0.{attempt}")  # fmt: skip
    # Locked: even the right password gets the words of a wrong one.
    with pytest.raises(SignInRefused, match="name or the password is wrong") as locked:
        sign_in(session=session, name="sato", password=PASSWORD, now=NOW + timedelta(minutes=14),
                policy=policy)  # fmt: skip
    assert locked.value.code == "signin.refused"
    assert list_users(session=session, now=NOW)[0].locked_until is not None
    token, _ = sign_in(session=session, name="sato", password=PASSWORD,
                       now=NOW + timedelta(minutes=15), policy=policy)  # fmt: skip
    assert token


def test_a_locked_account_is_answered_as_slowly_as_a_wrong_password(
    session, sato, monkeypatch
):
    """The same words, and the same work: the password is checked against the account's
    hash whether it is locked or not (a quick answer told which names exist)."""
    from shukko.service import sessions

    for _ in range(5):
        with pytest.raises(SignInRefused):
            sign_in(session=session, name="sato", password="wrong", now=NOW)
    hasher = sessions.password_hasher()
    checked = []
    real_verify = type(hasher).verify

    def counting(self, stored, password):
        checked.append(stored)
        return real_verify(self, stored, password)

    monkeypatch.setattr(type(hasher), "verify", counting)
    answers = []
    for name, password in (("sato", PASSWORD), ("sato", "wrong"), ("nobody", "wrong")):
        with pytest.raises(SignInRefused) as refused:
            sign_in(session=session, name=name, password=password, now=NOW)
        answers.append(str(refused.value))
    assert len(set(answers)) == 1
    stored = session.scalar(select(UserAccount.password_hash))
    assert checked[:2] == [stored, stored] and len(checked) == 3


def test_too_many_failures_from_one_address_refuse_it_whatever_the_name(session, sato):
    policy = SignInPolicy(address_failures=10, failures=5)
    for attempt in range(10):
        with pytest.raises(SignInRefused):
            sign_in(session=session, name=f"user{attempt}", password="wrong",
                    now=NOW + timedelta(seconds=attempt), policy=policy,
                    address="203.0.113.9")  # fmt: skip
    with pytest.raises(SignInRefused) as throttled:
        sign_in(session=session, name="sato", password=PASSWORD, now=NOW + timedelta(seconds=20),
                policy=policy, address="203.0.113.9")  # fmt: skip
    assert throttled.value.code == "signin.throttled"
    assert throttled.value.params["seconds"] == 41  # until the first failure is a minute old
    # Other addresses are not held up, and the address may try again after the minute.
    assert sign_in(session=session, name="sato", password=PASSWORD, now=NOW + timedelta(
        seconds=20), policy=policy, address="198.51.100.7")[0]  # fmt: skip
    assert sign_in(session=session, name="sato", password=PASSWORD, now=NOW + timedelta(
        seconds=70), policy=policy, address="203.0.113.9")[0]  # fmt: skip


def test_an_unlock_lifts_the_lock_and_an_admin_unlocks_only_their_office(session, sato):
    for _ in range(5):
        with pytest.raises(SignInRefused):
            sign_in(session=session, name="sato", password="wrong", now=NOW)
    tokyo_admin = Account("suzuki", "13", "office_admin", "x")
    with pytest.raises(NotFound):
        unlock_user(session=session, name="sato", by=tokyo_admin)
    aichi_consultant = Account("kato", "23", "consultant", "x")
    with pytest.raises(NotFound):
        unlock_user(session=session, name="sato", by=aichi_consultant)
    row = unlock_user(session=session, name="sato", by=Account("ito", "23", "office_admin", "x"))
    assert row.locked_until is None
    assert sign_in(session=session, name="sato", password=PASSWORD, now=NOW)[0]


def test_signing_a_user_out_everywhere_ends_every_session(session, sato):
    first, _ = sign_in(session=session, name="sato", password=PASSWORD, now=NOW)
    second, _ = sign_in(session=session, name="sato", password=PASSWORD, now=NOW)
    assert end_user_sessions(session=session, name="sato") == 2
    assert signed_in(session=session, token=first, now=NOW) is None
    assert signed_in(session=session, token=second, now=NOW) is None


def test_a_sign_in_form_is_this_servers_and_used_once(session):
    cookie, token = new_sign_in_form(session=session, now=NOW)
    assert not use_sign_in_form(session=session, cookie="tossed", sent="tossed", now=NOW)
    assert not use_sign_in_form(session=session, cookie=cookie, sent="other", now=NOW)
    cookie, token = new_sign_in_form(session=session, now=NOW)
    assert use_sign_in_form(session=session, cookie=cookie, sent=token, now=NOW)
    assert not use_sign_in_form(session=session, cookie=cookie, sent=token, now=NOW)
    cookie, token = new_sign_in_form(session=session, now=NOW)
    late = NOW + timedelta(hours=2)
    assert not use_sign_in_form(session=session, cookie=cookie, sent=token, now=late)


def test_a_message_is_shown_once_on_the_page_it_was_left_for(session, sato):
    token, _ = sign_in(session=session, name="sato", password=PASSWORD, now=NOW)
    leave_message(session=session, token=token, path="/cases/7", text="記録しました")
    assert signed_in(session=session, token=token, now=NOW, path="/").flash is None
    assert signed_in(session=session, token=token, now=NOW, path="/cases/7").flash == "記録しました"
    assert signed_in(session=session, token=token, now=NOW, path="/cases/7").flash is None


def test_a_success_resets_the_count_of_failures(session, sato):
    for _ in range(4):
        with pytest.raises(SignInRefused):
            sign_in(session=session, name="sato", password="wrong", now=NOW)
    sign_in(session=session, name="sato", password=PASSWORD, now=NOW)
    for _ in range(4):
        with pytest.raises(SignInRefused):
            sign_in(session=session, name="sato", password="wrong", now=NOW)
    assert sign_in(session=session, name="sato", password=PASSWORD, now=NOW)[0]


def test_an_unknown_name_is_refused_in_the_same_words(session, sato):
    with pytest.raises(SignInRefused) as unknown:
        sign_in(session=session, name="nobody", password=PASSWORD, now=NOW)
    with pytest.raises(SignInRefused) as wrong:
        sign_in(session=session, name="sato", password="wrong", now=NOW)
    assert str(unknown.value) == str(wrong.value)


def test_disabling_ends_the_sessions_and_refuses_sign_in(session, sato):
    token, _ = sign_in(session=session, name="sato", password=PASSWORD, now=NOW)
    disable_user(session=session, name="sato")
    assert signed_in(session=session, token=token, now=NOW) is None
    with pytest.raises(SignInRefused):
        sign_in(session=session, name="sato", password=PASSWORD, now=NOW)
    with pytest.raises(NotFound):
        disable_user(session=session, name="nobody")


def test_a_new_password_lifts_the_lock_and_ends_old_sessions(session, sato):
    token, _ = sign_in(session=session, name="sato", password=PASSWORD, now=NOW)
    for _ in range(5):
        with pytest.raises(SignInRefused):
            sign_in(session=session, name="sato", password="wrong", now=NOW)
    set_password(session=session, name="sato", password="another long password")
    assert signed_in(session=session, token=token, now=NOW) is None
    with pytest.raises(SignInRefused):
        sign_in(session=session, name="sato", password=PASSWORD, now=NOW)
    assert sign_in(session=session, name="sato", password="another long password", now=NOW)[0]


@pytest.mark.parametrize(
    ("role", "office", "sees", "acts", "flows"),
    [
        ("consultant", "23", True, True, False),
        ("office_admin", "13", True, True, True),
        ("consultant", "01", False, False, False),
        ("hq", "13", True, False, True),
    ],
)
def test_who_sees_and_changes_a_case_between_aichi_and_tokyo(role, office, sees, acts, flows):
    account = Account("someone", office, role, "token")
    assert account.sees("23", "13") is sees
    assert account.acts_on("23", "13") is acts
    assert account.sees_flows is flows


def test_personal_data_views_are_logged_and_listed_since_a_day(session, sato):
    case_id = make_case(session).id
    account = Account("sato", "23", "consultant", "token")
    record_personal_data_view(session=session, account=account, case_id=case_id,
                              address="192.0.2.7")  # fmt: skip
    session.commit()
    (view,) = personal_data_views(session=session)
    assert (view.user, view.office, view.case_id, view.address) == (
        "sato", "23", case_id, "192.0.2.7",
    )  # fmt: skip
    assert personal_data_views(session=session, since=date.today() + timedelta(days=1)) == []
