"""`gridbot parse`: JSON Lines in, one parse result per line out, in order; a bad line is intent `none`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime

from gridbot.intents.catalog import Catalog
from gridbot.intents.model import NONE_INTENT, Intent
from gridbot.intents.parser import parse


def parse_line(line: str, catalog: Catalog) -> Intent:
    """One input line → its Intent; anything malformed → `none`."""
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):
        return NONE_INTENT
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return NONE_INTENT
    return parse(record["text"], _sent_at(record.get("sent_at")), catalog)


def run_parse(lines: Iterable[str], write: Callable[[str], None], catalog: Catalog) -> int:
    """Parse every line and write one JSON line each; returns the number of lines written."""
    count = 0
    for line in lines:
        write(json.dumps(parse_line(line, catalog).to_json(), ensure_ascii=False) + "\n")
        count += 1
    return count


def _sent_at(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
