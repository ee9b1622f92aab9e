"""Log lines go out masked: the message with its arguments, a traceback, and the command line's warnings."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from gridbot.bot.logs import MaskingFilter, configure_logging, mask_log_output


@pytest.fixture
def root_logging() -> Iterator[logging.Logger]:
    """The root logger's handlers and level, and the last-resort handler's filters, put back after the test."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    last_resort = logging.lastResort
    filters = last_resort.filters[:] if last_resort is not None else []
    yield root
    root.handlers[:] = handlers
    root.setLevel(level)
    if last_resort is not None:
        last_resort.filters[:] = filters


def test_a_logged_phone_is_masked_by_the_logging_set_up(
    root_logging: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging()
    log = logging.getLogger("gridbot.bot.test")
    log.info("report from %s: 电话 %s，座机%s", "刘洋", "+86 138 0013 8000", "(029)8888-6666")
    log.warning("身份证%s 卡号%s", "610402900101123", "6222 0212 3456 7890")

    err = capsys.readouterr().err
    assert "report from 刘洋: 电话 +86 138****8000，座机(029)****6666" in err
    assert "身份证610402*****1123 卡号6222 **** **** 7890" in err
    for raw in ("0013", "8888", "900101", "0212 3456"):
        assert raw not in err


def test_a_traceback_is_masked(root_logging: logging.Logger, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging()
    try:
        raise ValueError("bad row: 13800138000, 610402199001011234")
    except ValueError:
        logging.getLogger("gridbot.bot.test").exception("import failed")

    err = capsys.readouterr().err
    assert "ValueError: bad row: 138****8000, 610402********1234" in err
    assert "13800138000" not in err and "610402199001011234" not in err


def test_the_command_lines_warnings_are_masked(
    root_logging: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    root_logging.handlers[:] = []  # no set-up: Python prints warnings through its last-resort handler
    mask_log_output()
    mask_log_output()  # idempotent
    assert logging.lastResort is not None
    assert sum(isinstance(f, MaskingFilter) for f in logging.lastResort.filters) == 1
    logging.getLogger("gridbot.bot.cli").warning("cannot reach 0086-13800138000")
    assert "cannot reach 0086-138****8000" in capsys.readouterr().err


def test_a_wrong_format_string_is_not_raised_by_the_filter() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%d items", ("many",), None)
    assert MaskingFilter().filter(record) is True
    assert record.msg == "%d items" and record.args == ("many",)
