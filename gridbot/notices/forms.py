"""The exact forms people type, shown wherever the bot teaches what to do next (refusals, 待办, reminders).

Keyed by the permission table's action names and by statuses, so governance can ask for them without wording.
"""

from __future__ import annotations

# What to type for each action, `{ref}` standing for the event's or directive's reference.
ACTION_FORMS: dict[str, str] = {
    "event.report": "#上报 地点+情况",
    "event.warn": "#预警 地点+情况",
    "event.choose_category": "回复数字选择类别",
    "event.attach": "附图 {ref}",
    "event.escalate": "上报中心 {ref} 原因",
    "event.coordinate": "协调 {ref} 协调情况",
    "event.close_in_grid": "办结 {ref} 处置结果",
    "event.dispatch": "派单 {ref} 科室名称",
    "event.accept": "签收 {ref}",
    "event.return": "退回 {ref} 理由",
    "event.progress": "进展 {ref} 情况",
    "event.resolve": "办结 {ref} 处置结果",
    "event.extend": "延期 {ref} 2天 原因",
    "event.approve_extension": "同意延期 {ref} / 不同意延期 {ref} 理由",
    "event.verify": "核查 {ref} 通过 / 核查 {ref} 不通过 理由",
    "event.verify_warning": "核实 {ref} 属实 / 核实 {ref} 不属实",
    "event.escalate_district": "上报新区 {ref} 办理权限超出本镇",
    "event.correct": "更正 {ref} 地点：…",
    "event.withdraw": "撤回 {ref}",
    "event.check": "抽查 {ref} 合格 / 抽查 {ref} 不合格 理由",
    "event.rate": "评价 {ref} 满意",
    "event.view": "查询 {ref}",
    "directive.issue": "【部门指令】模板",
    "directive.review": "通过 {ref} / 退回 {ref} 理由",
    "directive.approve_extension": "通过 {ref}",
    "directive.view": "查询 {ref}",
    "task.acknowledge": "收到 {ref}",
    "task.progress": "进展 {ref} 情况",
    "task.complete": "完成 {ref} 完成情况",
    "task.extend": "延期 {ref} 2天 原因",
    "todo.view": "待办",
    "help.view": "帮助",
    "stats.view": "日报",
    "records.import": "gridbot import records 文件.yaml",
    "due.run": "（由系统定时执行）",
}

# What an event waits for in each status: who moves it (a word put before the holder's name) and what they type.
EVENT_STAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "open": ("在网格内处置，网格员可发", ("办结 {ref} 处置结果", "上报中心 {ref} 原因")),
    "pending": ("等待中心派单，坐席可发", ("派单 {ref} 科室名称",)),
    "dispatched": ("等待部门签收，部门可发", ("签收 {ref}", "退回 {ref} 理由")),
    "accepted": ("部门办理中，部门可发", ("进展 {ref} 情况", "办结 {ref} 处置结果")),
    "resolved": ("等待中心核查，坐席可发", ("核查 {ref} 通过", "核查 {ref} 不通过 理由")),
    "closed": ("已办结，可发", ("查询 {ref}",)),
    "withdrawn": ("已撤回，可发", ("查询 {ref}",)),
    "deleted": ("抽查不合格已删除，可发", ("查询 {ref}",)),
}

DIRECTIVE_STAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "pending_review": ("等待中心审核，坐席可发", ("通过 {ref}", "退回 {ref} 理由")),
    "returned": ("已退回，部门可修改后重新发送", ("【部门指令】模板",)),
    "dispatched": ("已下发，各网格可发", ("收到 {ref}", "完成 {ref} 完成情况")),
    "completed": ("已全部完成，可发", ("查询 {ref}",)),
}


def form(action: str, ref: str = "") -> str:
    return ACTION_FORMS.get(action, "帮助").format(ref=ref)


def stage(stages: dict[str, tuple[str, tuple[str, ...]]], status: str, ref: str) -> str:
    """ "在网格内处置，网格员可发：办结 E5 处置结果 / 上报中心 E5 原因"."""
    who, forms = stages.get(status, ("可发", ("查询 {ref}",)))
    return f"{who}：{' / '.join(f.format(ref=ref) for f in forms)}"


