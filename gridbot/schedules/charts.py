"""A bar chart for digests (matplotlib, headless). Without a CJK font: no chart, a warning in the log."""

from __future__ import annotations

import base64
import io
import logging
from collections import Counter
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

CJK_FONT_NAMES = (
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "SimHei",
    "Microsoft YaHei",
)


CJK_FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The name of an installed font that has Chinese glyphs, if any.

    matplotlib caches its font list; a font installed after that cache was built is added by its file here.
    """
    from matplotlib import font_manager

    for path in CJK_FONT_FILES:
        if Path(path).exists() and path not in {f.fname for f in font_manager.fontManager.ttflist}:
            font_manager.fontManager.addfont(path)
    installed = {font.name for font in font_manager.fontManager.ttflist}
    for name in CJK_FONT_NAMES:
        if name in installed:
            return name
    return None


def sector_chart(title: str, by_sector: Counter[str]) -> str | None:
    """A PNG (base64) of events by sector, or None when there is nothing to draw or no CJK font."""
    if not by_sector:
        return None
    font = cjk_font()
    if font is None:
        log.warning("no CJK font installed: digest sent as text only (install fonts-wqy-microhei)")
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot
    from matplotlib.ticker import MaxNLocator

    labels, values = zip(*by_sector.most_common(), strict=True)
    figure, axes = pyplot.subplots(figsize=(6, 0.4 * len(labels) + 1.2), dpi=100)
    try:
        axes.barh(list(reversed(labels)), list(reversed(values)), color="#2f7ed8")
        for tick in axes.get_yticklabels():
            tick.set_fontname(font)
        axes.set_title(title, fontname=font)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    finally:
        pyplot.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")
