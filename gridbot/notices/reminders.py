"""Time: reminders before a deadline and overdue notices after it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gridbot.notices.base import Notice
from gridbot.notices.wording import when


@dataclass(frozen=True, slots=True)
class ReminderAccept(Notice):
    ref: str
    due: datetime
    department: str

    def text(self) -> str:
        return f"⏰ 提醒：{self.ref} 派给{self.department}，请于 {when(self.due)} 前签收：签收 {self.ref}"


@dataclass(frozen=True, slots=True)
class ReminderResolve(Notice):
    ref: str
    due: datetime
    department: str

    def text(self) -> str:
        return (
            f"⏰ 提醒：{self.ref} 请{self.department}于 {when(self.due)}"
            f" 前办结：办结 {self.ref} 处置结果（需要更多时间：延期 {self.ref} 2天 原因）"
        )


@dataclass(frozen=True, slots=True)
class OverdueAccept(Notice):
    ref: str
    due: datetime
    department: str
    flag: str

    def text(self) -> str:
        return f"🔴【超时】{self.ref} {self.department}未在 {when(self.due)} 前签收，已标记“{self.flag}”。"


@dataclass(frozen=True, slots=True)
class OverdueResolve(Notice):
    ref: str
    due: datetime
    department: str
    flag: str

    def text(self) -> str:
        return f"🔴【超时】{self.ref} {self.department}未在 {when(self.due)} 前办结，已标记“{self.flag}”。"


@dataclass(frozen=True, slots=True)
class ReminderOpen(Notice):
    ref: str
    description: str
    since: datetime

    def text(self) -> str:
        return (
            f"⏰ 提醒：{self.ref}（{self.description[:20]}）自 {when(self.since)} 起仍在处置中。"
            f"处置完请发：办结 {self.ref} 处置结果；需要协调请发：上报中心 {self.ref} 原因"
        )


@dataclass(frozen=True, slots=True)
class ReminderCenterPending(Notice):
    ref: str
    since: datetime | None
    due: datetime

    def text(self) -> str:
        return (
            f"⏰ 提醒：{self.ref} 自 {when(self.since)} 起待派单，"
            f"请于 {when(self.due)} 前派单：派单 {self.ref} 科室名称"
        )


@dataclass(frozen=True, slots=True)
class OverdueCenterPending(Notice):
    ref: str
    since: datetime | None
    due: datetime

    def text(self) -> str:
        return (
            f"🔴【超时】{self.ref} 自 {when(self.since)} 起待派单，未在 {when(self.due)} 前派单，"
            f"请尽快派单：派单 {self.ref} 科室名称"
        )


@dataclass(frozen=True, slots=True)
class ReminderVerify(Notice):
    ref: str
    department: str
    since: datetime | None
    due: datetime

    def text(self) -> str:
        return (
            f"⏰ 提醒：{self.ref} {self.department}已于 {when(self.since)} 办结，待核查，请于 {when(self.due)} 前核查："
            f"核查 {self.ref} 通过（或：核查 {self.ref} 不通过 原因）"
        )


@dataclass(frozen=True, slots=True)
class OverdueVerify(Notice):
    ref: str
    department: str
    since: datetime | None
    due: datetime

    def text(self) -> str:
        return (
            f"🔴【超时】{self.ref} {self.department}已于 {when(self.since)} 办结，未在 {when(self.due)} 前核查，"
            f"请尽快核查：核查 {self.ref} 通过（或：核查 {self.ref} 不通过 原因）"
        )


@dataclass(frozen=True, slots=True)
class ReminderReview(Notice):
    ref: str
    title: str
    center: str
    due: datetime

    def text(self) -> str:
        return (
            f"⏰ 提醒：指令 {self.ref}“{self.title}”待{self.center}网格中心审核，请于 {when(self.due)} 前审核："
            f"通过 {self.ref}（或：退回 {self.ref} 理由）"
        )


@dataclass(frozen=True, slots=True)
class OverdueReview(Notice):
    ref: str
    title: str
    center: str
    due: datetime

    def text(self) -> str:
        return (
            f"🔴【超时】指令 {self.ref}“{self.title}”{self.center}网格中心未在 {when(self.due)} 前审核，"
            f"请尽快审核：通过 {self.ref}（或：退回 {self.ref} 理由）"
        )


@dataclass(frozen=True, slots=True)
class TaskAckReminder(Notice):
    ref: str
    title: str

    def text(self) -> str:
        return f"⏰ 提醒：指令 {self.ref}“{self.title}”还未回复收到，请回复：收到 {self.ref}"


@dataclass(frozen=True, slots=True)
class TaskDueReminder(Notice):
    ref: str
    title: str
    deadline: datetime | None

    def text(self) -> str:
        return (
            f"⏰ 提醒：指令 {self.ref}“{self.title}”将于 {when(self.deadline)} 截止，"
            f"完成后请发：完成 {self.ref} 完成情况"
        )


@dataclass(frozen=True, slots=True)
class TaskOverdue(Notice):
    ref: str
    title: str
    grid: str
    deadline: datetime | None

    def text(self) -> str:
        return (
            f"🔴【逾期】指令 {self.ref}“{self.title}”{self.grid} 未在 {when(self.deadline)} 前完成，"
            "请网格长、网格指导员督促。"
        )