# An example with a reference, for each command that needs one (keyed by the intent's kind).
REF_EXAMPLES: dict[str, str] = {
    "escalate": "上报中心 E12 原因",
    "dispatch": "派单 E12 科室名称",
    "escalate_district": "上报新区 E12 办理权限超出本镇",
    "accept": "签收 E12 或 收到 D3",
    "return": "退回 E12 理由",
    "coordinate": "协调 E12 协调情况",
    "progress": "进展 E12 情况",
    "resolve": "办结 E12 处置结果 或 完成 D3 完成情况",
    "verify": "核查 E12 通过",
    "approve": "同意延期 E12 或 通过 D3",
    "decline": "不同意延期 E12 理由",
    "extend": "延期 E12 2天 原因",
    "correct": "更正 E12 地点：东村4组",
    "withdraw": "撤回 E12",
    "attach": "附图 E12",
    "check": "抽查 E12 合格",
    "rate": "评价 E12 满意",
    "query": "查询 E12",
}


# What each action of the permission table is called (docs/permissions.md, refusals).
ACTION_LABELS: dict[str, str] = {
    "event.report": "上报事件",
    "event.warn": "预警直报",
    "event.choose_category": "回复数字选择类别",
    "event.attach": "附图、发照片和位置",
    "event.escalate": "上报中心",
    "event.coordinate": "协调（一级事件）",
    "event.close_in_grid": "办结（一级事件）",
    "event.dispatch": "派单",
    "event.accept": "签收",
    "event.return": "退回事件",
    "event.progress": "反馈进展",
    "event.resolve": "办结（部门）",
    "event.extend": "申请延期",
    "event.approve_extension": "同意或不同意延期",
    "event.verify": "核查",
    "event.verify_warning": "核实预警",
    "event.escalate_district": "上报新区",
    "event.correct": "更正",
    "event.withdraw": "撤回",
    "event.check": "抽查",
    "event.rate": "评价",
    "event.view": "查询事件",
    "directive.issue": "下发部门指令",
    "directive.review": "审核指令（通过/退回）",
    "directive.approve_extension": "同意或不同意指令任务延期",
    "directive.view": "查询指令",
    "task.acknowledge": "收到指令",
    "task.progress": "反馈指令进展",
    "task.complete": "完成指令",
    "task.extend": "申请指令延期",
    "todo.view": "待办",
    "help.view": "帮助",
    "stats.view": "查看统计（日报、本周、本月）",
    "records.import": "导入外部记录",
    "due.run": "提醒、超时标记、日报、排名、计分",
}


# Where a grant holds, keyed by the permission table's relation names.
PLACE_LABELS: dict[str, str] = {
    "in_grid_group": "本网格群",
    "in_grid_group_own_report": "本网格群（本人上报的）",
    "in_department_group": "本部门群",
    "in_worked_grid_group": "所在网格群",
    "in_holding_center_group": "经办中心群",
    "in_town_center_group": "本镇中心群",
    "in_district_center_group": "新区中心群",
    "in_leaders_group": "本级领导群",
    "anywhere": "任何地方",
}

GRID_FORCE_ROLES = ("grid_worker", "part_time", "frontline", "grid_chief", "grid_instructor")


def who_may(grants: list[tuple[str, str]], role_labels: dict[str, str]) -> str:
    """ "经办中心群的网格中心坐席；…": who may, by place, the grid forces together as 网格力量."""
    by_place: dict[str, list[str]] = {}
    for role, place in grants:
        roles = by_place.setdefault(PLACE_LABELS[place], [])
        if role not in roles:
            roles.append(role)
    parts = []
    for place, roles in by_place.items():
        named = (
            "网格员、网格长等网格力量"
            if set(GRID_FORCE_ROLES) <= set(roles)
            else "、".join(role_labels[r] for r in roles)
        )
        parts.append(f"{place}的{named}")
    return "；".join(parts) or "系统"
