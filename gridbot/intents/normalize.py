"""Text as typed on a phone → one canonical form the rules can read.

Folds full-width letters, digits and ASCII symbols to half width (Ｅ１２ → E12, ＃ → #, ［ → [) but keeps
the Chinese comma, colon and brackets that carry meaning; folds the traditional characters of the command words
to simplified (簽收 → 签收); drops emoji and WeChat emoji codes ([微笑]); strips the bot mention — `@网格助手`
anywhere, or the name said without `@` at the very start, as voice input writes it — and list bullets. Every
step keeps the text's lines, so a template still reads one field per line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gridbot.intents import vocabulary as v

# Full-width forms that stay as they are: Chinese punctuation people use as such.
_KEEP_WIDE = set("，：；！？（）")
_FOLD: dict[int, int | None] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if chr(cp) not in _KEEP_WIDE}
_FOLD.update({0x3000: 0x20, 0x00A0: 0x20, 0x2005: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20})
_FOLD.update({0x200B: None, 0x200C: None, 0x200D: None, 0xFEFF: None, 0xFE0F: None, 0xFE0E: None, 0x20E3: None})
_SIMPLIFY: dict[int, int] = {ord(v.TRADITIONAL[i]): ord(v.TRADITIONAL[i + 1]) for i in range(0, len(v.TRADITIONAL), 2)}

_EMOJI = re.compile(
    "["
    "\U0001f000-\U0001faff"  # pictographs, emoticons, transport, symbols
    "\u2600-\u27bf"  # misc symbols and dingbats (✅ ❤ ✔)
    "\u2b00-\u2bff"  # arrows and stars (⭐)
    "\u203c\u2049\u2122\u2139\u231a\u231b\u23e9-\u23fa\u24c2\u25aa-\u25fe\u3030\u303d\u3297\u3299"
    "\U000e0000-\U000e007f"  # tag characters of flag sequences
    "]+"
)
_HEADER_WORDS = v.alternation(v.HEADERS)
# [微笑] [捂脸] [OK]: a WeChat emoji code, unless it is a template header like [上报].
_WECHAT_EMOJI = re.compile(rf"\[(?!(?:{_HEADER_WORDS})\])(?:[\u4e00-\u9fff]{{1,4}}|[A-Za-z]{{1,8}})\]")
_MENTION = re.compile(rf"@\s*(?:{v.alternation(v.BOT_NAMES)})[ \t]*")
# The name said at the start without `@` (voice input: `网格助手我要上报一下…`), with the pause after it.
_SPOKEN_NAME = re.compile(rf"^\s*(?:{v.alternation(v.BOT_NAMES)})[\s,，:：;；、.。!！~～…]*")
_BULLETS = (
    r"\d{1,2}[.、)）](?!\d)",  # 1. 2、 3)
    r"[（(]\d{1,2}[)）]",  # （1）
    r"[①-⑳⑴-⒇]",
    r"[一二三四五六七八九十]{1,2}、",
    r"[-•·*●◆▪■□○◎]+",
)
_BULLET = re.compile(rf"^[ \t]*(?:{'|'.join(_BULLETS)})[ \t]*", re.MULTILINE)
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


@dataclass(frozen=True, slots=True)
class Normalized:
    text: str
    mentioned: bool


def fold_width(text: str) -> str:
    """Full-width letters, digits and ASCII symbols to half width; odd spaces to plain ones. Length may shrink
    only by the removed zero-width characters."""
    return text.translate(_FOLD)


def fold_traditional(text: str) -> str:
    """The traditional characters of the command vocabulary to simplified, one character for one."""
    return text.translate(_SIMPLIFY)


def fold_digits(text: str) -> str:
    """Only full-width digits to ASCII, one character for one: positions stay valid (used by masking)."""
    return text.translate({cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)})


def strip_emoji(text: str) -> str:
    return _WECHAT_EMOJI.sub("", _EMOJI.sub("", text))


def normalize(text: str) -> Normalized:
    """Canonical text of a message, and whether it mentions the bot."""
    folded = strip_emoji(fold_traditional(fold_width(text.replace("\r\n", "\n").replace("\r", "\n"))))
    mentioned = _MENTION.search(folded) is not None
    folded = _MENTION.sub(" ", folded)
    spoken = _SPOKEN_NAME.match(folded)
    if spoken:
        mentioned = True
        folded = folded[spoken.end() :]
    folded = _BULLET.sub("", folded)
    lines = [_SPACES.sub(" ", line).strip() for line in folded.split("\n")]
    joined = "\n".join(line for line in lines if line)
    return Normalized(text=_BLANK_LINES.sub("\n", joined).strip(), mentioned=mentioned)
