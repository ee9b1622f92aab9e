"""Properties of the masking: whatever the prefix, separators, digit width and surrounding text, the hidden
digits of a personal number never survive; references, dates, times, amounts and short numbers always do."""

from __future__ import annotations

import re
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridbot.intents import mask_text

SETTINGS = settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
HALF_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


@dataclass(frozen=True)
class Written:
    """A number as somebody typed it: `kept` (prefix, area code, label) stays; `digits` is the personal part
    (subscriber number, ID, card), of which at most the first `head` and the last 4 may be shown."""

    kept: str
    number: str
    digits: str
    head: int


def digits(size: int, first: str = "0123456789") -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(first), st.text("0123456789", min_size=size - 1, max_size=size - 1)).map("".join)


@st.composite
def some_widths(draw: st.DrawFn, text: str) -> str:
    """Some digits full-width (as typed with a Chinese input method), the others not."""
    full = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.translate(FULL_WIDTH) if wide else c for c, wide in zip(text, full, strict=True))


SEPARATORS = st.sampled_from(["", " ", "-", ".", " - ", "  ", "－", "\u3000", "–", "—", "．"])
GROUP_SEPARATORS = st.sampled_from([" ", "-", "  ", " - ", "－", "\u3000"])  # bank-card groups


def grouped(text: str, sizes: tuple[int, ...], separator: str) -> str:
    parts, start = [], 0
    for size in sizes:
        parts.append(text[start : start + size])
        start += size
    return separator.join(parts)


@st.composite
def mobiles(draw: st.DrawFn) -> Written:
    number = "1" + draw(st.sampled_from("3456789")) + draw(digits(9))
    sizes = draw(st.sampled_from([(11,), (3, 4, 4), (4, 4, 3), (3, 8), (7, 4)]))
    prefix = draw(
        st.sampled_from(
            ["", "+86", "+86 ", "+86-", "86", "86 ", "86-", "0086", "0086 ", "0086-", "(+86)", "(+86) ", "＋86 ", "0"]
        )
    )
    written = grouped(number, sizes, draw(SEPARATORS))
    return Written(draw(some_widths(prefix)), draw(some_widths(written)), number, head=3)


@st.composite
def landlines(draw: st.DrawFn) -> Written:
    area = draw(st.one_of(st.just("10"), digits(2, "2"), digits(3, "3456789")))  # without the leading 0
    form = draw(st.sampled_from(["0{}", "(0{})", "（0{}）", "+86 {}", "+86-{}", "0086 {}", "0086-{}", "+86 0{}"]))
    kept = form.format(area) + draw(st.sampled_from(["", "-", " ", "—"]))
    number = draw(digits(draw(st.sampled_from([7, 8])), "23456789"))
    sizes = draw(st.sampled_from([(len(number),), (len(number) - 4, 4)]))
    written = grouped(number, sizes, draw(SEPARATORS))
    return Written(draw(some_widths(kept)), draw(some_widths(written)), number, head=0)


@st.composite
def labelled_locals(draw: st.DrawFn) -> Written:
    label = draw(st.sampled_from(["电话", "联系电话", "座机", "固话", "TEL", "Tel", "tel", "Phone"]))
    label += draw(st.sampled_from(["", ":", "：", " ", ": "]))
    number = draw(digits(draw(st.sampled_from([7, 8])), "23456789"))
    sizes = draw(st.sampled_from([(len(number),), (len(number) - 4, 4)]))
    return Written(label, draw(some_widths(grouped(number, sizes, draw(SEPARATORS)))), number, head=0)


@st.composite
def id_numbers(draw: st.DrawFn) -> Written:
    region = draw(digits(6, "123456789"))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28))
    separator = draw(st.sampled_from(["", " ", "-"]))
    if draw(st.booleans()):  # 18 digits, a check digit or X
        year = draw(st.integers(1900, 2025))
        tail = draw(digits(3)) + draw(st.sampled_from([*"0123456789", "X"]))
        number = f"{region}{year}{month:02}{day:02}{tail}"
        written = grouped(number, (6, 8, 4), separator)
    else:  # 15 digits, the old format
        number = f"{region}{draw(st.integers(0, 99)):02}{month:02}{day:02}{draw(digits(3))}"
        written = grouped(number, (6, 6, 3), separator)
    return Written("", draw(some_widths(written)), number, head=6)


