"""`docs/permissions.md`, written from the permission table and the state machines themselves.

Run `python -m gridbot.governance.rules_doc` after changing either; a test fails while the page and the code differ.
"""

from __future__ import annotations

import sys
from pathlib import Path

from gridbot.governance.actors import SYSTEM
from gridbot.governance.machines import DIRECTIVE, EVENT, TASK, Machine
from gridbot.governance.permissions import PERMISSIONS
from gridbot.notices.forms import ACTION_LABELS, PLACE_LABELS
from gridbot.notices.queries import ACTION_LABELS as HISTORY_LABELS
from gridbot.storage.models.directives import DIRECTIVE_STATUS_LABELS, TASK_STATUS_LABELS
from gridbot.storage.models.events import STATUS_LABELS
from gridbot.storage.models.org import ROLE_LABELS, Role

PAGE = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
DIRECTIVE_ACTIONS = {
    "create": "下发",
    "auto_return": "自动检查退回",
    "approve": "一级中心审核通过",
    "dispatch": "审核通过并下发",
    "return": "审核退回",
    "complete_all": "全部网格完成",
}
TASK_ACTIONS = {
    "task_created": "生成任务",
    "acknowledge": "收到",
    "complete": "完成",
    "progress": "进展",
    "extension_requested": "申请延期",
    "extension_approved": "批准延期",
    "overdue": "逾期",
}
WHO = [*((role.value, ROLE_LABELS[role]) for role in Role), (SYSTEM, "系统")]

INTRO = """# 权限和状态（由代码生成，请勿手改）

本页由 `python -m gridbot.governance.rules_doc` 从 `gridbot/governance/permissions.py`（权限表）和
`gridbot/governance/machines.py`（状态机）生成；两者一改，测试就要求重新生成本页。

## 谁可以在哪里做什么

每一格写的是：这个角色在什么地方可以做这件事。空着（—）就是不可以：表里没有写到的，一律拒绝（回复“无权限”）。

- **本网格群**：该事件（或任务）所在网格的工作群；专职网格员、兼职网格员、部门一线人员按所属网格，
  网格长、网格指导员按所属村。
- **本网格群（本人上报的）**：同上，而且是本人上报的事件。
- **本部门群**：承办（或最后承办、或下发指令的）部门的工作群，本部门人员。
- **所在网格群**：部门一线人员在自己负责的网格群里，代表本部门。
- **经办中心群**：事件现在所在的网格中心（二级在镇中心，三级在新区中心；预警同时在两级中心），
  或指令正在等待审核的中心，坐席在该中心群里。
- **本镇中心群 / 新区中心群**：事件所在镇（新区）的网格中心群，该中心的坐席。
- **本级领导群**：本镇（新区）的领导群，本镇（新区）的领导。
- **任何地方**：不限群。
- 与机器人一对一私聊（自建应用）没有群：只看角色和它的范围。
"""


def _cell(action: object, role: str) -> str:
    labels = [PLACE_LABELS[grant.place] for grant in PERMISSIONS[action] if grant.role == role]  # type: ignore[index]
    return "、".join(dict.fromkeys(labels)) or "—"


def permission_table() -> str:
    header = "| 动作 | 键 | " + " | ".join(label for _, label in WHO) + " |"
    rule = "|" + "---|" * (len(WHO) + 2)
    rows = [
        f"| {ACTION_LABELS[action.value]} | `{action.value}` | "
        + " | ".join(_cell(action, role) for role, _ in WHO)
        + " |"
        for action in PERMISSIONS
    ]
    return "\n".join([header, rule, *rows])


def machine_table(machine: Machine, labels: dict[str, str], actions: dict[str, str]) -> str:
    def status(value: str | None) -> str:
        return "（新建）" if value is None else labels.get(value, value)

    lines = ["| 动作 | 从 | 到 | 条件 |", "|---|---|---|---|"]
    for transition in machine.transitions.values():
        order = [None, *labels]  # statuses in the order the flow meets them
        sources = "、".join(status(s) for s in sorted(transition.sources, key=order.index))
        target = "（不变）" if transition.target is None else status(transition.target)
        name = actions.get(transition.action, "")
        label = f"{name} `{transition.action}`" if name else f"`{transition.action}`"
        lines.append(f"| {label} | {sources} | {target} | {transition.guard_text or '—'} |")
    return "\n".join(lines)


def page() -> str:
    return "\n".join(
        [
            INTRO,
            permission_table(),
            "",
            "## 事件的状态",
            "",
            "没有写在表里的状态变化一律拒绝（回复“当前状态为……，不能……”）；每次变化都写一条事件记录。",
            "",
            machine_table(EVENT, {str(k): v for k, v in STATUS_LABELS.items()}, HISTORY_LABELS),
            "",
            "## 部门指令的状态",
            "",
            machine_table(DIRECTIVE, {str(k): v for k, v in DIRECTIVE_STATUS_LABELS.items()}, DIRECTIVE_ACTIONS),
            "",
            "## 指令任务（每个网格一条）的状态",
            "",
            machine_table(TASK, {str(k): v for k, v in TASK_STATUS_LABELS.items()}, TASK_ACTIONS),
            "",
        ]
    )


def main() -> int:
    PAGE.write_text(page(), encoding="utf-8")
    print(f"wrote {PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
