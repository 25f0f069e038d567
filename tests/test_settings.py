"""Settings: TOML defaults, SHUKKO_* overrides, a project-local Prefect home."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from config.settings import PROJECT_DIR, Settings


def test_defaults_keep_everything_in_the_project(monkeypatch):
    for name in ("SHUKKO_HOME", "SHUKKO_DATABASE_URL", "PREFECT_HOME"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.home == PROJECT_DIR / "var"
    assert settings.database_url == f"sqlite:///{PROJECT_DIR / 'var' / 'shukko.db'}"
    assert settings.prefect_home == PROJECT_DIR / "var" / "prefect"
    assert settings.max_period_months == 36


def test_environment_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv("SHUKKO_HOME", str(tmp_path))
    monkeypatch.setenv("SHUKKO_MAX_PERIOD_MONTHS", "24")
    monkeypatch.setenv("SHUKKO_DATABASE_URL", "postgresql+psycopg://u@localhost/shukko")
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "elsewhere"))
    settings = Settings()
    assert settings.home == tmp_path
    assert settings.max_period_months == 24
    assert settings.database_url.startswith("postgresql+psycopg://")
    assert settings.prefect_home == tmp_path / "elsewhere"


def test_nonsense_fails_fast(monkeypatch):
    monkeypatch.setenv("SHUKKO_DATABASE_URL", "mysql://nope")
    with pytest.raises(ValidationError, match="SHUKKO_DATABASE_URL must be"):
        Settings()


def test_block_overrides_are_checked():
    with pytest.raises(ValidationError, match="not one of"):
        Settings(block_overrides={"24": "東海"})
    assert Settings(block_overrides={"24": "中部"}).block_overrides == {"24": "中部"}


def test_flows_use_the_project_prefect_home(monkeypatch, tmp_path):
    import os

    from config import get_settings
    from config.settings import use_project_prefect_home

    monkeypatch.setenv("SHUKKO_HOME", str(tmp_path))
    monkeypatch.setenv("PREFECT_HOME", "placeholder")  # so monkeypatch restores it afterwards
    monkeypatch.delenv("PREFECT_HOME")
    get_settings.cache_clear()
    try:
        assert use_project_prefect_home() == tmp_path / "prefect"
        assert os.environ["PREFECT_HOME"] == str(tmp_path / "prefect")
    finally:
        get_settings.cache_clear()
