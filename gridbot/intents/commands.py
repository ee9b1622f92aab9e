"""Is a message for the bot, and which command does it give? (messages.md, Triggers)

Forms, tried in order on the normalised text:
- whole-message words: an acknowledgement (收到), help (帮助, ?), query (待办), a category choice (回复 2);
- a template header 【事件上报】 / [上报];
- a `#` command (#上报, #签收 E12, #自办结);
- a command word next to a reference at the very start (签收 E12, E12 签收, 收到 D3);
- a verdict right after a reference at the very start (E3 属实 → verify, E7 合格 → check, E8 满意 → rate);
- a report or warning tag at the very end (东村3组路灯不亮了 #上报), like the same tag in front;
- with a bot mention only: a command word at the start (@网格助手 上报 …).
Anything else is no trigger: ordinary chat that mentions E12 in passing stays silent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gridbot.intents import vocabulary as v
from gridbot.intents.model import IntentKind
from gridbot.intents.references import REF_PATTERN, normalize_ref


def _word_kinds() -> dict[str, IntentKind]:
    kinds: dict[str, IntentKind] = {}
    for table in (v.FREE_COMMANDS, v.REF_COMMANDS):
        for kind, words in table.items():
            for word in words:
                kinds.setdefault(word.lower(), kind)
    return kinds


_REF_WORD_KINDS = {w: k for k, words in v.REF_COMMANDS.items() for w in words}
_ALL_WORD_KINDS = _word_kinds()
_REF_WORDS = v.alternation(_REF_WORD_KINDS)
_ALL_WORDS = v.alternation(_ALL_WORD_KINDS)
_GAP = r"[\s,，:：;；、.。!！~～]*"

_HEADER = re.compile(rf"^[【\[]\s*(?P<word>{v.alternation(v.HEADERS)})\s*[】\]]")
_HASH = re.compile(rf"^#\s*(?P<word>{_ALL_WORDS})#?", re.IGNORECASE)
_WORD_REF = re.compile(rf"^(?P<word>{_REF_WORDS}){_GAP}(?P<ref>{REF_PATTERN})")
_REF_WORD = re.compile(rf"^(?P<ref>{REF_PATTERN}){_GAP}(?P<word>{_REF_WORDS})")
_MENTION_WORD = re.compile(rf"^(?P<word>{_ALL_WORDS})", re.IGNORECASE)
_LEADING_REF = re.compile(rf"^{_GAP}(?P<ref>{REF_PATTERN})")
_LEADING_GAP = re.compile(rf"^{_GAP}")
_FILLER = re.compile(rf"^(?:{v.alternation(v.COMMAND_FILLERS)})(?=[\s,，:：;；、.。!！]|$)")
_COMPACT_DROP = re.compile(r"[\s,，:：;；、.。!！~～…·]+")
_CHOOSE = re.compile(rf"^(?:{v.alternation(v.CHOOSE_WORDS)})第?(?P<digit>[1-9])(?:个|项|类|号)?$")
_OTHER_MENTIONS = re.compile(v.OTHER_MENTION)
# A verdict word names its command: 属实/通过 → verify, 合格 → check, 满意 → rate (aliases included).
_VERDICT_KINDS: dict[str, IntentKind] = {word: kind for kind, words in v.VERDICTS.items() for word in words} | {
    alias: kind
    for alias, verdict in v.VERDICT_ALIASES.items()
    for kind, words in v.VERDICTS.items()
    if verdict in words
}
_REF_VERDICT = re.compile(
    rf"^(?P<ref>{REF_PATTERN}){_GAP}(?P<word>{v.alternation(_VERDICT_KINDS)})(?=了?(?:[\s,，.。;；!！:：]|$))"
)
_TAG_KINDS: dict[str, IntentKind] = {
    word: kind for kind in (IntentKind.REPORT, IntentKind.WARNING) for word in v.FREE_COMMANDS[kind]
}
_TRAILING_TAG = re.compile(rf"#\s*(?P<word>{v.alternation(_TAG_KINDS)})#?[\s。.!！~～]*$")
_ACKS = frozenset(w.lower() for w in v.ACK_WORDS)
_HELPS = frozenset(w.lower() for w in v.HELP_WORDS)
_QUERIES = frozenset(w.lower() for w in v.QUERY_WORDS)


@dataclass(frozen=True, slots=True)
class Trigger:
    """The command a message gives: its kind, the reference next to it, and the text after both."""

    kind: IntentKind
    word: str
    ref: str | None
    rest: str
    choice: int | None = None


def whole_message(text: str) -> Trigger | None:
    """One-word messages: 收到 / 好的 (accept), 帮助 / ? (help), 待办 (query), 回复 2 (choose)."""
    stripped = text.strip().lower()
    if stripped in _HELPS:
        return Trigger(IntentKind.HELP, stripped, None, "")
    compact = _COMPACT_DROP.sub("", stripped)
    if compact in _ACKS:
        return Trigger(IntentKind.ACCEPT, compact, None, "")
    if compact in _HELPS:
        return Trigger(IntentKind.HELP, compact, None, "")
    if compact in _QUERIES:
        return Trigger(IntentKind.QUERY, compact, None, "")
    chosen = _CHOOSE.match(compact)
    if chosen:
        return Trigger(IntentKind.CHOOSE, compact, None, "", choice=int(chosen["digit"]))
    return None


def find_trigger(text: str, mentioned: bool) -> Trigger | None:
    """The command of a message, or None when the message is not for the bot."""
    whole = whole_message(text)
    if whole is not None:
        return whole
    # `@张三 签收 E12`: a command addressed to someone is still a command (a bare `@张三 收到` is not).
    text = _OTHER_MENTIONS.sub("", text, count=1)
    header = _HEADER.match(text)
    if header:
        return _with_ref_after(v.HEADERS[header["word"]], header["word"], text[header.end() :], allow_ref=False)
    hashed = _HASH.match(text)
    if hashed:
        return _from_word(hashed["word"], text[hashed.end() :])
    word_ref = _WORD_REF.match(text)
    if word_ref:
        return _make(word_ref["word"], _ref_of(word_ref), text[word_ref.end() :])
    verdict = _REF_VERDICT.match(text)
    if verdict and not (verdict["letter"] in "Dd" and verdict["word"] in _REF_WORD_KINDS):  # D3 通过: approve
        kind = _VERDICT_KINDS[verdict["word"]]
        return Trigger(kind, verdict["word"], _ref_of(verdict), text[verdict.start("word") :].strip())
    ref_word = _REF_WORD.match(text)
    if ref_word:
        return _make(ref_word["word"], _ref_of(ref_word), text[ref_word.end() :])
    if mentioned:
        spoken = _MENTION_WORD.match(text)
        if spoken:
            return _from_word(spoken["word"], text[spoken.end() :])
    tag = _TRAILING_TAG.search(text)
    if tag and tag.start() > 0:
        return _make(tag["word"], None, text[: tag.start()], _TAG_KINDS[tag["word"]])
    return None


def _from_word(word: str, after: str) -> Trigger:
    """A command word said explicitly (`#`, mention): a reference may follow it, or precede the next word."""
    kind = _ALL_WORD_KINDS[word.lower()]
    return _with_ref_after(kind, word, after, allow_ref=word in _REF_WORD_KINDS)


def _with_ref_after(kind: IntentKind, word: str, after: str, allow_ref: bool) -> Trigger:
    if allow_ref:
        leading = _LEADING_REF.match(after)
        if leading:
            return _make(word, _ref_of(leading), after[leading.end() :], kind)
    return _make(word, None, after, kind)


def _make(word: str, ref: str | None, after: str, kind: IntentKind | None = None) -> Trigger:
    resolved = kind if kind is not None else _REF_WORD_KINDS[word]
    rest = _LEADING_GAP.sub("", after, count=1)
    rest = _LEADING_GAP.sub("", _FILLER.sub("", rest, count=1), count=1)
    return Trigger(resolved, word, ref, rest.strip())


def _ref_of(found: re.Match[str]) -> str:
    return normalize_ref(found["letter"], found["number"])
