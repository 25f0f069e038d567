"""The web worklist's accounts (利用者), their sessions, and the personal-data access log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlmodel import Field, SQLModel

from models.common import timestamp_field


class UserAccount(SQLModel, table=True):
    """A consultant, an office admin or headquarters. The password is kept as an argon2 hash
    only; five failed logins lock the account for a while (locked_until)."""

    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=64, unique=True)
    office_code: str = Field(foreign_key="office.code", max_length=2)
    role: str = Field(sa_type=String(16), description="consultant, office_admin or hq")
    password_hash: str
    disabled: bool = False
    failed_logins: int = Field(default=0, description="failures since the last success or lock")
    locked_until: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    created_at: datetime | None = timestamp_field()
    updated_at: datetime | None = timestamp_field()


class WebSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored, so a
    copy of the database opens no session. Each session has its own CSRF token."""

    __tablename__ = "web_session"

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime | None = timestamp_field()
    expires_at: datetime = Field(sa_type=DateTime(timezone=True))
    last_seen_at: datetime | None = Field(
        default=None, sa_type=DateTime(timezone=True), description="for the idle timeout"
    )
    flash: str | None = Field(
        default=None, max_length=400, description="a message for the next page (JSON)"
    )


class SignInForm(SQLModel, table=True):
    """A sign-in form handed out (a pre-session): its cookie's SHA-256 and the token the form
    carries. A sign-in is accepted only with a form of this server, used once."""

    __tablename__ = "sign_in_form"

    token_hash: str = Field(primary_key=True, max_length=64)
    csrf_token: str = Field(max_length=64)
    expires_at: datetime = Field(sa_type=DateTime(timezone=True), index=True)


class SignInFailure(SQLModel, table=True):
    """A failed sign-in by the address it came from: too many in a minute from one address
    and that address is refused for a while, whatever names it tries."""

    __tablename__ = "sign_in_failure"

    id: int | None = Field(default=None, primary_key=True)
    address: str = Field(max_length=64, index=True)
    failed_at: datetime = Field(sa_type=DateTime(timezone=True), index=True)


class PersonalDataAccess(SQLModel, table=True):
    """個人情報の閲覧記録: who saw a case's workers' names and birth dates, when, from where."""

    __tablename__ = "personal_data_access"

    id: int | None = Field(default=None, primary_key=True)
    user_name: str = Field(max_length=64, index=True)
    office_code: str = Field(max_length=2)
    case_id: int = Field(foreign_key="cases.id", index=True)
    address: str = Field(max_length=64, description="the client's IP address")
    viewed_at: datetime | None = timestamp_field()
