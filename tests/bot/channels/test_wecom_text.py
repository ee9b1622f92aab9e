"""Long texts are cut to WeCom's byte limits at line ends, and never inside a UTF-8 character."""

from __future__ import annotations

from gridbot.bot.channels.wecom_text import split_text, utf8_len


def test_short_text_is_one_piece() -> None:
    assert split_text("网格员 上报\n第二行", 2048) == ["网格员 上报\n第二行"]


def test_cut_at_line_ends_within_the_limit() -> None:
    lines = [f"第{i}行：东区网格巡查正常" for i in range(300)]
    pieces = split_text("\n".join(lines), 2048)
    assert len(pieces) > 1
    assert all(utf8_len(piece) <= 2048 for piece in pieces)
    assert "\n".join(pieces).split("\n") == lines  # nothing lost, every line whole


def test_a_long_line_is_cut_between_characters() -> None:
    text = "网" * 1000  # 3000 bytes, no line break
    pieces = split_text(text, 2048)
    assert [utf8_len(p) for p in pieces] == [2046, 954]  # 682 whole characters fit in 2048 bytes
    assert "".join(pieces) == text


def test_blank_text_gives_nothing() -> None:
    assert split_text("\n\n", 2048) == []
