"""`parse(text, sent_at, catalog) -> Intent`: the one entry point; total, pure and bounded in time."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from gridbot.intents import fields as f
from gridbot.intents import vocabulary as v
from gridbot.intents.catalog import Catalog
from gridbot.intents.classify import NO_CLASSIFICATION, Classification, classify, matcher_for
from gridbot.intents.commands import (
    Trigger,
    asks_for_figures,
    find_trigger,
    hint_for,
    near_miss,
    starts_with_ref,
    talks_about_reporting,
    unmarked_event,
)
from gridbot.intents.locations import find_place
from gridbot.intents.model import NONE_INTENT, Fields, Intent, IntentKind
from gridbot.intents.normalize import normalize
from gridbot.intents.numerals import to_int
from gridbot.intents.timewords import deadline_at, occurred_at

K = IntentKind
MAX_CHARS = 20_000  # longer than any chat message; keeps the time per message bounded

_SELF_TAG = re.compile(rf"#\s*{v.SELF_RESOLVED_WORD}")
_ASK_CENTER = re.compile(v.alternation(v.ASK_CENTER_PHRASES))
_DEPARTMENT_LEAD = re.compile(rf"^(?:{v.alternation(v.DEPARTMENT_LEADS)})")
_DEPARTMENT_TRAILER = re.compile(rf"(?:{v.alternation(v.DEPARTMENT_TRAILERS)})$")
_TOKEN_END = re.compile(r"[\s,，;；。.!！、:：(（]")
_DURATION = re.compile(
    rf"(?P<half_word>{v.alternation(v.HALF_DAY_WORDS)})"
    rf"|(?P<number>\d+(?:\.\d+)?|{v.CN_NUMBER})\s?(?P<unit>{v.alternation(v.DURATION_UNITS)})(?P<half>半)?",
    re.IGNORECASE,
)
_REASON_WORDS = {word: reason for reason, words in v.DISTRICT_REASONS.items() for word in words}
_DISTRICT_REASON = re.compile(v.alternation(_REASON_WORDS))
_CATEGORY_LABELS = tuple(
    label for label in v.FIELD_LABELS["category"] if label not in (*v.DIRECTIVE_TITLE_LABELS, *v.DIRECTIVE_KIND_LABELS)
)


def _verdict_pattern(kind: IntentKind) -> re.Pattern[str]:
    allowed = v.VERDICTS[kind]
    words = {w: w for w in allowed} | {a: w for a, w in v.VERDICT_ALIASES.items() if w in allowed}
    return re.compile(v.alternation(words))


_VERDICTS = {kind: _verdict_pattern(kind) for kind in v.VERDICTS}
_VERDICT_OF = {alias: verdict for alias, verdict in v.VERDICT_ALIASES.items()} | {
    w: w for words in v.VERDICTS.values() for w in words
}


def parse(text: str, sent_at: datetime | None, catalog: Catalog) -> Intent:
    """What a chat message asks of the bot. Never raises: bad or empty input is intent `none`."""
    try:
        return _parse(text if isinstance(text, str) else "", sent_at, catalog)
    except Exception:  # the contract is totality; a rule bug must not take the dispatcher down
        return NONE_INTENT


def _parse(text: str, sent_at: datetime | None, catalog: Catalog) -> Intent:
    normalized = normalize(text[:MAX_CHARS])
    if not normalized.text:
        return Intent(kind=K.NONE, hint=v.GENERAL_HINT) if normalized.mentioned else NONE_INTENT
    trigger = _read(normalized.text, normalized.mentioned, catalog)
    if trigger is None:
        return Intent(kind=K.NONE, body=normalized.text, hint=hint_for(normalized.text, normalized.mentioned))
    builder = _BUILDERS.get(trigger.kind, _plain)
    return builder(trigger, sent_at, catalog)


def _read(text: str, mentioned: bool, catalog: Catalog) -> Trigger | None:
    """The command of the message: the explicit forms first, then the readings that need the catalog (a mention
    telling of an event, 上报/预警 without `#`), then a typo of a command word after `#` or a mention."""
    trigger = find_trigger(text, mentioned)
    if trigger is not None:
        return trigger
    typo = near_miss(text, mentioned)
    if typo is not None and typo.refs:  # `@网格助手 签手 E1`: a reference right after it settles the typo
        return typo
    if mentioned and not talks_about_reporting(text) and _tells_of_event(text, catalog):
        return Trigger(K.REPORT, "", (), text)
    unmarked = unmarked_event(text)
    if unmarked is not None and _names_a_matter(unmarked.rest, catalog):
        return unmarked
    return typo  # `#上抱 东村3组…`: after the readings above, since 上个/民警 are words of their own


# --- reports and warnings ----------------------------------------------------------------------------------


def _event(trigger: Trigger, sent_at: datetime | None, catalog: Catalog) -> Intent:
    kind = K.WARNING if trigger.kind is K.WARNING else K.REPORT
    rest = trigger.rest
    self_tagged = v.SELF_RESOLVED_WORD in trigger.word or _SELF_TAG.search(rest) is not None
    rest_clean = _SELF_TAG.sub(" ", rest).strip()
    segments = f.segment(rest_clean)
    before, after = segments.get("before"), segments.get("after")
    description = segments.get("description") or segments.free or before
    narrative = "\n".join(
        p for p in (segments.free, segments.get("description"), before, after) if p
    )  # where places and times are told in prose
    location_field = segments.get("location")
    location = f.first_line(location_field) if location_field else find_place(narrative)
    time_field = segments.get("time")
    occurred = occurred_at(time_field, sent_at) if time_field else None
    if occurred is None:
        occurred = occurred_at(_without_numbers(narrative), sent_at)
    category = segments.get("category")
    plain = _without_contacts(narrative)
    place = find_place(plain)
    without_place = plain.replace(place, " ", 1) if place else plain
    found = classify(catalog, without_place, category, aside=place or "", warning=kind is K.WARNING)
    fields = Fields(
        location=location or None,
        description=description or None,
        occurred_at=occurred,
        persons=f.persons(segments.get("persons") or ""),
        phones=f.phones(rest),
        id_numbers=f.id_numbers(rest),
        before=before,
        after=after,
        category=category,
        source=segments.get("source"),
    )
    asks = trigger.word == "上报中心" or _ASK_CENTER.search(rest_clean) is not None
    return _classified(
        kind, (), found, fields, rest_clean, self_resolved=self_tagged or bool(before and after), asks=asks
    )


def _directive(trigger: Trigger, sent_at: datetime | None, catalog: Catalog) -> Intent:
    segments = f.segment(trigger.rest)
    title = segments.by_labels(v.DIRECTIVE_TITLE_LABELS)
    category = segments.by_labels(_CATEGORY_LABELS)
    requirements = segments.get("requirements")
    topic = "\n".join(p for p in (title, requirements, segments.free, segments.get("description")) if p)
    found = classify(catalog, topic, category)
    deadline_text = segments.get("deadline")
    fields = Fields(
        description=segments.free or None,
        title=f.first_line(title) if title else None,
        category=category,
        directive_kind=segments.by_labels(v.DIRECTIVE_KIND_LABELS),
        targets=f.targets(segments.get("targets") or ""),
        requirements=requirements,
        persons=f.persons(segments.get("persons") or ""),
        phones=f.phones(trigger.rest),
        id_numbers=f.id_numbers(trigger.rest),
        deadline=deadline_at(deadline_text, sent_at) if deadline_text else None,
        source=segments.get("source"),
    )
    return _classified(K.DIRECTIVE, (), found, fields, trigger.rest)


# --- commands on a reference -------------------------------------------------------------------------------


def _plain(trigger: Trigger, sent_at: datetime | None, catalog: Catalog) -> Intent:
    """accept, coordinate, progress, attach, withdraw, approve, query, help: the text after is a remark."""
    return _on_ref(trigger, Fields(description=trigger.rest or None))


def _decline(trigger: Trigger, sent_at: datetime | None, catalog: Catalog) -> Intent:
    """`不同意延期 E12 材料不全`: the text after the reference is the reason."""
    reason = f.segment(trigger.rest).get("reason") or f.clean(trigger.rest) or None
    return _on_ref(trigger, Fields(reason=reason, description=trigger.rest or None))


def _stats(trigger: Trigger, sent_at: datetime | None, catalog: Catalog) -> Intent:
    period = trigger.period or v.STATS_DEFAULT_PERIOD
    return Intent(kind=K.STATS, fields=Fields(period=period), body=trigger.rest)


def _escalate(trigger: Trigger, sent_at: datetime | None, catalog: Catalog) -> Intent:
    if trigger.ref is None:  # `#上报中心 …` without a reference is a new report for the center
        return _event(replace(trigger, kind=K.REPORT), sent_at, catalog)
    return _on_ref(trigger, Fields(description=trigger.rest or None, reason=trigger.rest or None))


def _dispatch(trigger: Trigger, sent_at: datetime | None, catalog: Catalog) -> Intent:
    token = _TOKEN_END.split(trigger.rest, maxsplit=1)[0] if trigger.rest else ""
    department = _DEPARTMENT_TRAILER.sub("", _DEPARTMENT_LEAD.sub("", token)) or None
    return _on_ref(trigger, Fields(department=department, description=trigger.rest or None))


def _escalate_district(trigger: Trigger, sent_at: datetime | None, catalog: Catalog) -> Intent:
    found = _DISTRICT_REASON.search(trigger.rest)
    reason = _REASON_WORDS[found.group(0)] if found else None
    return _on_ref(trigger, Fields(reason=reason, description=trigger.rest or None))


def _return(trigger: Trigger, sent_at: datetime | None, catalog: Catalog) -> Intent:
    reason = f.segment(trigger.rest).get("reason") or trigger.rest or None
    return _on_ref(trigger, Fields(reason=reason, description=trigger.rest or None))


def _resolve(trigger: Trigger, sent_at: datetime | None, catalog: Catalog) -> Intent:
    segments = f.segment(trigger.rest)
    after = segments.get("after") or segments.free or None
    fields = Fields(
        description=trigger.rest or None,
        before=segments.get("before"),
        after=after,
        phones=f.phones(trigger.rest),
    )
    return _on_ref(trigger, fields)


def _judge(trigger: Trigger, sent_at: datetime | None, catalog: Catalog) -> Intent:
    """verify, check, rate: a verdict, and the rest of the text as the reason."""
    found = _VERDICTS[trigger.kind].search(trigger.rest)
    verdict = _VERDICT_OF[found.group(0)] if found else None
    remark = f.clean(trigger.rest[found.end() :] if found else trigger.rest) or None
    return _on_ref(trigger, Fields(verdict=verdict, reason=remark, description=trigger.rest or None))


def _extend(trigger: Trigger, sent_at: datetime | None, catalog: Catalog) -> Intent:
    found = _DURATION.search(trigger.rest)
    hours = _hours(found) if found else None
    remark = trigger.rest
    if found:
        remark = trigger.rest[: found.start()] + " " + trigger.rest[found.end() :]
    reason = f.segment(f.clean(remark)).get("reason") or f.clean(remark) or None
    return _on_ref(trigger, Fields(duration_hours=hours, reason=reason, description=trigger.rest or None))


def _correct(trigger: Trigger, sent_at: datetime | None, catalog: Catalog) -> Intent:
    """`更正 E12 地点：东村4组`: only labelled fields change, nothing is guessed from prose."""
    segments = f.segment(trigger.rest)
    time_field = segments.get("time")
    location = segments.get("location")
    category = segments.get("category")
    fields = Fields(
        location=f.first_line(location) if location else None,
        description=segments.get("description"),
        occurred_at=occurred_at(time_field, sent_at) if time_field else None,
        persons=f.persons(segments.get("persons") or ""),
        phones=f.phones(trigger.rest),
        id_numbers=f.id_numbers(trigger.rest),
        before=segments.get("before"),
        after=segments.get("after"),
        category=category,
    )
    found = classify(catalog, category, category) if category else NO_CLASSIFICATION
    return _classified(K.CORRECT, trigger.refs, found, fields, trigger.rest)


def _choose(trigger: Trigger, sent_at: datetime | None, catalog: Catalog) -> Intent:
    return Intent(kind=K.CHOOSE, fields=Fields(choice=trigger.choice), body=trigger.word)


def _tells_of_event(text: str, catalog: Catalog) -> bool:
    """A message to the bot without a command word is read as a report when it names a place or a catalog
    matter and is not a question (`@网格助手 东村3组路灯坏了` yes, `@网格助手 怎么上报？` no)."""
    if len(text) < v.MIN_MENTION_REPORT_CHARS or text.rstrip("。.!！~～ ")[-1:] in v.QUESTION_ENDINGS:
        return False
    if starts_with_ref(text):  # `@网格助手 E12 怎么还没人签收` is about E12, not a new event
        return False
    if asks_for_figures(text):  # `@网格助手 东村今天有多少事件` asks, it does not report
        return False
    return find_place(text) is not None or classify(catalog, text).sector is not None


def _names_a_matter(text: str, catalog: Catalog) -> bool:
    """What follows 上报/预警 without `#` reads like a report when it names a place or holds a whole catalog
    keyword (占道, 路灯坏了); pieces of keywords (材料 → 信访?) are not enough."""
    return find_place(text) is not None or bool(matcher_for(catalog).whole_words_in(text))


# --- helpers -----------------------------------------------------------------------------------------------


def _on_ref(trigger: Trigger, fields: Fields) -> Intent:
    return Intent(kind=trigger.kind, refs=trigger.refs, fields=fields, body=trigger.rest)


def _classified(
    kind: IntentKind,
    refs: tuple[str, ...],
    found: Classification,
    fields: Fields,
    body: str,
    self_resolved: bool = False,
    asks: bool = False,
) -> Intent:
    return Intent(
        kind=kind,
        refs=refs,
        sector=found.sector,
        item=found.item,
        candidates=found.candidates,
        confidence=found.confidence,
        self_resolved=self_resolved,
        asks_center=asks,
        fields=fields,
        body=body,
    )


def _hours(found: re.Match[str]) -> float | None:
    if found["half_word"] is not None:
        return v.HALF_DAY_WORDS[found["half_word"]]
    number_text = found["number"]
    number = float(number_text) if number_text[0].isdigit() else to_int(number_text)
    if number is None:
        return None
    unit = v.DURATION_UNITS[found["unit"].lower()]
    return (float(number) + (0.5 if found["half"] else 0.0)) * unit


_CONTACT = re.compile(rf"(?:{v.alternation(v.FIELD_LABELS['phones'])})?\s?[:：]?\s?\d{{11,}}[Xx]?")


def _without_contacts(text: str) -> str:
    """`电话13800138000` says nothing about the matter; it would only feed keyword pieces like 电话."""
    return _CONTACT.sub(" ", text)


_NUMBERS = re.compile(r"\d{11,}")


def _without_numbers(text: str) -> str:
    """Phone and ID numbers out of the way of the time rules."""
    return _NUMBERS.sub(" ", text)


Builder = Callable[[Trigger, datetime | None, Catalog], Intent]
_BUILDERS: dict[IntentKind, Builder] = {
    K.REPORT: _event,
    K.WARNING: _event,
    K.DIRECTIVE: _directive,
    K.ESCALATE: _escalate,
    K.DISPATCH: _dispatch,
    K.ESCALATE_DISTRICT: _escalate_district,
    K.RETURN: _return,
    K.RESOLVE: _resolve,
    K.VERIFY: _judge,
    K.CHECK: _judge,
    K.RATE: _judge,
    K.EXTEND: _extend,
    K.CORRECT: _correct,
    K.CHOOSE: _choose,
    K.STATS: _stats,
    K.DECLINE: _decline,
}
