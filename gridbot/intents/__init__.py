"""Text → Intent: what a chat message asks of the bot (messages.md). Pure: no I/O, no clock, no database."""

from gridbot.intents.catalog import Catalog, CatalogItem, ClosureStandard, Sector
from gridbot.intents.masking import mask_id_number, mask_phone, mask_text
from gridbot.intents.model import Fields, Intent, IntentKind
from gridbot.intents.parser import parse

__all__ = [
    "Catalog",
    "CatalogItem",
    "ClosureStandard",
    "Fields",
    "Intent",
    "IntentKind",
    "Sector",
    "mask_id_number",
    "mask_phone",
    "mask_text",
    "parse",
]
