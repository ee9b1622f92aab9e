"""Is a message for the bot, and which command does it give? (messages.md, Triggers)

Forms, tried in order on the normalised text:
- whole-message words: an acknowledgement (收到), a bare command (签收, 办结, 完成), help (帮助, ?), query (待办),
  figures (日报, 本周, 统计), a category choice (回复 2);
- a template header 【事件上报】 / [上报];
- a `#` command (#上报, #签收 E12, #自办结);
- a command word next to one or more references at the very start (签收 E12, 签收 E1、E2, E12 签收, 收到 D3);
- a verdict right after a reference at the very start (E3 属实 → verify, E7 合格 → check, E8 满意 → rate);
- with a bot mention or `#`: a request for figures (@网格助手 今天有多少事件);
- with a bot mention only: a command word at the start, after filler such as 我要/帮我 (@网格助手 我要上报一下 …);
- a result after 办结/完成 without a reference, set off by a space or colon (办结 已清理完毕);
- a report or warning tag at the very end (东村3组路灯不亮了 #上报), like the same tag in front.
Anything else is no trigger: ordinary chat that mentions E12 in passing stays silent.

Three readings are offered to the parser separately, since they need more than the words to decide:
`unmarked_event` (上报/预警 at the start without `#`: the parser checks that a report follows), `near_miss` (a
one-character typo of a command word after `#` or a mention) and `hint_for` (the form to type, for a message
meant for the bot that could not be read).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gridbot.intents import vocabulary as v
from gridbot.intents.locations import find_place
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
_GAP = r"[\s,，:：;；、.。!！~～…]*"
_REF_SEPARATOR = r"[\s,，、;；/&]*(?:和|及|与|还有)?[\s,，、;；]*"

_HEADER = re.compile(rf"^[【\[]\s*(?P<word>{v.alternation(v.HEADERS)})\s*[】\]]")
_HASH = re.compile(rf"^#\s*(?P<word>{_ALL_WORDS})#?", re.IGNORECASE)
_WORD_REF = re.compile(rf"^(?P<word>{_REF_WORDS}){_GAP}(?P<ref>{REF_PATTERN})")
_FIRST_REF = re.compile(rf"^(?P<ref>{REF_PATTERN})")
_NEXT_REF = re.compile(rf"^{_REF_SEPARATOR}(?P<ref>{REF_PATTERN})")
_WORD_AFTER_REFS = re.compile(rf"^{_GAP}(?P<word>{_REF_WORDS})")
_MENTION_WORD = re.compile(rf"^(?P<word>{_ALL_WORDS})", re.IGNORECASE)
_LEADING_REF = re.compile(rf"^{_GAP}(?P<ref>{REF_PATTERN})")
_ANY_REF = re.compile(REF_PATTERN)
_LEADING_GAP = re.compile(rf"^{_GAP}")
_FILLER = re.compile(
    rf"^(?:(?:{v.alternation(w for w in v.COMMAND_FILLERS if len(w) > 1)})"
    rf"|(?:{v.alternation(w for w in v.COMMAND_FILLERS if len(w) == 1)})(?=[\s,，:：;；、.。!！…]|$))"
)
_LEADING_FILLER = re.compile(rf"^(?:{v.alternation(v.LEADING_FILLERS)}){_GAP}")
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
_VERDICT_AFTER_REFS = re.compile(rf"^{_GAP}(?P<word>{v.alternation(_VERDICT_KINDS)})(?=了?(?:[\s,，.。;；!！:：]|$))")
_TAG_KINDS: dict[str, IntentKind] = {
    word: kind for kind in (IntentKind.REPORT, IntentKind.WARNING) for word in v.FREE_COMMANDS[kind]
}
_TRAILING_TAG = re.compile(rf"#\s*(?P<word>{v.alternation(_TAG_KINDS)})#?[\s。.!！~～]*$")
_ACKS = frozenset(w.lower() for w in v.ACK_WORDS)
_HELPS = frozenset(w.lower() for w in v.HELP_WORDS)
_QUERIES = frozenset(w.lower() for w in v.QUERY_WORDS)
_BARE = {word: kind for kind, words in v.BARE_COMMANDS.items() for word in words}
_UNREFERENCED_KINDS = {word: kind for kind, words in v.UNREFERENCED_COMMANDS.items() for word in words}
_UNREFERENCED = re.compile(
    rf"^(?P<word>{v.alternation(_UNREFERENCED_KINDS)})(?:\s*[:：]\s*|\s+)(?=\S)",
)
_EVENT_KINDS = (IntentKind.REPORT, IntentKind.WARNING)
_REMARK = re.compile(rf"^(?!{v.alternation(v.NOT_REMARKS)})(?:{v.alternation(v.EVENT_WORD_REMARKS)})")
_QUESTION_END = re.compile(rf"[{v.QUESTION_ENDINGS}?？][\s。.!！~～]*$")
_CONTENT_DROP = re.compile(r"[\W_]+")

# Figures: a period word and a figures word or a count question.
_PERIOD_OF = {word: period for period, words in v.STATS_PERIODS.items() for word in words}
_PERIOD = re.compile(v.alternation(_PERIOD_OF))
_STATS_ASK = re.compile(rf"{v.alternation(v.STATS_WORDS)}|{v.STATS_COUNT}")
_STATS_COUNT = re.compile(v.STATS_COUNT)
_STATS_TAIL = re.compile(r"(?:一下|吧|呢|啊|呀|哈|嘛|[?？])+$")
_STATS_WHOLE: dict[str, str] = (
    {word: v.STATS_DEFAULT_PERIOD for word in v.STATS_WORDS}
    | {word: _PERIOD_OF[word] for word in v.STATS_WHOLE_PERIODS}
    | {
        f"{period_word}{joint}{ask}": period
        for period_word, period in _PERIOD_OF.items()
        for joint in ("", "的")
        for ask in v.STATS_WORDS
    }
)

# One-substitution typos: command words of two or more Chinese characters, and the everyday words that lie one
# character away from one of them (上午 from 上报, 通知 from 通过) and so are never read as a typo.
_CJK_RUN = re.compile(r"^[\u4e00-\u9fff]+$")
_TYPO_WORDS: dict[str, IntentKind] = {w: k for w, k in _ALL_WORD_KINDS.items() if len(w) >= 2 and _CJK_RUN.match(w)}
_TYPO_LENGTHS = sorted({len(w) for w in _TYPO_WORDS}, reverse=True)
_NOT_TYPOS = frozenset(
    (
        *v.NOT_TYPOS,
        *v.RELATIVE_DAYS,
        *v.DAY_PARTS,
        *v.FRAGMENT_STOPWORDS,
        *_PERIOD_OF,
        *(label for labels in v.FIELD_LABELS.values() for label in labels),
        *(f"{offset}{week}" for offset in v.WEEK_OFFSETS for week in v.WEEK_WORDS),
    )
)
_BRACKETED = re.compile(r"^[【\[]\s*(?P<word>[^】\]\n]{1,12}?)\s*[】\]]")


@dataclass(frozen=True, slots=True)
class Trigger:
    """The command a message gives: its kind, the references next to it, and the text after both."""

    kind: IntentKind
    word: str
    refs: tuple[str, ...]
    rest: str
    choice: int | None = None
    period: str | None = None

    @property
    def ref(self) -> str | None:
        return self.refs[0] if self.refs else None


def whole_message(text: str) -> Trigger | None:
    """One-word messages: 收到 / 好的 (accept), 签收 / 办结 (a bare command), 帮助 / ? (help), 待办 (query),
    日报 / 本周 (figures), 回复 2 (choose)."""
    stripped = text.strip().lower()
    if stripped in _HELPS:
        return Trigger(IntentKind.HELP, stripped, (), "")
    compact = _COMPACT_DROP.sub("", stripped)
    if compact in _ACKS:
        return Trigger(IntentKind.ACCEPT, compact, (), "")
    if compact in _BARE:
        return Trigger(_BARE[compact], compact, (), "")
    if compact in _HELPS:
        return Trigger(IntentKind.HELP, compact, (), "")
    if compact in _QUERIES:
        return Trigger(IntentKind.QUERY, compact, (), "")
    asked = _STATS_TAIL.sub("", compact.removeprefix("#"))
    if asked in _STATS_WHOLE:
        return Trigger(IntentKind.STATS, asked, (), "", period=_STATS_WHOLE[asked])
    chosen = _CHOOSE.match(compact)
    if chosen:
        return Trigger(IntentKind.CHOOSE, compact, (), "", choice=int(chosen["digit"]))
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
        return _with_refs_after(v.HEADERS[header["word"]], header["word"], text[header.end() :], allow_ref=False)
    hashed = _HASH.match(text)
    if hashed:
        return _from_word(hashed["word"], text[hashed.end() :])
    word_ref = _WORD_REF.match(text)
    if word_ref:
        refs, after = _more_refs(_ref_of(word_ref), text[word_ref.end() :])
        return _make(word_ref["word"], refs, after)
    refs_first = _refs_then_word(text)
    if refs_first is not None:
        return refs_first
    if mentioned or text.startswith("#"):
        stats = stats_request(text.removeprefix("#"))
        if stats is not None:
            return stats
    if mentioned:
        spoken = _mention_word(without_fillers(text))
        if spoken is not None:
            return spoken
    unreferenced = _UNREFERENCED.match(text)
    if unreferenced:
        word = unreferenced["word"]
        kind = _UNREFERENCED_KINDS[word]
        # A result may be short (办结 已清理); a new event must say more (上报 东村3组…).
        least = v.MIN_RESULT_CHARS if kind is IntentKind.RESOLVE else v.MIN_EVENT_CONTENT_CHARS
        if _reads_as_content(text[unreferenced.end() :], least):
            return _make(word, (), text[unreferenced.end() :], kind)
    tag = _TRAILING_TAG.search(text)
    if tag and tag.start() > 0:
        return _make(tag["word"], (), text[: tag.start()], _TAG_KINDS[tag["word"]])
    return None


def stats_request(text: str) -> Trigger | None:
    """`今天有多少事件`, `这个月统计一下` in a message to the bot: figures for a period (today unless named).
    A message naming a reference or a place is about that, not about figures."""
    asked = _STATS_ASK.search(text)
    if asked is None or _ANY_REF.search(text) or find_place(text) is not None:
        return None
    if _TAG_KINDS.get(_first_word(text) or "") is not None:  # `上报 …统计表有误` is a report
        return None
    period = _PERIOD.search(text)
    return Trigger(
        IntentKind.STATS,
        asked.group(0),
        (),
        text.strip(),
        period=_PERIOD_OF[period.group(0)] if period else v.STATS_DEFAULT_PERIOD,
    )


def starts_with_ref(text: str) -> bool:
    return _FIRST_REF.match(text) is not None


def asks_for_figures(text: str) -> bool:
    """A count question about events (有多少事件, 办结了几件) anywhere in the text."""
    return _STATS_COUNT.search(text) is not None


def without_fillers(text: str) -> str:
    """The text without the filler a speaker puts before the command (`我要`, `那个`, `帮我`)."""
    for _ in range(4):  # `嗯 那个 我要 …`: a few at most
        found = _LEADING_FILLER.match(text)
        if found is None or found.end() == 0:
            break
        text = text[found.end() :]
    return text


def unmarked_event(text: str) -> Trigger | None:
    """`上报 东村2组有人占道晒粮食` / `预警 西村…`: a report or warning word at the very start, without `#`, that
    is not talk about reporting (上报了吗, 上报的事件, 预警信息已经收到了). The parser still checks that what
    follows reads like a report (a place or a catalog matter)."""
    text = _OTHER_MENTIONS.sub("", text, count=1)
    word = _first_word(text)
    if word is None or word not in v.UNMARKED_EVENT_WORDS:
        return None
    trigger = _make(word, (), text[len(word) :], v.UNMARKED_EVENT_WORDS[word])
    if not _reads_as_content(trigger.rest, v.MIN_EVENT_CONTENT_CHARS) or _QUESTION_END.search(text):
        return None
    return trigger


def near_miss(text: str, mentioned: bool) -> Trigger | None:
    """`#上抱 …`, `@网格助手 签手 E1`: right after `#` or a mention, a word one character off exactly one command
    (of two characters or more) is that command — when what the command needs follows it: a reference for a
    command on a reference, some content for a report, warning or directive, nothing for help or the to-do list."""
    body = _addressed_body(_OTHER_MENTIONS.sub("", text, count=1), mentioned)
    if body is None:
        return None
    found = _near_word(body)
    if found is None:
        return None
    kind, word, length = found
    after = body[length:]
    if word in _REF_WORD_KINDS:
        leading = _LEADING_REF.match(after)
        if leading is None:
            return None
        refs, rest = _more_refs(_ref_of(leading), after[leading.end() :])
        return _make(word, refs, rest, kind)
    if kind in _EVENT_KINDS:
        trigger = _make(word, (), after, kind)
        return trigger if _reads_as_content(after, v.MIN_EVENT_CONTENT_CHARS) else None
    if kind is IntentKind.DIRECTIVE:  # a directive is a template: a typo in it is answered with the form
        return None
    return _make(word, (), "", kind) if not _COMPACT_DROP.sub("", after) else None


def hint_for(text: str, mentioned: bool) -> str | None:
    """The form to type, for a message clearly meant for the bot (`#…`, a bot mention, a 【】 header one character
    off one of the bot's headers of three characters or more, like 【事件上抱】) that gave no command: that
    command's form when a command word can be made out, else the general one. Ordinary chat, 【通知】 and
    【天气预警】 included, gets None."""
    text = _OTHER_MENTIONS.sub("", text, count=1)
    bracketed = _BRACKETED.match(text)
    if bracketed is not None:
        header = _near_header(bracketed["word"])
        if header is None:
            return None
        return v.COMMAND_FORMS.get(v.HEADERS[header], v.GENERAL_HINT)
    body = _addressed_body(text, mentioned)
    if body is None:
        return None
    found = _near_word(body)
    kind = found[0] if found is not None else _kind_named_in(body)
    return v.COMMAND_FORMS.get(kind, v.GENERAL_HINT) if kind is not None else v.GENERAL_HINT


def _addressed_body(text: str, mentioned: bool) -> str | None:
    """The text after the `#` or the mention's filler, or None when the message is not addressed to the bot. A
    `#` before a reference (`#E12 …`) is part of the reference, not an address."""
    if text.startswith("#") and not _FIRST_REF.match(text):
        return text[1:].lstrip()
    return without_fillers(text) if mentioned else None


def _near_word(text: str) -> tuple[IntentKind, str, int] | None:
    """The command a typo at the start stands for: (kind, the command word, length of the typed word)."""
    matches: dict[IntentKind, list[str]] = {}
    for length in _TYPO_LENGTHS:
        piece = text[:length].lower()
        if len(piece) < length or not _CJK_RUN.match(piece) or piece in _NOT_TYPOS or piece in _ALL_WORD_KINDS:
            continue
        for word, kind in _TYPO_WORDS.items():
            if len(word) == length and sum(a != b for a, b in zip(piece, word, strict=True)) == 1:
                matches.setdefault(kind, []).append(word)
    if len(matches) != 1:
        return None
    ((kind, words),) = matches.items()
    word = max(words, key=lambda w: (len(w), w))
    return kind, word, len(word)


def _near_header(word: str) -> str | None:
    """The bot's header (three characters or more) one character off the word, if exactly one is."""
    near = [
        header
        for header in v.HEADERS
        if len(header) == len(word) >= 3 and sum(a != b for a, b in zip(word, header, strict=True)) == 1
    ]
    return near[0] if len(near) == 1 else None


def _kind_named_in(text: str) -> IntentKind | None:
    """The command named first (longest word at the earliest place) anywhere in the text, if any."""
    best: tuple[int, int, IntentKind] | None = None
    lowered = text.lower()
    for word, kind in _TYPO_WORDS.items():
        at = lowered.find(word)
        if at >= 0 and (best is None or (at, -len(word)) < (best[0], -best[1])):
            best = (at, len(word), kind)
    if best is None and _STATS_ASK.search(text):
        return IntentKind.STATS
    return best[2] if best is not None else None


def _first_word(text: str) -> str | None:
    """The longest command word at the very start (上报中心 rather than 上报)."""
    found = _MENTION_WORD.match(text)
    return found["word"].lower() if found else None


def talks_about_reporting(text: str) -> bool:
    """A report or warning word at the start (after filler) followed by a remark: `上报了吗`, `上报的事件怎么查`."""
    text = without_fillers(text)
    spoken = _MENTION_WORD.match(text)
    return (
        spoken is not None
        and _ALL_WORD_KINDS[spoken["word"].lower()] in _EVENT_KINDS
        and _REMARK.match(_LEADING_GAP.sub("", text[spoken.end() :])) is not None
    )


def _mention_word(text: str) -> Trigger | None:
    """A command word at the start of a message to the bot; a report or warning word only when it is not talk
    about reporting (`@网格助手 上报了吗`)."""
    spoken = _MENTION_WORD.match(text)
    if spoken is None or talks_about_reporting(text):
        return None
    return _from_word(spoken["word"], text[spoken.end() :])


def _reads_as_content(rest: str, least: int) -> bool:
    """Text after a command word that says something (`least` characters at least), not a remark like 了吗."""
    rest = _LEADING_GAP.sub("", rest)
    if _REMARK.match(rest):
        return False
    return len(_CONTENT_DROP.sub("", rest)) >= least


def _refs_then_word(text: str) -> Trigger | None:
    """`E12 签收`, `E1、E2 签收`, and a verdict after references (`E3 属实`)."""
    first = _FIRST_REF.match(text)
    if first is None:
        return None
    refs, after = _more_refs(_ref_of(first), text[first.end() :])
    verdict = _VERDICT_AFTER_REFS.match(after)
    if verdict and not (first["letter"] in "Dd" and verdict["word"] in _REF_WORD_KINDS):  # D3 通过: approve
        kind = _VERDICT_KINDS[verdict["word"]]
        return Trigger(kind, verdict["word"], refs, after[verdict.start("word") :].strip())
    word = _WORD_AFTER_REFS.match(after)
    if word:
        return _make(word["word"], refs, after[word.end() :])
    return None


def _more_refs(first: str, after: str) -> tuple[tuple[str, ...], str]:
    """The first reference and any that follow it (`E1 E2`, `E1、E2`, `E1,E2,E3`, `E1和E2`); the text after."""
    refs = [first]
    while True:
        found = _NEXT_REF.match(after)
        if found is None:
            break
        refs.append(_ref_of(found))
        after = after[found.end() :]
    return tuple(dict.fromkeys(refs)), after


def _from_word(word: str, after: str) -> Trigger:
    """A command word said explicitly (`#`, mention): a reference may follow it, or precede the next word."""
    kind = _ALL_WORD_KINDS[word.lower()]
    return _with_refs_after(kind, word, after, allow_ref=word in _REF_WORD_KINDS)


def _with_refs_after(kind: IntentKind, word: str, after: str, allow_ref: bool) -> Trigger:
    if allow_ref:
        leading = _LEADING_REF.match(_skip_fillers(after))
        if leading:
            refs, rest = _more_refs(_ref_of(leading), _skip_fillers(after)[leading.end() :])
            return _make(word, refs, rest, kind)
    return _make(word, (), after, kind)


def _make(word: str, refs: tuple[str, ...], after: str, kind: IntentKind | None = None) -> Trigger:
    resolved = kind if kind is not None else _REF_WORD_KINDS[word]
    return Trigger(resolved, word, refs, _skip_fillers(after).strip())


def _skip_fillers(after: str) -> str:
    """The text after a command word without the filler that follows it (`一下`, `个事`, `啊`)."""
    rest = _LEADING_GAP.sub("", after, count=1)
    for _ in range(3):  # `上报一下啊，…`: a few fillers at most
        stripped = _LEADING_GAP.sub("", _FILLER.sub("", rest, count=1), count=1)
        if stripped == rest:
            break
        rest = stripped
    return rest


def _ref_of(found: re.Match[str]) -> str:
    return normalize_ref(found["letter"], found["number"])
