"""Migrations and models agree, and upgrading is idempotent."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select
from sqlmodel import Session, SQLModel

from models import Office
from models.schema import current_revision, head_revision, upgrade


def test_migrated_schema_matches_the_models(engine):
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == []
    assert set(SQLModel.metadata.tables) <= set(inspect(engine).get_table_names())


def test_upgrade_twice_changes_nothing_and_seeds_47_offices(engine):
    before, after = upgrade(engine)
    assert before == after == head_revision() == current_revision(engine)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Office)) == 47
        assert session.get(Office, "13").name == "東京事務所"


def test_the_schema_check_knows_the_newest_migration(engine):
    """Commands check the revision against SCHEMA_HEAD without loading Alembic's scripts."""
    from models.schema import SCHEMA_HEAD, schema_behind

    assert head_revision() == SCHEMA_HEAD
    assert schema_behind(engine) is None


def test_a_failing_migration_leaves_nothing_behind(tmp_path, monkeypatch):
    """SQLite DDL must roll back with its transaction (Python's sqlite3 commits around it)."""
    import pytest
    from alembic import command
    from sqlalchemy import text

    from models import schema as database
    from models.db import make_engine

    def half_then_fail(config, revision):
        config.attributes["connection"].execute(text("CREATE TABLE half_done (id INTEGER)"))
        raise RuntimeError("migration failed midway")

    monkeypatch.setattr(command, "upgrade", half_then_fail)
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    with pytest.raises(RuntimeError, match="midway"):
        database.upgrade(engine)
    assert "half_done" not in inspect(engine).get_table_names()


def test_downgrade_and_upgrade_round_trip(engine):
    from alembic import command

    from models.schema import alembic_config

    url = engine.url.render_as_string(hide_password=False)
    command.downgrade(alembic_config(url), "base")
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()


def test_upgrading_a_database_with_cases_keeps_them(tmp_path):
    """Later migrations rebuild tables that cases reference; the data must come through."""
    from alembic import command
    from sqlalchemy import text

    from models.db import make_engine
    from models.schema import alembic_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0001")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO office (code, name) VALUES ('13', '東京事務所')"))
        connection.execute(
            text(
                "INSERT INTO company (id, name, industry_code, prefecture_code, created_at) "
                "VALUES (1, '送出', '31', '13', '2024-01-01'), "
                "(2, '受入', '44', '13', '2024-01-01')"
            )
        )
        common = (
            "id, office_code, offer_id, received_on, company_id, kind, headcount, occupation, "
            "skills, qualifications, period_months_min, period_months_max, start_from, "
            "start_until, is_open, created_at, updated_at"
        )
        values = (
            "1, '13', 'X-1', '2024-04-01', {company}, 'either', 1, 'H', '[]', '[]', 1, 24, "
            "'2024-04-01', '2024-10-01', 1, '2024-01-01', '2024-01-01'"
        )
        connection.execute(
            text(
                f"INSERT INTO sending_offer ({common}, acceptable_area) "
                f"VALUES ({values.format(company=1)}, '[]')"
            )
        )
        connection.execute(
            text(
                f"INSERT INTO receiving_offer ({common}, work_prefecture, "
                "required_qualifications, conditions) "
                f"VALUES ({values.format(company=2)}, '13', '[]', '[]')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO cases (id, kind, state, version, last_seq, sending_offer_id, "
                "receiving_offer_id, headcount, created_by, created_at, updated_at) VALUES "
                "(1, 'secondment', 'proposed', 1, 0, 1, 1, 1, 't', '2024-01-01', '2024-01-01')"
            )
        )
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT state FROM cases")).scalar() == "proposed"
        assert connection.execute(text("SELECT extra FROM receiving_offer")).scalar() == "{}"
    engine.dispose()


def test_upgrading_from_0007_with_a_contracted_case_keeps_it(engine):
    """From before the purpose columns and the bank (0007) to head, with data in it."""
    from alembic import command

    from models import Case, ContractTerms
    from models.schema import alembic_config
    from tests.helpers import contracted_case

    with Session(engine, expire_on_commit=False) as session:
        case = contracted_case(session, start="2023-07-03", end="2024-07-02")
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    command.downgrade(alembic_config(url), "0007")
    assert "registrant" not in inspect(engine).get_table_names()
    upgrade(engine)
    with Session(engine) as session:
        terms = session.scalar(select(ContractTerms).where(ContractTerms.case_id == case.id))
        assert (str(terms.purpose), terms.within_corporate_group) == ("employment_retention", False)
        assert terms.pre_secondment_monthly_wage_yen is None
        assert session.get(Case, case.id).state == "contracted"
    assert "registrant" in inspect(engine).get_table_names()
