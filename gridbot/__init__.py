"""gridbot (网格助手): grid-governance bot and center console for WeChat work groups."""

__version__ = "0.1.0"
