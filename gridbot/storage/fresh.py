"""A fresh, empty store for one scenario run: in-memory SQLite, or a throwaway PostgreSQL schema."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text
from sqlalchemy.pool import StaticPool

from gridbot.storage.database import create_schema, is_sqlite, make_engine


@contextmanager
def fresh_store(database_url: str) -> Iterator[Engine]:
    if is_sqlite(database_url):
        engine = make_engine("sqlite://", poolclass=StaticPool)
        create_schema(engine)
        try:
            yield engine
        finally:
            engine.dispose()
        return
    schema = f"scenario_{uuid.uuid4().hex[:12]}"
    admin = make_engine(database_url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(database_url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        create_schema(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
