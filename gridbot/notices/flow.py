"""The three-level flow: center queue, dispatch, accept, return, resolve, verify, level 3, extensions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from gridbot.notices.base import Button, Notice
from gridbot.notices.wording import hours_text, line, when


@dataclass(frozen=True, slots=True)
class PendingCenter(Notice):
    ref: str
    grid: str
    sector: str
    location: str
    description: str
    reason: str

    def text(self) -> str:
        return (
            f"📥【待派单】{self.ref}（{self.grid}）{line('类别', self.sector)}"
            f"{line('地点', self.location)}{line('情况', self.description)}"
            f"{line('上报说明', self.reason if self.reason != self.description else '')}\n"
            f"请派单：派单 {self.ref} 科室名称"
        )


@dataclass(frozen=True, slots=True)
class Escalated(Notice):
    ref: str
    center: str

    def text(self) -> str:
        return f"⬆️ {self.ref} 已上报{self.center}网格中心（待派单）。"


@dataclass(frozen=True, slots=True)
class DepartmentUnknown(Notice):
    name: str
    choices: Sequence[str]

    def text(self) -> str:
        return f"找不到部门“{self.name}”。可选：{'、'.join(self.choices) or '（无）'}"


@dataclass(frozen=True, slots=True)
class DepartmentNeeded(Notice):
    ref: str
    choices: Sequence[str]

    def text(self) -> str:
        return (
            f"{self.ref} 的类别没有对应的承办部门，请写明部门：派单 {self.ref} 部门名称。"
            f"可选：{'、'.join(self.choices) or '（无）'}"
        )


@dataclass(frozen=True, slots=True)
class DispatchedToDepartment(Notice):
    ref: str
    grid: str
    sector: str
    location: str
    description: str
    department: str
    accept_due: datetime | None
    note: str

    def buttons(self) -> tuple[Button, ...]:
        return (Button("签收", f"签收 {self.ref}"), Button("退回", f"退回 {self.ref}"))

    def text(self) -> str:
        return (
            f"📌【派单】{self.ref} 派给{self.department}（来自{self.grid}）"
            f"{line('类别', self.sector)}{line('地点', self.location)}"
            f"{line('情况', self.description)}{line('中心要求', self.note)}\n"
            f"请于 {when(self.accept_due)} 前签收：签收 {self.ref}；不属于本部门请发：退回 {self.ref} 理由"
        )


@dataclass(frozen=True, slots=True)
class Dispatched(Notice):
    ref: str
    department: str
    accept_due: datetime | None

    def text(self) -> str:
        return f"✅ {self.ref} 已派单至{self.department}，签收时限 {when(self.accept_due)}。"


@dataclass(frozen=True, slots=True)
class Accepted(Notice):
    ref: str
    resolve_due: datetime | None

    def text(self) -> str:
        return f"✅ {self.ref} 已签收，请于 {when(self.resolve_due)} 前办结：办结 {self.ref} 处置结果"


@dataclass(frozen=True, slots=True)
class AcceptedCoordination(Notice):
    ref: str

    def text(self) -> str:
        return f"✅ {self.ref} 已签收，按办结标准进入协调即办结（已办结）。"


@dataclass(frozen=True, slots=True)
class ClosedCoordination(Notice):
    ref: str
    department: str

    def text(self) -> str:
        who = f"由{self.department}" if self.department else ""
        return f"✅ {self.ref} 已{who}进入协调，按办结标准已办结。"


@dataclass(frozen=True, slots=True)
class CoordinationNotClosing(Notice):
    ref: str

    def text(self) -> str:
        return f"已记录 {self.ref} 的协调情况。该事项需处置完成才能办结：办结 {self.ref} 处置结果"


@dataclass(frozen=True, slots=True)
class ProgressRecorded(Notice):
    ref: str

    def text(self) -> str:
        return f"已记录 {self.ref} 的进展。"


@dataclass(frozen=True, slots=True)
class ProgressPosted(Notice):
    ref: str
    who: str
    content: str

    def text(self) -> str:
        return f"🔄 {self.ref} 进展（{self.who}）：{self.content}"


@dataclass(frozen=True, slots=True)
class ProgressNeedsText(Notice):
    ref: str

    def text(self) -> str:
        return f"请写上进展内容，例如：进展 {self.ref} 已联系施工方"


@dataclass(frozen=True, slots=True)
class ReturnNeedsReason(Notice):
    ref: str

    def text(self) -> str:
        return f"请写明退回理由：退回 {self.ref} 理由"


@dataclass(frozen=True, slots=True)
class ReturnedToCenter(Notice):
    ref: str
    department: str
    reason: str
    returns: int

    def text(self) -> str:
        return (
            f"↩️ {self.ref} 被{self.department}退回（第 {self.returns} 次）：{self.reason}\n"
            f"请重新派单：派单 {self.ref} 科室名称"
        )


@dataclass(frozen=True, slots=True)
class Returned(Notice):
    ref: str

    def text(self) -> str:
        return f"↩️ {self.ref} 已退回网格中心（待派单）。"


@dataclass(frozen=True, slots=True)
class ResolveNeedsText(Notice):
    ref: str

    def text(self) -> str:
        return f"请写上处置结果（处置后情况），例如：办结 {self.ref} 已清运干净"


@dataclass(frozen=True, slots=True)
class Resolved(Notice):
    ref: str

    def text(self) -> str:
        return f"✅ {self.ref} 已报办结（待核查），等待网格中心核查。"


@dataclass(frozen=True, slots=True)
class ResolvedForCheck(Notice):
    ref: str
    department: str
    content: str

    def buttons(self) -> tuple[Button, ...]:
        return (Button("核查通过", f"核查 {self.ref} 通过"), Button("不通过", f"核查 {self.ref} 不通过"))

    def text(self) -> str:
        return (
            f"🔍【待核查】{self.ref}（{self.department}）办理结果：{self.content}\n"
            f"请核查：核查 {self.ref} 通过 / 核查 {self.ref} 不通过 理由"
        )


@dataclass(frozen=True, slots=True)
class ClosedSelf(Notice):
    ref: str

    def text(self) -> str:
        return f"✅ {self.ref} 已办结（自办结）。"


@dataclass(frozen=True, slots=True)
class VerifyNeedsVerdict(Notice):
    ref: str

    def text(self) -> str:
        return f"请写明核查结果：核查 {self.ref} 通过 / 核查 {self.ref} 不通过 理由"


@dataclass(frozen=True, slots=True)
class VerifiedClosed(Notice):
    ref: str

    def text(self) -> str:
        return f"✅ {self.ref} 核查通过，已办结。"


@dataclass(frozen=True, slots=True)
class ClosedPosted(Notice):
    ref: str
    content: str

    def text(self) -> str:
        return f"✅ {self.ref} 已办结。{('办理结果：' + self.content) if self.content else ''}"


@dataclass(frozen=True, slots=True)
class VerifyFailed(Notice):
    ref: str
    reason: str

    def text(self) -> str:
        return f"❌ {self.ref} 核查未通过：{self.reason}。已退回继续办理（已签收），办好后再报办结。"


@dataclass(frozen=True, slots=True)
class NotAWarning(Notice):
    ref: str

    def text(self) -> str:
        return f"{self.ref} 不是预警事件，请用：核查 {self.ref} 通过/不通过"


@dataclass(frozen=True, slots=True)
class WarningAlreadyVerified(Notice):
    ref: str
    verdict: str

    def text(self) -> str:
        return f"{self.ref} 已核实为{self.verdict}。"


@dataclass(frozen=True, slots=True)
class WarningVerified(Notice):
    ref: str
    verdict: str

    def text(self) -> str:
        return f"{self.ref} 预警已核实：{self.verdict}。"


@dataclass(frozen=True, slots=True)
class DistrictNeedsReason(Notice):
    ref: str
    reasons: Sequence[str]

    def text(self) -> str:
        return f"上报新区须写明理由（{' / '.join(self.reasons)}），例如：上报新区 {self.ref} {self.reasons[-1]}"


@dataclass(frozen=True, slots=True)
class PendingDistrict(Notice):
    ref: str
    grid: str
    sector: str
    location: str
    description: str
    reason: str
    town: str
    explanation: str = ""  # what the seat typed beyond the reason's category

    def text(self) -> str:
        return (
            f"📥【新区待派单】{self.ref}（{self.town} {self.grid}）理由：{self.reason}"
            f"{line('说明', self.explanation)}{line('类别', self.sector)}{line('地点', self.location)}"
            f"{line('情况', self.description)}\n请派单：派单 {self.ref} 部门名称"
        )


@dataclass(frozen=True, slots=True)
class EscalatedDistrict(Notice):
    ref: str
    district: str
    reason: str
    explanation: str = ""

    def text(self) -> str:
        said = f"：{self.explanation}" if self.explanation else ""
        return f"⬆️ {self.ref} 已上报{self.district}网格中心（待派单，理由：{self.reason}{said}）。"


@dataclass(frozen=True, slots=True)
class ExtendNeedsDuration(Notice):
    ref: str

    def text(self) -> str:
        return f"请写明延期多久，例如：延期 {self.ref} 2天 原因"


@dataclass(frozen=True, slots=True)
class ExtensionRequested(Notice):
    ref: str
    hours: float
    reason: str

    def text(self) -> str:
        return f"⏳ {self.ref} 申请延期 {hours_text(self.hours)}：{self.reason}\n同意请发：通过 {self.ref}"


@dataclass(frozen=True, slots=True)
class ExtensionSubmitted(Notice):
    ref: str
    hours: float

    def text(self) -> str:
        return f"{self.ref} 延期 {hours_text(self.hours)} 的申请已提交网格中心。"


@dataclass(frozen=True, slots=True)
class NoExtension(Notice):
    ref: str

    def text(self) -> str:
        return f"{self.ref} 没有待审批的延期申请。"


@dataclass(frozen=True, slots=True)
class ExtensionApproved(Notice):
    ref: str
    hours: float

    def text(self) -> str:
        return f"✅ {self.ref} 延期 {hours_text(self.hours)} 已批准。"


@dataclass(frozen=True, slots=True)
class SupplementRecorded(Notice):
    ref: str

    def text(self) -> str:
        return f"已记录 {self.ref} 的补充情况（该事件已按协调办结，补充内容记入办理记录）。"


@dataclass(frozen=True, slots=True)
class ExtensionDeclined(Notice):
    ref: str
    reason: str

    def text(self) -> str:
        because = f"：{self.reason}" if self.reason else ""
        return f"❌ {self.ref} 的延期申请未获批准{because}。请按原时限办理。"
