"""Reports, warnings, photos and locations from the grid."""

from __future__ import annotations

from dataclasses import dataclass

from gridbot.notices.base import Button, Notice
from gridbot.notices.wording import line


@dataclass(frozen=True, slots=True)
class ReportSelfResolved(Notice):
    ref: str
    sector: str

    def text(self) -> str:
        return f"✅ {self.ref} 已办结（自办结），类别：{self.sector}。小事不出网格，辛苦了！"


@dataclass(frozen=True, slots=True)
class ReportOpen(Notice):
    ref: str
    sector: str

    def text(self) -> str:
        return (
            f"📝 已登记 {self.ref}（处置中），类别：{self.sector}。\n"
            f"处置完请发：办结 {self.ref} 处置结果；需要中心协调请发：上报中心 {self.ref} 原因"
        )


@dataclass(frozen=True, slots=True)
class ReportToCenter(Notice):
    ref: str
    sector: str
    center: str

    def text(self) -> str:
        return f"📝 已登记 {self.ref}，类别：{self.sector}。已上报{self.center}网格中心，等待派单。"


@dataclass(frozen=True, slots=True)
class ReportNeedsAfter(Notice):
    ref: str

    def text(self) -> str:
        return f"📝 已登记 {self.ref}（处置中），还缺“处置后”情况。处置完请发：办结 {self.ref} 处置后：……"


@dataclass(frozen=True, slots=True)
class ReportNeedsBefore(Notice):
    ref: str

    def text(self) -> str:
        return f"📝 已登记 {self.ref}（处置中），还缺“处置前”情况。请发：更正 {self.ref} 处置前：……"


@dataclass(frozen=True, slots=True)
class WarningNotWorker(Notice):
    def text(self) -> str:
        return "无权限：预警直报只能由本网格的专职网格员发送，请把情况告诉专职网格员；一般事件可以发：#上报 地点+情况"


@dataclass(frozen=True, slots=True)
class WarningReceived(Notice):
    ref: str
    late: bool

    def text(self) -> str:
        note = "（距事件发生已超过时限，记为迟报）" if self.late else ""
        return f"⚠️ 预警 {self.ref} 已同时直报镇、新区网格中心（待核实）{note}。"


@dataclass(frozen=True, slots=True)
class WarningPosted(Notice):
    ref: str
    grid: str
    sector: str
    location: str
    description: str
    reporter: str
    late: bool

    def buttons(self) -> tuple[Button, ...]:
        return (Button("属实", f"核实 {self.ref} 属实"), Button("不属实", f"核实 {self.ref} 不属实"))

    def text(self) -> str:
        return (
            f"⚠️【预警直报】{self.ref}（{self.grid}，{self.reporter}）{'【迟报】' if self.late else ''}"
            f"{line('类别', self.sector)}{line('地点', self.location)}{line('情况', self.description)}\n"
            f"请核实：核实 {self.ref} 属实 / 核实 {self.ref} 不属实"
        )


@dataclass(frozen=True, slots=True)
class AttachReady(Notice):
    ref: str

    def text(self) -> str:
        return f"请接着发送 {self.ref} 的照片。"


@dataclass(frozen=True, slots=True)
class PhotoAttached(Notice):
    """`count`: the event's photos now; `unsaved`: images just sent that could not be kept (an expired link, a
    failed download, not a JPEG/PNG/GIF/WebP image, too large)."""

    ref: str
    count: int
    unsaved: int = 0

    def text(self) -> str:
        if not self.unsaved:
            return f"📷 {self.ref} 已收到照片（共 {self.count} 张）。"
        again = f"有 {self.unsaved} 张图片没能保存（链接过期、下载失败或不是图片），请重新发送"
        if not self.count:
            return f"📷 {self.ref} {again}。"
        return f"📷 {self.ref} 已收到照片（共 {self.count} 张）；{again}。"


def photo_note(count: int, unsaved: int) -> str:
    """The history note of a photo entry."""
    return f"照片 {count} 张" + (f"，{unsaved} 张没能保存" if unsaved else "")


@dataclass(frozen=True, slots=True)
class LocationSet(Notice):
    ref: str
    label: str

    def text(self) -> str:
        return f"📍 {self.ref} 已记录位置{('：' + self.label) if self.label else ''}。"


@dataclass(frozen=True, slots=True)
class ReportNeedsContent(Notice):
    """A report or warning trigger with nothing after it: nothing is created."""

    warning: bool = False
    asks_center: bool = False

    def text(self) -> str:
        if self.warning:
            return "请把预警情况写在同一条消息里，例如：#预警 西村5组两户因宅基地纠纷情绪激动"
        center = "已登记的事件请发：上报中心 E12 原因；" if self.asks_center else ""
        return f"{center}新事件请把地点和情况写在同一条消息里，例如：#上报 东村3组路边垃圾堆积"
