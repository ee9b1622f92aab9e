"""Logging set-up: every line passes through the masking of personal numbers (`intents/masking.py`), the
message with its arguments, a traceback's text and a stack included, whatever module logged it."""

from __future__ import annotations

import logging

from gridbot.intents.masking import mask_text


class MaskingFilter(logging.Filter):
    """Masks personal data in the final message (arguments included), the exception text and the stack."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a wrong format string: left for the handler to report, never raised at the caller
            return True
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True


def _masks(handler: logging.Handler) -> bool:
    return any(isinstance(f, MaskingFilter) for f in handler.filters)


def mask_log_output() -> None:
    """The masking filter on every handler of the root logger and on the last-resort handler (the warnings the
    command line prints when logging was not configured); idempotent."""
    handlers = [*logging.getLogger().handlers]
    if logging.lastResort is not None:
        handlers.append(logging.lastResort)
    for handler in handlers:
        if not _masks(handler):
            handler.addFilter(MaskingFilter())


def configure_logging(level: int = logging.INFO) -> None:
    """The server's logging: one line per record on standard error, masked."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    mask_log_output()
