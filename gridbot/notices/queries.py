"""Answers that change nothing: 查询, 待办, 帮助."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from gridbot.notices.base import Notice
from gridbot.notices.wording import age, line, when

ACTION_LABELS = {
    "report": "上报",
    "warning": "预警直报",
    "direct_report": "进入镇、新区中心队列",
    "self_resolve": "自办结",
    "escalate": "上报中心",
    "dispatch": "派单",
    "accept": "签收",
    "coordination": "进入协调",
    "return": "退回",
    "progress": "进展",
    "resolve": "报办结",
    "verify_pass": "核查通过",
    "verify_fail": "核查不通过",
    "warning_true": "核实属实",
    "warning_false": "核实不属实",
    "escalate_district": "上报新区",
    "extension_requested": "申请延期",
    "extension_approved": "批准延期",
    "correct": "更正",
    "withdraw": "撤回",
    "check_pass": "抽查合格",
    "check_fail": "抽查不合格",
    "rate": "评价",
    "photo": "照片",
    "location": "位置",
    "choose_category": "选择类别",
    "directive_task": "指令任务",
    "task_acknowledged": "收到",
    "task_done": "完成",
    "flag": "标记",
    "reminder": "提醒",
    "import": "外部记录摸排",
}


HELP_TEXT = {
    "grid": (
        "📖 网格助手用法（复制后修改即可）：\n"
        "【事件上报】\n类别：环境保护\n地点：东村3组\n描述：路边垃圾堆积\n（已处理的加上：处置前：… 处置后：…）\n"
        "一句话上报：#上报 东村3组路边垃圾堆积\n"
        "预警直报：#预警 西村5组两户纠纷，情绪激动\n"
        "办结：办结 E12 已清运　上报中心：上报中心 E12 原因\n"
        "协调：协调 E12 已组织调解　补照片：附图 E12\n"
        "更正：更正 E12 地点：东村4组　撤回：撤回 E12\n"
        "查询：查询 E12　待办：待办　指令：收到 D3 / 完成 D3 情况"
    ),
    "grid_helper": (
        "📖 网格助手用法（复制后修改即可）：\n"
        "【事件上报】\n类别：环境保护\n地点：东村3组\n描述：路边垃圾堆积\n"
        "一句话上报：#上报 东村3组路边垃圾堆积（会通知本网格专职网格员）\n"
        "需要中心协调：上报中心 E12 原因　补照片：附图 E12\n"
        "更正自己报的：更正 E12 地点：东村4组　撤回：撤回 E12\n"
        "查询：查询 E12　待办：待办\n"
        "预警直报、办结、完成指令由本网格专职网格员发送。"
    ),
    "leader": (
        "📖 领导用法：\n今日情况：日报（或 统计）　本周：本周　本月：本月\n"
        "查询事件或指令：查询 E12 / 查询 D3　待办：待办\n"
        "每天早上自动发送日报，每周一发周报，每月1日发月报和专职网格员排名。"
    ),
    "department": (
        "📖 部门用法：\n签收 E12　退回 E12 理由　进展 E12 内容　办结 E12 处置结果　延期 E12 2天 原因\n"
        "评价 E12 满意/基本满意/不满意　查询 E12　待办\n"
        "下发指令：\n【部门指令】\n事项：…\n类别：消防\n类型：隐患排查\n网格：全镇\n要求：…\n截止：11月30日18时"
    ),
    "center": (
        "📖 网格中心用法：\n派单 E12 科室名称　核查 E12 通过/不通过 理由　核实 E12 属实/不属实\n"
        "上报新区 E12 预警情报/信访矛盾超出本镇/办理权限超出本镇\n"
        "抽查 E12 合格/不合格 理由　同意延期 E12 / 不同意延期 E12 理由　通过 D3 / 退回 D3 理由\n"
        "查询 E12　待办　统计：日报 / 本周 / 本月"
    ),
}


@dataclass(frozen=True, slots=True)
class HistoryLine:
    at: datetime
    who: str
    action: str  # the history entry's action key (labels above)
    note: str


@dataclass(frozen=True, slots=True)
class TodoItem:
    """One thing waiting for the asker: its reference, stage, how long it has waited, and what moves it."""

    ref: str
    status: str
    description: str
    since: datetime | None
    next: str


@dataclass(frozen=True, slots=True)
class EventReport(Notice):
    ref: str
    status: str
    level: int
    sector: str
    grid: str
    holder: str
    location: str
    description: str
    photos: int
    returns: int
    flags: Sequence[str]
    resolve_due: datetime | None
    accept_due: datetime | None
    history: Sequence[HistoryLine]

    def text(self) -> str:
        levels = {1: "一级", 2: "二级", 3: "三级"}
        lines = "\n".join(
            f"· {when(h.at)} {h.who} {ACTION_LABELS.get(h.action, h.action)}"
            + (f"：{h.note}" if h.note and h.action not in ("report", "warning") else "")
            for h in self.history
        )
        return (
            f"🔎 {self.ref} {self.status}（{levels.get(self.level, '')}，{self.holder}）"
            f"{line('网格', self.grid)}{line('类别', self.sector)}"
            f"{line('地点', self.location)}{line('情况', self.description)}"
            f"{line('照片', f'{self.photos} 张' if self.photos else '')}"
            f"{line('退回', f'{self.returns} 次' if self.returns else '')}"
            f"{line('标记', '、'.join(self.flags))}{line('签收时限', when(self.accept_due) if self.accept_due else '')}"
            f"{line('办结时限', when(self.resolve_due) if self.resolve_due else '')}\n记录：\n{lines}"
        )


@dataclass(frozen=True, slots=True)
class Todo(Notice):
    items: Sequence[TodoItem]
    now: datetime

    def text(self) -> str:
        if not self.items:
            return "您目前没有待办事项。"
        lines = [
            f"· {i.ref} {i.status}" + (f"（{age(i.since, self.now)}）" if i.since else "") + f" {i.description[:16]}"
            f"\n  → {i.next}"
            for i in self.items
        ]
        return f"📋 您的待办（{len(self.items)} 项）：\n" + "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Help(Notice):
    audience: str

    def text(self) -> str:
        return HELP_TEXT[self.audience]
