"""`gridbot parse`: JSON Lines in, one parse result per line out, in order; a bad line is intent `none`.

Every string of the output (phones, ID numbers, description, body …) is masked like everything else the bot
prints (`masking.py`), unless `raw` is asked for (`gridbot parse --raw`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from gridbot.intents.catalog import Catalog
from gridbot.intents.masking import mask_text
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


def run_parse(lines: Iterable[str], write: Callable[[str], None], catalog: Catalog, *, raw: bool = False) -> int:
    """Parse every line and write one JSON line each, masked unless `raw`; returns the number of lines written."""
    count = 0
    for line in lines:
        result = parse_line(line, catalog).to_json()
        write(json.dumps(result if raw else _masked(result), ensure_ascii=False) + "\n")
        count += 1
    return count


def _masked(value: Any) -> Any:
    """Every string in a JSON value masked, the structure kept."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value


def _sent_at(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
