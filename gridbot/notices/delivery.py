"""Notices about the bot's own delivery: messages it could not send."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gridbot.clock import local
from gridbot.notices.base import Notice


@dataclass(frozen=True, slots=True)
class ParkedGroup:
    group: str
    count: int
    oldest: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class UndeliveredMessages(Notice):
    """Posted to a center group once an hour while messages for its groups are parked (not sent, kept)."""

    groups: tuple[ParkedGroup, ...]

    def text(self) -> str:
        total = sum(g.count for g in self.groups)
        lines = [f"⚠️ 有 {total} 条消息没有发出去，已保留未丢失："]
        for g in self.groups[:10]:
            lines.append(f"· {g.group}：{g.count} 条，最早 {local(g.oldest):%m-%d %H:%M}（{g.reason}）")
        if len(self.groups) > 10:
            lines.append(f"· 另有 {len(self.groups) - 10} 个群")
        lines.append("请管理员检查这些群的通道绑定，运行 gridbot outbox 查看，修好后用 gridbot outbox retry 重发。")
        return "\n".join(lines)
