"""`gridbot db backup FILE`: a consistent copy of the database while the bot runs.

SQLite: the online backup API (a page-by-page copy that sees one consistent state, WAL included); the copy is a
database file that opens as it is. PostgreSQL: `pg_dump --format=custom` (one snapshot; restore with
`pg_restore`, docs/operations.md). Photos live in `media_dir`, outside the database: back that directory up too.
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from gridbot.storage.database import is_sqlite


def libpq_url(url: str) -> str:
    """The SQLAlchemy URL as libpq tools take it (no `+driver`)."""
    parsed = make_url(url)
    return parsed.set(drivername=parsed.get_backend_name()).render_as_string(hide_password=False)


def backup(url: str, target: Path) -> None:
    """Write a backup of the database at `url` to `target` (refuses to overwrite a file)."""
    if target.exists():
        raise FileExistsError(f"{target} 已存在，换一个文件名")
    if is_sqlite(url):
        source = make_url(url).database
        if not source or source == ":memory:":
            raise ValueError("内存数据库无法备份")
        with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
            live.backup(copy)
        return
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--file", str(target), libpq_url(url)],
        check=True,
        capture_output=True,
    )
