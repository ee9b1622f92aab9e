"""The acceptance test: the labelled corpus of real-looking group messages (tests/fixtures/corpus/dev.jsonl).

Each figure is printed (run with -s to see them) and held to the project's bar.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest

from gridbot.intents import Catalog, Intent, IntentKind, parse
from gridbot.storage.catalog_file import load_default_catalog
from tests.conftest import fixture_file

FIELD_KEYS = (
    "location",
    "occurred_at",
    "phones",
    "self_resolved",
    "verdict",
    "reason",
    "duration_hours",
    "department",
)


@dataclass
class Tally:
    right: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, ok: bool, note: str) -> None:
        self.total += 1
        self.right += ok
        if not ok:
            self.misses.append(note)

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 1.0


def _load() -> list[dict[str, Any]]:
    corpus = fixture_file("corpus", "dev.jsonl")
    return [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]


def _field_ok(key: str, expected: Any, intent: Intent) -> bool:
    got = intent.fields
    if key == "location":
        return bool(got.location) and (expected in got.location or got.location in expected)
    if key == "occurred_at":
        return got.occurred_at is not None and got.occurred_at.isoformat().startswith(expected)
    if key == "phones":
        return list(got.phones) == expected
    if key == "self_resolved":
        return intent.self_resolved == expected
    if key == "duration_hours":
        return got.duration_hours is not None and abs(got.duration_hours - float(expected)) < 1e-6
    value: object = getattr(got, key)
    return bool(value == expected)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_default_catalog()


def test_corpus_meets_the_bar(catalog: Catalog) -> None:
    intents, refs, rank1, top3, fields, silent = Tally(), Tally(), Tally(), Tally(), Tally(), Tally()
    for case in _load():
        expect = case["expect"]
        sent_at = datetime.fromisoformat(case["sent_at"]) if case.get("sent_at") else None
        intent = parse(case["text"], sent_at, catalog)
        short = case["text"].replace("\n", " ")[:40]
        intents.add(intent.kind.value == expect["intent"], f"{short} → {intent.kind.value} ≠ {expect['intent']}")
        refs.add(intent.ref == expect.get("ref"), f"{short} → {intent.ref} ≠ {expect.get('ref')}")
        if expect["intent"] == IntentKind.NONE.value:
            silent.add(intent.kind is IntentKind.NONE, f"{short} → {intent.kind.value}")
        if "sectors" in expect:
            accepted = set(expect["sectors"])
            rank1.add(intent.sector in accepted, f"{short} → {intent.sector} ∉ {expect['sectors']}")
            top3.add(bool(accepted & set(intent.candidates)), f"{short} → {intent.candidates}")
        for key in FIELD_KEYS:
            if key in expect:
                fields.add(_field_ok(key, expect[key], intent), f"{short} {key}: {intent.fields} ≠ {expect[key]}")
    figures = {
        "intent accuracy": (intents, 0.97),
        "ref accuracy": (refs, 0.99),
        "sector rank-1": (rank1, 0.90),
        "sector top-3": (top3, 0.98),
        "fields": (fields, 0.90),
        "none kept silent": (silent, 1.0),
    }
    for name, (tally, bar) in figures.items():
        print(f"{name:18} {tally.share:7.2%}  ({tally.right}/{tally.total}, bar {bar:.0%})")
        for miss in tally.misses:
            print(f"    miss: {miss}")
    assert intents.total > 0 and rank1.total > 0 and fields.total > 0 and silent.total > 0
    for name, (tally, bar) in figures.items():
        assert tally.share >= bar, f"{name} {tally.share:.2%} below {bar:.0%}: {tally.misses[:5]}"