@st.composite
def bank_cards(draw: st.DrawFn) -> Written:
    number = draw(digits(draw(st.integers(16, 19)), "345689"))
    if draw(st.booleans()):
        sizes = tuple(4 for _ in range(len(number) // 4)) + ((len(number) % 4,) if len(number) % 4 else ())
        written = grouped(number, sizes, draw(GROUP_SEPARATORS))
    else:
        written = number
    return Written("", draw(some_widths(written)), number, head=6)


# Text around a number: Chinese, letters (no X, the last character of some ID numbers), punctuation; no digits.
CONTEXT = st.text(
    st.sampled_from(
        [*"的是张某某住东村组楼请拨打转告热线身份证银行卡号码电话联系人", *"ABCDEFTELabcdeftel", *"：:，。、（）() "]
    ),
    max_size=8,
)
NUMBERS = st.one_of(mobiles(), landlines(), labelled_locals(), id_numbers(), bank_cards())
NOT_SHOWN = re.compile(r"[^0-9X*]")  # separators, parentheses, plus signs and labels fall away


@SETTINGS
@given(before=CONTEXT, written=NUMBERS, after=CONTEXT)
def test_hidden_digits_never_survive(before: str, written: Written, after: str) -> None:
    text = f"{before}{written.kept}{written.number}{after}"
    masked = mask_text(text)

    assert masked.startswith(before) and masked.endswith(after)  # the text around is untouched
    shown = NOT_SHOWN.sub("", masked[len(before) : len(masked) - len(after)].translate(HALF_WIDTH))
    original = NOT_SHOWN.sub("", f"{written.kept}{written.number}".translate(HALF_WIDTH))
    assert len(shown) == len(original)
    assert all(s in ("*", o) for s, o in zip(shown, original, strict=True))  # digits are starred, never changed

    personal = shown[len(shown) - len(written.digits) :]
    visible = [i for i, c in enumerate(personal) if c != "*"]
    size = len(written.digits)
    assert personal[-4:] == written.digits[-4:]  # the last 4 shown, so a number stays recognisable
    assert all(i < written.head or i >= size - 4 for i in visible)  # the middle digits never appear
    assert max(len(run) for run in re.split(r"\*+", personal)) <= 6  # never 7 digits of the number in a row


# Pieces of ordinary messages that carry digits and must stay as they are.
READABLE = st.one_of(
    st.integers(1, 9999).map(lambda n: f"E{n}"),
    st.integers(1, 999).map(lambda n: f"D{n}"),
    st.dates().map(lambda d: f"{d:%Y-%m-%d}"),
    st.dates().map(lambda d: f"{d:%Y.%m.%d}"),
    st.dates().map(lambda d: f"{d:%Y%m%d}"),
    st.dates().map(lambda d: f"{d.year}年{d.month}月{d.day}日"),
    st.times().map(lambda t: f"{t:%H:%M}-{t:%H}:59"),
    st.times().map(lambda t: f"{t:%H%M}-{t:%H}59"),
    st.decimals(0, 10**6, places=2, allow_nan=False).map(lambda d: f"{d}元"),
    st.integers(0, 10**7).map(lambda n: f"{n:,}元"),
    st.tuples(st.integers(1, 30), st.integers(1, 9)).map(lambda b: f"{b[0]}号楼{b[1]}单元"),
    st.integers(0, 999_999).map(str),
    st.sampled_from(["12345热线", "110", "120", "119", "12345"]),
)
FILLER = st.sampled_from(["，", "。", "东村3组", "于", "到", "、", " 和 ", "共", "（", "）", "约"])


@SETTINGS
@given(st.lists(st.tuples(READABLE, FILLER), max_size=8))
def test_ordinary_numbers_stay_readable(pieces: list[tuple[str, str]]) -> None:
    text = "".join(piece + filler for piece, filler in pieces)
    assert mask_text(text) == text


@SETTINGS
@given(st.text(max_size=60))
def test_masking_any_text_is_total_and_idempotent(text: str) -> None:
    masked = mask_text(text)
    assert mask_text(masked) == masked
