"""One-time reply handles (an AI-bot message's response_url, a callback's req_id) already used.

WeCom accepts one answer per handle; a second POST to a used response_url fails, and after a restart the
process must still know which ones it used, so they live in the database (as sha256 digests: a response_url
is a credential for an hour). A small in-memory cache in front saves the query for the recent ones; it is
bounded, so a long-running process does not grow with every message it answers.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from gridbot.storage.models.delivery import UsedReplyHandle

CACHE_SIZE = 4096


def _digest(handle: str) -> str:
    return hashlib.sha256(handle.encode("utf-8")).hexdigest()


class UsedReplyHandles:
    """`used(handle)` and `use(handle, now)`; without an engine only the bounded memory (tests of one channel)."""

    def __init__(self, engine: Engine | None = None, cache_size: int = CACHE_SIZE) -> None:
        self.engine = engine
        self.cache_size = cache_size
        self._cache: OrderedDict[str, None] = OrderedDict()

    def used(self, handle: str) -> bool:
        key = _digest(handle)
        if key in self._cache:
            return True
        if self.engine is None:
            return False
        with Session(self.engine) as session:
            found = session.get(UsedReplyHandle, key) is not None
        if found:
            self._remember(key)
        return found

    def use(self, handle: str, now: datetime) -> bool:
        """Mark the handle used; False when it already was (by this process or another one)."""
        key = _digest(handle)
        if key in self._cache:
            return False
        self._remember(key)
        if self.engine is None:
            return True
        try:
            with Session(self.engine) as session:
                session.add(UsedReplyHandle(key=key, used_at=now))
                session.commit()
        except IntegrityError:
            return False
        return True

    def _remember(self, key: str) -> None:
        self._cache[key] = None
        self._cache.move_to_end(key)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
