"""Department directives (部门指令): checks, review, tasks and progress."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from gridbot.notices.base import Button, Notice
from gridbot.notices.wording import hours_text, line, when

DIRECTIVE_FIELD_HELP = {
    "title": "事项：（指令内容，例如：电动自行车入户充电隐患排查）",
    "kind": "类型：（{kinds} 之一）",
    "targets": "网格：（全镇，或村名、网格名，用逗号分开）",
    "deadline": "截止：（例如：11月30日18时）",
}


@dataclass(frozen=True, slots=True)
class DirectiveBrief:
    """What every notice about a directive shows of it."""

    ref: str
    department: str
    title: str
    sector: str
    kind: str
    targets: str
    grids: int
    requirements: str
    deadline: datetime | None

    def block(self) -> str:
        return (
            f"{line('事项', self.title)}{line('类别', self.sector)}{line('类型', self.kind)}"
            f"{line('网格', f'{self.targets}（{self.grids} 个网格）')}{line('要求', self.requirements)}"
            f"{line('截止', when(self.deadline))}"
        )


@dataclass(frozen=True, slots=True)
class WrongPlaceDirective(Notice):
    def text(self) -> str:
        return "无权限：部门指令由部门人员在本部门的工作群里发送【部门指令】模板（发送“帮助”可看模板）。"


@dataclass(frozen=True, slots=True)
class DirectiveFieldMissing(Notice):
    field: str
    kinds: Sequence[str]

    def text(self) -> str:
        line = DIRECTIVE_FIELD_HELP[self.field].format(kinds="/".join(self.kinds))
        return f"指令还不能提交：请补上或改正这一行后重新发送整条【部门指令】：\n{line}"


@dataclass(frozen=True, slots=True)
class DirectiveAutoReturned(Notice):
    ref: str
    reason: str

    def text(self) -> str:
        return f"↩️ 指令 {self.ref} 未通过自动检查，已退回：{self.reason}。请修改后重新发送【部门指令】。"


@dataclass(frozen=True, slots=True)
class DirectiveSubmitted(Notice):
    ref: str
    center: str
    grids: int

    def text(self) -> str:
        return f"📝 指令 {self.ref} 已提交{self.center}网格中心审核（待审核，涉及 {self.grids} 个网格）。"


@dataclass(frozen=True, slots=True)
class DirectiveForReview(Notice):
    brief: DirectiveBrief

    def buttons(self) -> tuple[Button, ...]:
        return (Button("通过", f"通过 {self.brief.ref}"), Button("退回", f"退回 {self.brief.ref}"))

    def text(self) -> str:
        d = self.brief
        return f"🗂【指令待审核】{d.ref}（{d.department}）{d.block()}\n审核：通过 {d.ref} / 退回 {d.ref} 理由"


@dataclass(frozen=True, slots=True)
class DirectiveWrongStatus(Notice):
    ref: str
    status: str
    action: str
    next: str = ""

    def text(self) -> str:
        return f"{self.ref} 当前状态为{self.status}，不能{self.action}。" + (f"现在{self.next}" if self.next else "")


@dataclass(frozen=True, slots=True)
class DirectiveApprovedNext(Notice):
    ref: str
    center: str
    next_center: str

    def text(self) -> str:
        return f"✅ 指令 {self.ref} 已由{self.center}网格中心审核通过，转{self.next_center}网格中心审核。"


@dataclass(frozen=True, slots=True)
class DirectiveDispatched(Notice):
    ref: str
    grids: int

    def text(self) -> str:
        return f"✅ 指令 {self.ref} 审核通过，已下发 {self.grids} 个网格。"


@dataclass(frozen=True, slots=True)
class DirectiveApprovedIssuer(Notice):
    ref: str
    center: str
    grids: int

    def text(self) -> str:
        return f"✅ 指令 {self.ref} 已由{self.center}网格中心审核通过，下发 {self.grids} 个网格。"


@dataclass(frozen=True, slots=True)
class DirectiveReturnNeedsReason(Notice):
    ref: str

    def text(self) -> str:
        return f"请写明退回理由：退回 {self.ref} 理由"


@dataclass(frozen=True, slots=True)
class DirectiveReturned(Notice):
    ref: str
    center: str
    reason: str

    def text(self) -> str:
        return f"↩️ 指令 {self.ref} 被{self.center}网格中心退回：{self.reason}"


@dataclass(frozen=True, slots=True)
class DirectiveTaskPosted(Notice):
    brief: DirectiveBrief
    grid: str

    def buttons(self) -> tuple[Button, ...]:
        return (Button("收到", f"收到 {self.brief.ref}"),)

    def text(self) -> str:
        d = self.brief
        return (
            f"📣【部门指令】{d.ref}（{d.department}）{line('事项', d.title)}{line('类型', d.kind)}"
            f"{line('要求', d.requirements)}{line('截止', when(d.deadline))}\n"
            f"请回复：收到 {d.ref}；完成后发：完成 {d.ref} 完成情况（可附照片）"
        )


@dataclass(frozen=True, slots=True)
class DirectiveNotForGrid(Notice):
    ref: str

    def text(self) -> str:
        return f"指令 {self.ref} 没有下发到本网格。"


@dataclass(frozen=True, slots=True)
class TaskAcknowledged(Notice):
    ref: str
    deadline: datetime | None

    def text(self) -> str:
        return f"✅ 已收到指令 {self.ref}，请于 {when(self.deadline)} 前完成：完成 {self.ref} 完成情况"


@dataclass(frozen=True, slots=True)
class TaskAlready(Notice):
    ref: str
    status: str

    def text(self) -> str:
        return f"本网格的指令 {self.ref} {self.status}。"


@dataclass(frozen=True, slots=True)
class TaskNeedsResult(Notice):
    ref: str

    def text(self) -> str:
        return f"请写上完成情况，例如：完成 {self.ref} 已入户宣传45户"


@dataclass(frozen=True, slots=True)
class TaskDone(Notice):
    ref: str
    done: int
    total: int

    def text(self) -> str:
        return f"✅ 指令 {self.ref} 本网格已完成（已完成网格 {self.done}/{self.total}）。有照片请接着发送。"


@dataclass(frozen=True, slots=True)
class DirectiveProgress(Notice):
    ref: str
    grid: str
    content: str
    done: int
    total: int

    def text(self) -> str:
        return f"📊 指令 {self.ref}：{self.grid} 已完成（{self.done}/{self.total}）：{self.content}"


@dataclass(frozen=True, slots=True)
class DirectiveTaskProgress(Notice):
    ref: str
    grid: str
    content: str

    def text(self) -> str:
        return f"📝 指令 {self.ref}：{self.grid} 反馈进展：{self.content}"


@dataclass(frozen=True, slots=True)
class DirectiveCompleted(Notice):
    ref: str
    title: str
    lines: Sequence[str]

    def text(self) -> str:
        return f"🏁 指令 {self.ref}“{self.title}”全部完成：\n" + "\n".join(f"· {line}" for line in self.lines)


@dataclass(frozen=True, slots=True)
class TaskExtensionRequested(Notice):
    ref: str
    grid: str
    hours: float
    reason: str

    def text(self) -> str:
        return (
            f"⏳ {self.grid} 申请指令 {self.ref} 延期 {hours_text(self.hours)}：{self.reason}"
            f"\n同意请发：通过 {self.ref}"
        )


@dataclass(frozen=True, slots=True)
class TaskExtensionApproved(Notice):
    ref: str
    grid: str
    deadline: datetime | None

    def text(self) -> str:
        return f"✅ 指令 {self.ref}（{self.grid}）延期已批准，新的截止时间：{when(self.deadline)}"


@dataclass(frozen=True, slots=True)
class TaskExtensionsApproved(Notice):
    ref: str
    count: int

    def text(self) -> str:
        return f"✅ 已批准指令 {self.ref} 的 {self.count} 个延期申请。"


@dataclass(frozen=True, slots=True)
class DirectiveReport(Notice):
    brief: DirectiveBrief
    status: str
    reviewers: Sequence[str]
    return_reason: str
    lines: Sequence[str]

    def text(self) -> str:
        d = self.brief
        progress = "\n".join(f"· {entry}" for entry in self.lines)
        return (
            f"🔎 指令 {d.ref} {self.status}（{d.department}）{d.block()}"
            f"{line('审核', '、'.join(self.reviewers))}{line('退回理由', self.return_reason)}"
            + (f"\n各网格进度：\n{progress}" if progress else "")
        )


@dataclass(frozen=True, slots=True)
class TaskExtensionDeclined(Notice):
    ref: str
    grid: str
    reason: str

    def text(self) -> str:
        because = f"：{self.reason}" if self.reason else ""
        return f"❌ 指令 {self.ref}（{self.grid}）的延期申请未获同意{because}。请按原截止时间完成。"


@dataclass(frozen=True, slots=True)
class TaskExtensionsDeclined(Notice):
    ref: str
    count: int

    def text(self) -> str:
        return f"已不同意指令 {self.ref} 的 {self.count} 个延期申请，各网格已收到通知。"
