"""Sector and item of a report, from the catalog's own words (names, synonyms, item keywords).

The matcher is built once per catalog and cached. Scoring: every keyword found in the text adds weight,
longer keywords more (a four-character keyword is much stronger evidence than a two-character one), earlier
ones a little more, a repeated keyword less; a keyword shared by several sectors is split between them.
A keyword inside a longer keyword found at the same place does not count twice.

A sector backed only by two-character pieces of longer keywords is a guess: it is named, with a confidence of
at most 0.1, so the bot asks before acting on it. Confidence is the best sector's lead over the second
times the strength of its evidence; two or more distinct whole keywords of the best sector, more than any
other sector has, make it confident however close the scores are.
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from gridbot.intents.catalog import Catalog
from gridbot.intents.vocabulary import FRAGMENT_STOPWORDS

_CACHE_SIZE = 8
_SECTOR_WORD_WEIGHT = 1.5  # a word that names a sector directly (环保, 消防) outweighs an item keyword
_NAME_PART_WEIGHT = 1.2  # a piece of an item's name (无证诊所) is a precise keyword
_NAME_SPLIT = re.compile(r"[/／、()（）,，\s]+|及|和|或")
_MIN_WORD = 2
# Two-character pieces of longer keywords (党员 from 老党员, 欺负 from 被欺负) are weak evidence, so a message
# that words a matter differently still lands near it; the more items share a piece, the less it says.
_FRAGMENT_WEIGHT = 0.35
_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{3,}$")
_FUNCTION_CHARS = frozenset("了的在有是不没要一个着把被让给和与就都也还又很太")
# In a 预警, the words of warning-type items (fraud, fire, gatherings …) weigh this much more.
_WARNING_ITEM_BOOST = 1.3
# A sector named only by pieces of keywords is a guess: its confidence stays below any sensible asking threshold.
_GUESS_CONFIDENCE = 0.1
# Two distinct whole keywords of one sector, more than the runner-up has, are corroborating evidence.
_CORROBORATING_HITS = 2
_CORROBORATED_CONFIDENCE = 0.6


@dataclass(frozen=True, slots=True)
class _Entry:
    sector: str
    item: str | None
    weight: float


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    word: str


@dataclass(frozen=True, slots=True)
class Classification:
    sector: str | None
    item: str | None
    candidates: tuple[str, ...]
    confidence: float


NO_CLASSIFICATION = Classification(None, None, (), 0.0)


class Matcher:
    """Keyword lookup for one catalog: exact dictionary probes by keyword length at every position."""

    def __init__(self, catalog: Catalog) -> None:
        entries: dict[str, list[_Entry]] = defaultdict(list)
        self.sector_words: dict[str, str] = {}
        self.item_words: dict[str, tuple[str, str]] = {}
        keyword_owners: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for sector in catalog.sectors:
            for word in (sector.name, *sector.synonyms):
                key = word.strip().lower()
                if key:
                    entries[key].append(_Entry(sector.name, None, _SECTOR_WORD_WEIGHT))
                    self.sector_words.setdefault(key, sector.name)
            for item in sector.items:
                for part in _name_parts(item.name):
                    entries[part].append(_Entry(sector.name, item.code, _NAME_PART_WEIGHT))
                    self.item_words.setdefault(part, (sector.name, item.code))
                for word in item.keywords:
                    key = word.strip().lower()
                    if len(key) >= _MIN_WORD:
                        entries[key].append(_Entry(sector.name, item.code, 1.0))
                        keyword_owners[key].add((sector.name, item.code))
        # An item keyword names an item on its own in a 类别 field only when no other sector claims it.
        self.keyword_items: dict[str, tuple[str, str]] = {
            word: next(iter(owners))
            for word, owners in keyword_owners.items()
            if len({sector for sector, _ in owners}) == 1 and len(owners) == 1
        }
        fragments = _fragments(entries)
        self.fragment_words = frozenset(fragments)
        for fragment, owners in fragments.items():
            weight = _FRAGMENT_WEIGHT / math.sqrt(len(owners))
            entries[fragment].extend(_Entry(sector, item, weight) for sector, item in owners)
        self.entries = {word: _spread(found) for word, found in entries.items() if word}
        self.lengths = sorted({len(w) for w in self.entries}, reverse=True)
        self.first_chars = frozenset(w[0] for w in self.entries)
        self.sector_order = {s.name: i for i, s in enumerate(catalog.sectors)}
        self.warning_items = frozenset(i.code for i in catalog.items if i.warning)

    def hits(self, text: str) -> list[Hit]:
        """Keyword occurrences, without those lying inside a longer occurrence."""
        text = text.lower()
        found: list[Hit] = []
        size = len(text)
        for start in range(size):
            if text[start] not in self.first_chars:
                continue
            for length in self.lengths:
                end = start + length
                if end <= size and text[start:end] in self.entries and _whole_token(text, start, end):
                    found.append(Hit(start, end, text[start:end]))
                    break  # the longest keyword at this start
        kept: list[Hit] = []
        reach = 0
        for hit in found:  # ordered by start, longest first at each start
            if hit.end > reach:
                kept.append(hit)
                reach = hit.end
        return kept

    def whole_words_in(self, text: str) -> list[str]:
        """The whole keywords and synonyms (not pieces) occurring in a short text such as a place name."""
        return [hit.word for hit in self.hits(text) if hit.word not in self.fragment_words]

    def scores(self, text: str) -> tuple[dict[str, float], dict[str, float]]:
        """Scores per sector and per item code."""
        sectors, items, _ = self.evidence(text)
        return sectors, items

    def evidence(
        self, text: str, warning: bool = False
    ) -> tuple[dict[str, float], dict[str, float], dict[str, set[str]]]:
        """Scores per sector and per item code, and the distinct whole keywords (not pieces) of each sector.
        In a warning, words of warning-type items weigh more: a 预警 is about such a matter more often."""
        sectors: dict[str, float] = defaultdict(float)
        items: dict[str, float] = defaultdict(float)
        whole: dict[str, set[str]] = defaultdict(set)
        seen: dict[str, int] = defaultdict(int)
        size = max(len(text), 1)
        for hit in self.hits(text):
            repeat = 0.5 ** seen[hit.word]
            seen[hit.word] += 1
            position = 1.0 + 0.3 * (1.0 - hit.start / size)
            strength = _weight_length(hit.word) ** 1.5 * position * repeat
            for entry in self.entries[hit.word]:
                score = strength * entry.weight
                if warning and entry.item in self.warning_items:
                    score *= _WARNING_ITEM_BOOST
                sectors[entry.sector] += score
                if entry.item is not None:
                    items[entry.item] += score
                if hit.word not in self.fragment_words:
                    whole[entry.sector].add(hit.word)
        return sectors, items, whole

    def named_sector(self, text: str) -> tuple[str, str | None] | None:
        """What an explicit 类别 field names: a sector (and maybe an item) by its name, a synonym, an item name
        or an item keyword, or a field that contains a sector name, synonym or item name as a whole word. A
        field that only shares pieces with the catalog (招商引资) names nothing: it is more text to score."""
        key = text.strip().lower()
        if not key:
            return None
        if key in self.sector_words:
            return self.sector_words[key], None
        if key in self.item_words:
            return self.item_words[key]
        if key in self.keyword_items:
            return self.keyword_items[key]
        for word in sorted(self.sector_words, key=len, reverse=True):
            if len(word) >= _MIN_WORD and word in key:
                return self.sector_words[word], None
        for word in sorted(self.item_words, key=len, reverse=True):
            if len(word) > _MIN_WORD and word in key:
                return self.item_words[word]
        return None


def classify(
    catalog: Catalog, text: str, category: str | None = None, *, aside: str = "", warning: bool = False
) -> Classification:
    """Sector, item and up to three candidate sectors for a text, an explicit category field first.

    `aside` is text kept out of scoring (a place name), except for the whole keywords in it (公租房 in
    公租房滨河小区); `warning` says the message is a 预警."""
    matcher = matcher_for(catalog)
    kept = matcher.whole_words_in(aside) if aside else []
    if kept:
        text = f"{text}\n{' '.join(kept)}"
    named = matcher.named_sector(category) if category else None
    if category and named is None and category.strip() not in text:
        text = f"{category}\n{text}"  # a category the catalog does not know is one more clue
    sectors, items, whole = matcher.evidence(text, warning)
    ranked = sorted(sectors, key=lambda s: (-sectors[s], matcher.sector_order.get(s, 0)))
    if named is not None:
        sector, item = named
        ranked = [sector, *(s for s in ranked if s != sector)]
        if item is None:
            item = _best_item(catalog, sector, items)
        return Classification(sector, item, tuple(ranked[:3]), 1.0)
    if not ranked:
        return NO_CLASSIFICATION
    best = ranked[0]
    first = sectors[best]
    second = sectors[ranked[1]] if len(ranked) > 1 else 0.0
    margin = (first - second) / first
    strength = 1.0 - math.exp(-first / 6.0)
    confidence = margin * strength
    if not whole.get(best):
        # Only pieces of keywords: still the best guess, but never confident enough to act on without asking.
        confidence = min(confidence, _GUESS_CONFIDENCE)
        return Classification(best, _best_item(catalog, best, items), tuple(ranked[:3]), round(confidence, 3))
    support = len(whole[best])
    if support >= _CORROBORATING_HITS and all(len(whole.get(s, ())) < support for s in ranked[1:]):
        confidence = max(confidence, _CORROBORATED_CONFIDENCE)
    confidence = round(max(0.0, min(1.0, confidence)), 3)
    return Classification(best, _best_item(catalog, best, items), tuple(ranked[:3]), confidence)


_ASCII_RUN = re.compile(r"[0-9a-z]+")


def _weight_length(word: str) -> float:
    """Length as evidence: each Chinese character counts one, a run of Latin letters or digits (12345, ktv)
    counts as one two-character word, since it is a single token however many digits it has."""
    runs = _ASCII_RUN.findall(word)
    return float(len(word) - sum(len(r) for r in runs) + 2 * len(runs))


def _whole_token(text: str, start: int, end: int) -> bool:
    """A keyword that begins or ends with a letter or digit must not be cut out of a longer number or word
    (12345 inside the phone number 19991234567)."""
    if text[start].isascii() and text[start].isalnum() and start > 0:
        before = text[start - 1]
        if before.isascii() and before.isalnum():
            return False
    if text[end - 1].isascii() and text[end - 1].isalnum() and end < len(text):
        after = text[end]
        if after.isascii() and after.isalnum():
            return False
    return True


def _best_item(catalog: Catalog, sector: str, items: dict[str, float]) -> str | None:
    found = catalog.sector(sector)
    if found is None:
        return None
    scored = [(items.get(i.code, 0.0), -n, i.code) for n, i in enumerate(found.items) if items.get(i.code)]
    return max(scored)[2] if scored else None


def _fragments(entries: dict[str, list[_Entry]]) -> dict[str, set[tuple[str, str | None]]]:
    """Likely two-character words inside the longer Chinese keywords (that are not keywords themselves), with
    the items owning them. A four-character keyword splits in halves (占道|经营); a three-character one may be
    1+2 or 2+1, so both pieces count; longer ones by pairs and their last pair. Pieces holding a function
    character (了, 的, 不 …) are rarely words and are left out."""
    owners: dict[str, set[tuple[str, str | None]]] = defaultdict(set)
    for word, found in entries.items():
        if not _CJK_WORD.match(word):
            continue
        for piece in _word_pieces(word):
            if piece not in entries and not _FUNCTION_CHARS.intersection(piece) and piece not in FRAGMENT_STOPWORDS:
                owners[piece].update((e.sector, e.item) for e in found if e.item is not None)
    return {piece: found for piece, found in owners.items() if found}


def _word_pieces(word: str) -> set[str]:
    if len(word) == 3:
        return {word[:2], word[1:]}
    return {word[i : i + 2] for i in range(0, len(word) - 1, 2)} | {word[-2:]}


def _name_parts(name: str) -> Iterable[str]:
    for part in _NAME_SPLIT.split(name.lower()):
        if len(part.strip()) >= _MIN_WORD:
            yield part.strip()


def _spread(entries: list[_Entry]) -> tuple[_Entry, ...]:
    """A word shared by several sectors says less about each: split its weight by the square root.
    The same word twice for one item (a keyword that is also part of the name) counts once."""
    best: dict[tuple[str, str | None], float] = {}
    for e in entries:
        best[(e.sector, e.item)] = max(best.get((e.sector, e.item), 0.0), e.weight)
    factor = 1.0 / math.sqrt(len({sector for sector, _ in best}))
    return tuple(_Entry(sector, item, weight * factor) for (sector, item), weight in best.items())


_matchers: OrderedDict[int, tuple[Catalog, Matcher]] = OrderedDict()


def matcher_for(catalog: Catalog) -> Matcher:
    """The matcher of a catalog, built once. Keyed by identity: the cache holds the catalog itself, so an id
    cannot be reused by another catalog while its entry lives."""
    key = id(catalog)
    cached = _matchers.get(key)
    if cached is not None and cached[0] is catalog:
        _matchers.move_to_end(key)
        return cached[1]
    matcher = Matcher(catalog)
    _matchers[key] = (catalog, matcher)
    while len(_matchers) > _CACHE_SIZE:
        _matchers.popitem(last=False)
    return matcher
