"""Template fields (`地点：…`) and the values found anywhere in a text (phones, ID numbers, names).

A label counts at the start of a line or after white space or punctuation, followed by a colon. A field's
value runs up to the next label, so a continuation line without a label belongs to the field above it; text
before the first label (or between a command and a label) is the free text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from gridbot.intents import vocabulary as v

_LABEL_TO_FIELD: dict[str, str] = {label: name for name, labels in v.FIELD_LABELS.items() for label in labels}
_LABEL = re.compile(rf"(?:^|(?<=[\s,，;；。!！]))(?P<label>{v.alternation(_LABEL_TO_FIELD)})\s?[:：]\s*", re.M)
_EDGE_PUNCTUATION = " \t\n,，;；。.、:：!！"

# A mobile is 11 digits from 13–19, not part of a longer number, and not after an area code (029-, (0913)):
# 029-13912345678 is a landline form. Landlines (029-12345678) and the 12345 hotline never match.
_PHONE = re.compile(
    r"(?<![\dA-Za-z])(?<!(?<!\d)0[1-9]\d[-)）])(?<!(?<!\d)0[1-9]\d\d[-)）])"
    r"(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?![\dA-Za-z])"
)
_ID_NUMBER = re.compile(r"(?<![\dA-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![\dA-Za-z])")
_PERSON_SPLIT = re.compile(v.PERSON_SEPARATORS)
_PERSON_TRAILER = re.compile(v.PERSON_TRAILERS)
_PERSON_ROLE = re.compile(v.alternation(v.PERSON_ROLES))
_BRACKETED = re.compile(r"[(（][^)）]*[)）]?")
_PHONE_WORDS = re.compile(rf"(?:{v.alternation(v.FIELD_LABELS['phones'])})\s?[:：]?")
_TARGET_SPLIT = re.compile(v.TARGET_SEPARATORS)


@dataclass(frozen=True, slots=True)
class Segments:
    """A body cut into free text and (label, value) pairs in order."""

    free: str
    pairs: tuple[tuple[str, str], ...]

    def get(self, name: str) -> str | None:
        """The value of a field by field name (several occurrences are joined)."""
        values = [value for label, value in self.pairs if _LABEL_TO_FIELD[label] == name and value]
        return "\n".join(values) if values else None

    def by_labels(self, labels: tuple[str, ...]) -> str | None:
        values = [value for label, value in self.pairs if label in labels and value]
        return "\n".join(values) if values else None

    def has(self, name: str) -> bool:
        return any(_LABEL_TO_FIELD[label] == name and value for label, value in self.pairs)


def label_field(label: str) -> str | None:
    return _LABEL_TO_FIELD.get(label)


def segment(text: str) -> Segments:
    """Cut a body into its free text and labelled fields."""
    free_parts: list[str] = []
    pairs: list[tuple[str, str]] = []
    position = 0
    label: str | None = None
    for found in _LABEL.finditer(text):
        chunk = clean(text[position : found.start()])
        if label is None:
            free_parts.append(chunk)
        else:
            pairs.append((label, chunk))
        label = found["label"]
        position = found.end()
    tail = clean(text[position:])
    if label is None:
        free_parts.append(tail)
    else:
        pairs.append((label, tail))
    return Segments(free="\n".join(p for p in free_parts if p), pairs=tuple(pairs))


def clean(text: str) -> str:
    return text.strip(_EDGE_PUNCTUATION)


def phones(text: str) -> tuple[str, ...]:
    """Mobile numbers (11 digits from 13–19), never a piece of a longer number such as an ID."""
    return _unique("".join(m.groups()) for m in _PHONE.finditer(text))


def id_numbers(text: str) -> tuple[str, ...]:
    return _unique(m.group(0).upper() for m in _ID_NUMBER.finditer(text))


def persons(text: str) -> tuple[str, ...]:
    """Names from a persons field: `带头人张某某 电话1399…`, `李某某、王某等5人`, `5楼住户李某某`."""
    text = _ID_NUMBER.sub(" ", _PHONE.sub(" ", text))
    text = _PHONE_WORDS.sub(" ", _BRACKETED.sub(" ", text))
    names: list[str] = []
    for token in _PERSON_SPLIT.split(text):
        token = _PERSON_TRAILER.sub("", clean(token))
        roles = list(_PERSON_ROLE.finditer(token))
        if roles and roles[-1].end() < len(token):
            token = token[roles[-1].end() :]
        token = clean(token)
        if token and not _PERSON_ROLE.fullmatch(token) and not token.isdigit():
            names.append(token)
    return _unique(names)


def targets(text: str) -> tuple[str, ...]:
    """Target grids of a directive: `全镇`, `东村,西村`, `东村第一网格`."""
    return _unique(clean(t) for t in _TARGET_SPLIT.split(text) if clean(t))


def first_line(text: str) -> str:
    """The value up to the first line break or sentence break, for one-phrase fields (地点)."""
    return clean(re.split(r"[\n,，;；。]", text, maxsplit=1)[0])


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for value in values if value))
