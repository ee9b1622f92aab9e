"""Logging set-up for the server: every line passes through the masking of phone and ID numbers."""

from __future__ import annotations

import logging

from gridbot.intents.masking import mask_text


class MaskingFilter(logging.Filter):
    """Masks personal data in the final message (arguments included), whatever module logged it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
