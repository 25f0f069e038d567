"""One settings object: config/shukko.toml, overridden by SHUKKO_* environment variables."""

from __future__ import annotations

import os
from datetime import date
from functools import lru_cache
from pathlib import Path

from pydantic import Field, computed_field, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

CONFIG_DIR = Path(__file__).resolve().parent
PROJECT_DIR = CONFIG_DIR.parent


class Settings(BaseSettings):
    """Where shukko keeps its data and how it behaves; see config/shukko.toml."""

    model_config = SettingsConfigDict(
        env_prefix="SHUKKO_",
        toml_file=CONFIG_DIR / "shukko.toml",
        extra="forbid",
    )

    home: Path = Field(default=PROJECT_DIR / "var", description="data folder (SHUKKO_HOME)")
    database_url: str = Field(
        default="", description="SQLAlchemy URL (SHUKKO_DATABASE_URL); default SQLite in home"
    )
    max_period_months: int = Field(default=36, ge=1, le=120)
    timezone: str = "Asia/Tokyo"
    block_overrides: dict[str, str] = Field(default_factory=dict)
    reminder_days: list[int] = Field(
        default=[14, 3], description="reminders this many days before the filing deadline"
    )
    follow_up_first_months: int = Field(default=1, ge=1, description="first follow-up after start")
    follow_up_every_months: int = Field(default=3, ge=1, description="then every N months")
    end_decision_months: int = Field(
        default=1, ge=1, description="the return/extension/transfer decision, months before end"
    )
    alert_webhook_url: str = Field(
        default="",
        description="SHUKKO_ALERT_WEBHOOK_URL: called when a nightly run fails or crashes",
    )
    heartbeat_seconds: int = Field(
        default=30, ge=30, le=600, description="flow-run heartbeats of deployed runs"
    )
    crashed_after_seconds: int = Field(
        default=90, ge=60, le=3600, description="a run whose heartbeats stop this long: Crashed"
    )
    max_text_chars: int = Field(
        default=2000, ge=100, le=100_000, description="--note, --doc and other free text"
    )
    earliest_date: date = Field(
        default=date(2000, 1, 1), description="dates before this are refused as typos"
    )
    latest_years_ahead: int = Field(
        default=5, ge=1, le=50, description="dates more than this many years ahead are refused"
    )
    max_terms_file_bytes: int = Field(
        default=256 * 1024, ge=1024, description="a terms file larger than this is refused"
    )
    max_xlsx_uncompressed_bytes: int = Field(
        default=512 * 1024 * 1024, ge=1024 * 1024, description="an XLSX inflating past this"
    )
    max_xlsx_compression_ratio: int = Field(
        default=200, ge=10, description="an XLSX part compressed more than this many times"
    )
    bank_min_age: int = Field(
        default=60, ge=50, le=80, description="キャリア人材バンク: the least age at leaving"
    )
    bank_self_max_age: int = Field(
        default=70, ge=60, le=90, description="the greatest age at self-registration"
    )
    bank_self_within_months: int = Field(
        default=12, ge=1, le=60, description="self-registration within this long after leaving"
    )
    bank_inactive_months: int = Field(
        default=12, ge=1, le=60, description="a registration idle this long is closed"
    )
    web_secure_cookie: bool = Field(
        default=False,
        description="SHUKKO_WEB_SECURE_COOKIE: the worklist is served over TLS (Secure cookie)",
    )
    web_session_hours: int = Field(
        default=10, ge=1, le=24 * 7, description="a web sign-in lasts this long"
    )
    web_lockout_failures: int = Field(
        default=5, ge=3, le=20, description="failed logins in a row that lock an account"
    )
    web_lockout_minutes: int = Field(
        default=15, ge=1, le=24 * 60, description="how long a locked account stays locked"
    )
    web_idle_minutes: int = Field(
        default=30, ge=1, le=24 * 60, description="a sign-in unused this long ends"
    )
    web_address_failures: int = Field(
        default=10,
        ge=3,
        le=1000,
        description="failed sign-ins from one address within a minute before it is refused",
    )
    web_trusted_proxies: str = Field(
        default="",
        description=(
            "SHUKKO_WEB_TRUSTED_PROXIES: comma-separated addresses of reverse proxies whose "
            "X-Forwarded-For is believed (empty: nobody's)"
        ),
    )
    web_threads: int = Field(
        default=2, ge=1, le=64, description="threads per web worker process rendering pages"
    )
    web_workers: int = Field(
        default=0, ge=0, le=64, description="worker processes of `shukko web` (0: one per core)"
    )
    web_as_of: date | None = Field(
        default=None, description="the business day the web pages show (empty: today)"
    )
    bank_suggestions: int = Field(
        default=5, ge=1, le=50, description="openings suggested per registrant"
    )
    seeker_retention_months: list[int] = Field(
        default=[1, 6],
        description="移籍の求職者: 定着確認 this many months after the first day (入社日)",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment beats the TOML file; explicit arguments beat both.
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    @field_validator("home")
    @classmethod
    def _absolute_home(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @model_validator(mode="after")
    def _default_database(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.home / 'shukko.db'}"
        elif not self.database_url.startswith(("sqlite", "postgresql+psycopg")):
            raise ValueError(
                "SHUKKO_DATABASE_URL must be sqlite:///PATH or postgresql+psycopg://..."
            )
        return self

    @field_validator("reminder_days")
    @classmethod
    def _positive_offsets(cls, value: list[int]) -> list[int]:
        if any(days < 1 for days in value):
            raise ValueError("reminder_days: each offset is a number of days >= 1")
        return sorted(set(value), reverse=True)

    @field_validator("seeker_retention_months")
    @classmethod
    def _months_after_hire(cls, value: list[int]) -> list[int]:
        if any(not 1 <= months <= 36 for months in value):
            raise ValueError("seeker_retention_months: each is a number of months, 1 to 36")
        return sorted(set(value))

    @field_validator("block_overrides")
    @classmethod
    def _known_blocks(cls, value: dict[str, str]) -> dict[str, str]:
        from models.reference import BLOCK_NAMES, PREFECTURES_BY_CODE

        for code, block in value.items():
            if code not in PREFECTURES_BY_CODE:
                raise ValueError(f"block_overrides: {code!r} is not a prefecture code 01-47")
            if block not in BLOCK_NAMES:
                raise ValueError(f"block_overrides: {block!r} is not one of {BLOCK_NAMES}")
        return value

    @computed_field
    @property
    def prefect_home(self) -> Path:
        """Prefect's home: PREFECT_HOME if set, else SHUKKO_HOME/prefect (never ~/.prefect)."""
        explicit = os.environ.get("PREFECT_HOME")
        return Path(explicit) if explicit else self.home / "prefect"

    def folder(self, name: str) -> Path:
        """A data folder under SHUKKO_HOME (inbox, archive, failed, outbox, reports), created."""
        path = self.home / name
        path.mkdir(parents=True, exist_ok=True)
        return path


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (clear with get_settings.cache_clear() in tests)."""
    return Settings()


def use_project_prefect_home(settings: Settings | None = None) -> Path:
    """Point Prefect at SHUKKO_HOME/prefect unless PREFECT_HOME is set; call before importing
    prefect, so a flow never touches the user's global ~/.prefect."""
    home = (settings or get_settings()).prefect_home
    os.environ.setdefault("PREFECT_HOME", str(home))
    home.mkdir(parents=True, exist_ok=True)
    return home


# Prefect's environment for a process of this project, unless the operator set otherwise.
PREFECT_DEFAULTS = {
    # No telemetry from a public agency's system (and Prefect's telemetry write into its own
    # SQLite database is what logs "database is locked" when a temporary server starts).
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # A temporary server on a fresh home first builds Prefect's own database: on a small or
    # busy machine that takes longer than Prefect's 20 s, and the first flow run failed with
    # "Timed out while attempting to connect to ephemeral Prefect API server" (two cores).
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def prepare_prefect(settings: Settings | None = None) -> Path:
    """Prefect's environment where a process that runs flows starts (a CLI command, the web's
    flows page, a test session, a benchmark), before Prefect is imported: the project-local
    home and PREFECT_DEFAULTS, each unless already set. Returns the home."""
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)
    return use_project_prefect_home(settings)
