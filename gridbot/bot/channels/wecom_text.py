"""Splitting text to WeCom's byte limits (text 2048 B, markdown 4096 B), on line or character boundaries."""

from __future__ import annotations

TEXT_LIMIT = 2048
MARKDOWN_LIMIT = 4096


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def split_text(text: str, limit: int) -> list[str]:
    """Pieces whose UTF-8 encoding fits `limit` bytes, cut at line ends where possible, never inside a character."""
    if limit < 4:
        raise ValueError("limit must hold at least one UTF-8 character")
    pieces: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        if utf8_len(current + line) <= limit:
            current += line
            continue
        if current:
            pieces.append(current)
            current = ""
        while utf8_len(line) > limit:
            head, line = _cut(line, limit)
            pieces.append(head)
        current = line
    if current:
        pieces.append(current)
    cleaned = [piece.rstrip("\n") for piece in pieces]
    return [piece for piece in cleaned if piece.strip()]


def _cut(line: str, limit: int) -> tuple[str, str]:
    """The longest prefix of whole characters that fits `limit` bytes, and the rest."""
    size = 0
    for index, char in enumerate(line):
        size += utf8_len(char)
        if size > limit:
            return line[:index], line[index:]
    return line, ""
