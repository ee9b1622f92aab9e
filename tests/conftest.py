"""Shared fixtures: one `engine` fixture parametrized by the database backend.

The backend comes from GRIDBOT_DATABASE_URL: SQLite (a fresh file per test) by default, PostgreSQL when the
URL says so (a schema of its own for the run, emptied before each test). CI runs the suite once per backend.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import SQLModel

from gridbot.storage.database import create_schema, is_sqlite, make_engine

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DATABASE_URL = os.environ.get("GRIDBOT_DATABASE_URL", "sqlite://")
BACKEND = "sqlite" if is_sqlite(DATABASE_URL) else "postgresql"


def fixture_file(*parts: str) -> Path:
    """A sample file under tests/fixtures (organisation, corpus); its absence fails the test loudly."""
    path = FIXTURES.joinpath(*parts)
    if not path.is_file():
        pytest.fail(f"missing test fixture {path}")
    return path


@pytest.fixture(scope="session")
def _postgres_schema() -> Iterator[Engine | None]:
    if BACKEND != "postgresql":
        yield None
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(DATABASE_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(DATABASE_URL, connect_args={"options": f"-csearch_path={schema}"})
    create_schema(engine)
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=[BACKEND])
def engine(request: pytest.FixtureRequest, tmp_path: Path, _postgres_schema: Engine | None) -> Iterator[Engine]:
    """A fresh, empty store on the backend under test."""
    if request.param == "sqlite":
        sqlite_engine = make_engine(f"sqlite:///{tmp_path / 'gridbot.db'}")
        create_schema(sqlite_engine)
        yield sqlite_engine
        sqlite_engine.dispose()
        return
    assert _postgres_schema is not None
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with _postgres_schema.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield _postgres_schema
