"""Every sentence the bot says, in one place. Short, Chinese, with the reference first.

Governance emits `Notice(template, params)`; `render` turns it into text. Personal data is masked afterwards
by the outbox writer for every message, whatever the template.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from gridbot.clock import local

Template = Callable[..., str]
TEMPLATES: dict[str, Template] = {}


def template(name: str) -> Callable[[Template], Template]:
    def register(function: Template) -> Template:
        TEMPLATES[name] = function
        return function

    return register


def render(name: str, params: Mapping[str, Any]) -> str:
    """The text of a notice; an unknown template name is a programming error."""
    return TEMPLATES[name](**params).strip()


def when(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    moment = local(moment)
    return f"{moment.month}月{moment.day}日{moment.hour:02d}:{moment.minute:02d}"


def _line(label: str, value: object) -> str:
    return f"\n{label}：{value}" if value not in (None, "", [], ()) else ""


def _hours(hours: float) -> str:
    return f"{hours / 24:g}天" if hours >= 24 and hours % 24 == 0 else f"{hours:g}小时"


# ---- refusals and questions ----------------------------------------------------------------------------------


@template("unregistered")
def unregistered() -> str:
    return "您还未登记，暂不能使用网格助手。请联系镇网格中心登记姓名和企业微信账号。"


@template("group_unknown")
def group_unknown() -> str:
    return "本群还未登记到网格组织架构中，请联系镇网格中心。"


@template("no_permission")
def no_permission(action: str) -> str:
    return f"无权限：您不能{action}。"


@template("wrong_place")
def wrong_place(action: str) -> str:
    return f"无权限：请在所属网格的工作群里{action}。"


@template("ref_missing")
def ref_missing() -> str:
    return "请写上事件编号，例如：查询 E12。"


@template("not_found")
def not_found(ref: str) -> str:
    return f"{ref} 不存在，请核对编号。发送“待办”可查看您手上的事件。"


@template("wrong_status")
def wrong_status(ref: str, status: str, action: str) -> str:
    return f"{ref} 当前状态为{status}，不能{action}。"


@template("internal_error")
def internal_error() -> str:
    return "系统繁忙，消息已保存，请稍后再试或联系网格中心。"


@template("ask_category")
def ask_category(ref: str, options: Sequence[str]) -> str:
    choices = "\n".join(f"{index}. {sector}" for index, sector in enumerate(options, start=1))
    numbers = "/".join(str(n) for n in range(1, len(options) + 1))
    return (
        f"{ref} 的类别不太确定，请回复数字选择：\n{choices}\n"
        f"（回复 {numbers} 选择类别；都不对请发：更正 {ref} 类别：大类名称）"
    )


@template("ask_category_free")
def ask_category_free(ref: str) -> str:
    return f"{ref} 没能识别类别，请回复：更正 {ref} 类别：环境保护（写大类或事项名称）"


@template("no_question")
def no_question() -> str:
    return "目前没有需要您选择的问题。"


@template("bad_choice")
def bad_choice(count: int) -> str:
    return f"请回复 1 到 {count} 之间的数字。"


@template("category_chosen")
def category_chosen(ref: str, sector: str) -> str:
    return f"{ref} 类别已定为：{sector}。"


# ---- reports and warnings ------------------------------------------------------------------------------------


@template("report_self_resolved")
def report_self_resolved(ref: str, sector: str) -> str:
    return f"✅ {ref} 已办结（自办结），类别：{sector}。小事不出网格，辛苦了！"


@template("report_open")
def report_open(ref: str, sector: str) -> str:
    return (
        f"📝 已登记 {ref}（处置中），类别：{sector}。\n"
        f"处置完请发：办结 {ref} 处置结果；需要中心协调请发：上报中心 {ref} 原因"
    )


@template("report_to_center")
def report_to_center(ref: str, sector: str, center: str) -> str:
    return f"📝 已登记 {ref}，类别：{sector}。已上报{center}网格中心，等待派单。"


@template("report_needs_after")
def report_needs_after(ref: str) -> str:
    return f"📝 已登记 {ref}（处置中），还缺“处置后”情况。处置完请发：办结 {ref} 处置后：……"


@template("report_needs_before")
def report_needs_before(ref: str) -> str:
    return f"📝 已登记 {ref}（处置中），还缺“处置前”情况。请发：更正 {ref} 处置前：……"


@template("warning_not_worker")
def warning_not_worker() -> str:
    return "无权限：预警直报只能由本网格的专职网格员发送，请把情况告诉专职网格员。"


@template("warning_received")
def warning_received(ref: str, late: bool) -> str:
    note = "（距事件发生已超过时限，记为迟报）" if late else ""
    return f"⚠️ 预警 {ref} 已同时直报镇、新区网格中心（待核实）{note}。"


@template("warning_posted")
def warning_posted(ref: str, grid: str, sector: str, location: str, description: str, reporter: str, late: bool) -> str:
    return (
        f"⚠️【预警直报】{ref}（{grid}，{reporter}）{'【迟报】' if late else ''}"
        f"{_line('类别', sector)}{_line('地点', location)}{_line('情况', description)}\n"
        f"请核实：核实 {ref} 属实 / 核实 {ref} 不属实"
    )


@template("attach_ready")
def attach_ready(ref: str) -> str:
    return f"请接着发送 {ref} 的照片。"


@template("photo_attached")
def photo_attached(ref: str, count: int) -> str:
    return f"📷 {ref} 已收到照片（共 {count} 张）。"


@template("location_set")
def location_set(ref: str, label: str) -> str:
    return f"📍 {ref} 已记录位置{('：' + label) if label else ''}。"


# ---- the three-level flow --------------------------------------------------------------------------------------


@template("pending_center")
def pending_center(ref: str, grid: str, sector: str, location: str, description: str, reason: str) -> str:
    return (
        f"📥【待派单】{ref}（{grid}）{_line('类别', sector)}{_line('地点', location)}{_line('情况', description)}"
        f"{_line('上报说明', reason if reason != description else '')}\n"
        f"请派单：派单 {ref} 科室名称"
    )


@template("escalated")
def escalated(ref: str, center: str) -> str:
    return f"⬆️ {ref} 已上报{center}网格中心（待派单）。"


@template("department_unknown")
def department_unknown(name: str, choices: Sequence[str]) -> str:
    return f"找不到部门“{name}”。可选：{'、'.join(choices) or '（无）'}"


@template("department_needed")
def department_needed(ref: str, choices: Sequence[str]) -> str:
    return f"{ref} 的类别没有对应的承办部门，请写明部门：派单 {ref} 部门名称。可选：{'、'.join(choices) or '（无）'}"


@template("dispatched_to_department")
def dispatched_to_department(
    ref: str,
    grid: str,
    sector: str,
    location: str,
    description: str,
    department: str,
    accept_due: datetime | None,
    note: str,
) -> str:
    return (
        f"📌【派单】{ref} 派给{department}（来自{grid}）{_line('类别', sector)}{_line('地点', location)}"
        f"{_line('情况', description)}{_line('中心要求', note)}\n"
        f"请于 {when(accept_due)} 前签收：签收 {ref}；不属于本部门请发：退回 {ref} 理由"
    )


@template("dispatched")
def dispatched(ref: str, department: str, accept_due: datetime | None) -> str:
    return f"✅ {ref} 已派单至{department}，签收时限 {when(accept_due)}。"


@template("accepted")
def accepted(ref: str, resolve_due: datetime | None) -> str:
    return f"✅ {ref} 已签收，请于 {when(resolve_due)} 前办结：办结 {ref} 处置结果"


@template("accepted_coordination")
def accepted_coordination(ref: str) -> str:
    return f"✅ {ref} 已签收，按办结标准进入协调即办结（已办结）。"


@template("closed_coordination")
def closed_coordination(ref: str, department: str) -> str:
    who = f"由{department}" if department else ""
    return f"✅ {ref} 已{who}进入协调，按办结标准已办结。"


@template("coordination_not_closing")
def coordination_not_closing(ref: str) -> str:
    return f"已记录 {ref} 的协调情况。该事项需处置完成才能办结：办结 {ref} 处置结果"


@template("progress_recorded")
def progress_recorded(ref: str) -> str:
    return f"已记录 {ref} 的进展。"


@template("progress_posted")
def progress_posted(ref: str, who: str, text: str) -> str:
    return f"🔄 {ref} 进展（{who}）：{text}"


@template("progress_needs_text")
def progress_needs_text(ref: str) -> str:
    return f"请写上进展内容，例如：进展 {ref} 已联系施工方"


@template("return_needs_reason")
def return_needs_reason(ref: str) -> str:
    return f"请写明退回理由：退回 {ref} 理由"


@template("returned_to_center")
def returned_to_center(ref: str, department: str, reason: str, returns: int) -> str:
    return f"↩️ {ref} 被{department}退回（第 {returns} 次）：{reason}\n请重新派单：派单 {ref} 科室名称"


@template("returned")
def returned(ref: str) -> str:
    return f"↩️ {ref} 已退回网格中心（待派单）。"


@template("resolve_needs_text")
def resolve_needs_text(ref: str) -> str:
    return f"请写上处置结果（处置后情况），例如：办结 {ref} 已清运干净"


@template("resolved")
def resolved(ref: str) -> str:
    return f"✅ {ref} 已报办结（待核查），等待网格中心核查。"


@template("resolved_for_check")
def resolved_for_check(ref: str, department: str, text: str) -> str:
    return f"🔍【待核查】{ref}（{department}）办理结果：{text}\n请核查：核查 {ref} 通过 / 核查 {ref} 不通过 理由"


@template("closed_self")
def closed_self(ref: str) -> str:
    return f"✅ {ref} 已办结（自办结）。"


@template("verify_needs_verdict")
def verify_needs_verdict(ref: str) -> str:
    return f"请写明核查结果：核查 {ref} 通过 / 核查 {ref} 不通过 理由"


@template("verified_closed")
def verified_closed(ref: str) -> str:
    return f"✅ {ref} 核查通过，已办结。"


@template("closed_posted")
def closed_posted(ref: str, text: str) -> str:
    return f"✅ {ref} 已办结。{('办理结果：' + text) if text else ''}"


@template("verify_failed")
def verify_failed(ref: str, reason: str) -> str:
    return f"❌ {ref} 核查未通过：{reason}。已退回继续办理（已签收），办好后再报办结。"


@template("not_a_warning")
def not_a_warning(ref: str) -> str:
    return f"{ref} 不是预警事件，请用：核查 {ref} 通过/不通过"


@template("warning_already_verified")
def warning_already_verified(ref: str, verdict: str) -> str:
    return f"{ref} 已核实为{verdict}。"


@template("warning_verified")
def warning_verified(ref: str, verdict: str) -> str:
    return f"{ref} 预警已核实：{verdict}。"


@template("district_needs_reason")
def district_needs_reason(ref: str, reasons: Sequence[str]) -> str:
    return f"上报新区须写明理由（{' / '.join(reasons)}），例如：上报新区 {ref} {reasons[-1]}"


@template("pending_district")
def pending_district(ref: str, grid: str, sector: str, location: str, description: str, reason: str, town: str) -> str:
    return (
        f"📥【新区待派单】{ref}（{town} {grid}）理由：{reason}{_line('类别', sector)}{_line('地点', location)}"
        f"{_line('情况', description)}\n请派单：派单 {ref} 部门名称"
    )


@template("escalated_district")
def escalated_district(ref: str, district: str, reason: str) -> str:
    return f"⬆️ {ref} 已上报{district}网格中心（待派单，理由：{reason}）。"


@template("extend_needs_duration")
def extend_needs_duration(ref: str) -> str:
    return f"请写明延期多久，例如：延期 {ref} 2天 原因"


@template("extension_requested")
def extension_requested(ref: str, hours: float, reason: str) -> str:
    return f"⏳ {ref} 申请延期 {_hours(hours)}：{reason}\n同意请发：通过 {ref}"


@template("extension_submitted")
def extension_submitted(ref: str, hours: float) -> str:
    return f"{ref} 延期 {_hours(hours)} 的申请已提交网格中心。"


@template("no_extension")
def no_extension(ref: str) -> str:
    return f"{ref} 没有待审批的延期申请。"


@template("extension_approved")
def extension_approved(ref: str, hours: float) -> str:
    return f"✅ {ref} 延期 {_hours(hours)} 已批准。"


# ---- reporter's corrections, checks, ratings ----------------------------------------------------------------


@template("category_unknown")
def category_unknown(ref: str, category: str) -> str:
    return f"没有“{category}”这个类别。请写大类名称，例如：更正 {ref} 类别：城市管理"


@template("correct_needs_field")
def correct_needs_field(ref: str) -> str:
    return f"请写明要更正的内容，例如：更正 {ref} 地点：东村4组"


@template("corrected")
def corrected(ref: str, fields: Sequence[str]) -> str:
    labels = {
        "location": "地点",
        "occurred_at": "时间",
        "phones": "电话",
        "id_numbers": "身份证号",
        "persons": "涉及人员",
        "before": "处置前",
        "after": "处置后",
        "description": "描述",
        "sector": "类别",
        "item_code": "事项",
        "category_confirmed": "",
    }
    names = "、".join(dict.fromkeys(labels[f] for f in fields if labels.get(f)))
    return f"✅ {ref} 已更正：{names}。"


@template("withdrawn")
def withdrawn(ref: str) -> str:
    return f"{ref} 已撤回。"


@template("check_needs_verdict")
def check_needs_verdict(ref: str) -> str:
    return f"请写明抽查结果：抽查 {ref} 合格 / 抽查 {ref} 不合格 理由"


@template("check_passed")
def check_passed(ref: str) -> str:
    return f"✅ {ref} 抽查合格。"


@template("check_failed")
def check_failed(ref: str, reason: str) -> str:
    return f"{ref} 抽查不合格（{reason}），已删除并通报。"


@template("check_failed_notice")
def check_failed_notice(ref: str, grid: str, reason: str) -> str:
    return f"📢【通报】{grid} 的 {ref} 抽查不合格：{reason}。该事件已删除，不计入统计。"


@template("rate_needs_verdict")
def rate_needs_verdict(ref: str) -> str:
    return f"请写明评价：评价 {ref} 满意 / 基本满意 / 不满意"


@template("rated")
def rated(ref: str, verdict: str) -> str:
    return f"已记录对 {ref} 的评价：{verdict}。谢谢！"


# ---- queries and help -----------------------------------------------------------------------------------------

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
}


@template("event_status")
def event_status(
    ref: str,
    status: str,
    level: int,
    sector: str,
    grid: str,
    holder: str,
    location: str,
    description: str,
    photos: int,
    returns: int,
    flags: Sequence[str],
    resolve_due: datetime | None,
    accept_due: datetime | None,
    history: Sequence[Mapping[str, Any]],
) -> str:
    levels = {1: "一级", 2: "二级", 3: "三级"}
    lines = "\n".join(
        f"· {when(h['at'])} {h['who']} {ACTION_LABELS.get(h['action'], h['action'])}"
        + (f"：{h['note']}" if h["note"] and h["action"] not in ("report", "warning") else "")
        for h in history
    )
    return (
        f"🔎 {ref} {status}（{levels.get(level, '')}，{holder}）"
        f"{_line('网格', grid)}{_line('类别', sector)}{_line('地点', location)}{_line('情况', description)}"
        f"{_line('照片', f'{photos} 张' if photos else '')}{_line('退回', f'{returns} 次' if returns else '')}"
        f"{_line('标记', '、'.join(flags))}{_line('签收时限', when(accept_due) if accept_due else '')}"
        f"{_line('办结时限', when(resolve_due) if resolve_due else '')}\n记录：\n{lines}"
    )


@template("todo")
def todo(items: Sequence[Mapping[str, Any]], tasks: Sequence[str]) -> str:
    if not items and not tasks:
        return "您目前没有待办事项。"
    lines = [
        f"· {i['ref']} {i['status']} {str(i['description'])[:20]}" + (f"（时限 {when(i['due'])}）" if i["due"] else "")
        for i in items
    ]
    lines += [f"· {t}" for t in tasks]
    return "📋 您的待办：\n" + "\n".join(lines)


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
    "department": (
        "📖 部门用法：\n签收 E12　退回 E12 理由　进展 E12 内容　办结 E12 处置结果　延期 E12 2天 原因\n"
        "评价 E12 满意/基本满意/不满意　查询 E12　待办\n"
        "下发指令：\n【部门指令】\n事项：…\n类别：消防\n类型：隐患排查\n网格：全镇\n要求：…\n截止：11月30日18时"
    ),
    "center": (
        "📖 网格中心用法：\n派单 E12 科室名称　核查 E12 通过/不通过 理由　核实 E12 属实/不属实\n"
        "上报新区 E12 预警情报/信访矛盾超出本镇/办理权限超出本镇\n"
        "抽查 E12 合格/不合格 理由　通过 E12（批准延期）　通过 D3 / 退回 D3 理由　查询 E12　待办"
    ),
}


@template("help")
def help_(audience: str) -> str:
    return HELP_TEXT[audience]


# ---- directives ---------------------------------------------------------------------------------------------------

DIRECTIVE_FIELD_HELP = {
    "title": "事项：（指令内容，例如：电动自行车入户充电隐患排查）",
    "kind": "类型：（{kinds} 之一）",
    "targets": "网格：（全镇，或村名、网格名，用逗号分开）",
    "deadline": "截止：（例如：11月30日18时）",
}


@template("wrong_place_directive")
def wrong_place_directive() -> str:
    return "无权限：部门指令请在本部门的工作群里发送。"


@template("directive_field_missing")
def directive_field_missing(field: str, kinds: Sequence[str]) -> str:
    line = DIRECTIVE_FIELD_HELP[field].format(kinds="/".join(kinds))
    return f"指令还不能提交：请补上或改正这一行后重新发送整条【部门指令】：\n{line}"


def _directive_block(
    title: str, sector: str, kind: str, targets: str, grids: int, requirements: str, deadline: datetime | None
) -> str:
    return (
        f"{_line('事项', title)}{_line('类别', sector)}{_line('类型', kind)}"
        f"{_line('网格', f'{targets}（{grids} 个网格）')}{_line('要求', requirements)}{_line('截止', when(deadline))}"
    )


@template("directive_auto_returned")
def directive_auto_returned(ref: str, reason: str) -> str:
    return f"↩️ 指令 {ref} 未通过自动检查，已退回：{reason}。请修改后重新发送【部门指令】。"


@template("directive_submitted")
def directive_submitted(ref: str, center: str, grids: int) -> str:
    return f"📝 指令 {ref} 已提交{center}网格中心审核（待审核，涉及 {grids} 个网格）。"


@template("directive_for_review")
def directive_for_review(
    ref: str,
    department: str,
    title: str,
    sector: str,
    kind: str,
    targets: str,
    grids: int,
    requirements: str,
    deadline: datetime | None,
) -> str:
    return (
        f"🗂【指令待审核】{ref}（{department}）"
        f"{_directive_block(title, sector, kind, targets, grids, requirements, deadline)}\n"
        f"审核：通过 {ref} / 退回 {ref} 理由"
    )


@template("directive_wrong_status")
def directive_wrong_status(ref: str, status: str, action: str) -> str:
    return f"{ref} 当前状态为{status}，不能{action}。"


@template("directive_approved_next")
def directive_approved_next(ref: str, center: str, next_center: str) -> str:
    return f"✅ 指令 {ref} 已由{center}网格中心审核通过，转{next_center}网格中心审核。"


@template("directive_dispatched")
def directive_dispatched(ref: str, grids: int) -> str:
    return f"✅ 指令 {ref} 审核通过，已下发 {grids} 个网格。"


@template("directive_approved_issuer")
def directive_approved_issuer(ref: str, center: str, grids: int) -> str:
    return f"✅ 指令 {ref} 已由{center}网格中心审核通过，下发 {grids} 个网格。"


@template("directive_return_needs_reason")
def directive_return_needs_reason(ref: str) -> str:
    return f"请写明退回理由：退回 {ref} 理由"


@template("directive_returned")
def directive_returned(ref: str, center: str, reason: str) -> str:
    return f"↩️ 指令 {ref} 被{center}网格中心退回：{reason}"


@template("directive_task_posted")
def directive_task_posted(
    ref: str,
    department: str,
    title: str,
    sector: str,
    kind: str,
    targets: str,
    grids: int,
    requirements: str,
    deadline: datetime | None,
    grid: str,
) -> str:
    return (
        f"📣【部门指令】{ref}（{department}）{_line('事项', title)}{_line('类型', kind)}"
        f"{_line('要求', requirements)}{_line('截止', when(deadline))}\n"
        f"请回复：收到 {ref}；完成后发：完成 {ref} 完成情况（可附照片）"
    )


@template("directive_not_for_grid")
def directive_not_for_grid(ref: str) -> str:
    return f"指令 {ref} 没有下发到本网格。"


@template("task_acknowledged")
def task_acknowledged(ref: str, deadline: datetime | None) -> str:
    return f"✅ 已收到指令 {ref}，请于 {when(deadline)} 前完成：完成 {ref} 完成情况"


@template("task_already")
def task_already(ref: str, status: str) -> str:
    return f"本网格的指令 {ref} {status}。"


@template("task_needs_result")
def task_needs_result(ref: str) -> str:
    return f"请写上完成情况，例如：完成 {ref} 已入户宣传45户"


@template("task_done")
def task_done(ref: str, done: int, total: int) -> str:
    return f"✅ 指令 {ref} 本网格已完成（已完成网格 {done}/{total}）。有照片请接着发送。"


@template("directive_progress")
def directive_progress(ref: str, grid: str, text: str, done: int, total: int) -> str:
    return f"📊 指令 {ref}：{grid} 已完成（{done}/{total}）：{text}"


@template("directive_task_progress")
def directive_task_progress(ref: str, grid: str, text: str) -> str:
    return f"📝 指令 {ref}：{grid} 反馈进展：{text}"


@template("directive_completed")
def directive_completed(ref: str, title: str, lines: Sequence[str]) -> str:
    return f"🏁 指令 {ref}“{title}”全部完成：\n" + "\n".join(f"· {line}" for line in lines)


@template("task_extension_requested")
def task_extension_requested(ref: str, grid: str, hours: float, reason: str) -> str:
    return f"⏳ {grid} 申请指令 {ref} 延期 {_hours(hours)}：{reason}\n同意请发：通过 {ref}"


@template("task_extension_approved")
def task_extension_approved(ref: str, grid: str, deadline: datetime | None) -> str:
    return f"✅ 指令 {ref}（{grid}）延期已批准，新的截止时间：{when(deadline)}"


@template("task_extensions_approved")
def task_extensions_approved(ref: str, count: int) -> str:
    return f"✅ 已批准指令 {ref} 的 {count} 个延期申请。"


@template("directive_status")
def directive_status(
    ref: str,
    status: str,
    reviewers: Sequence[str],
    return_reason: str,
    lines: Sequence[str],
    department: str,
    title: str,
    sector: str,
    kind: str,
    targets: str,
    grids: int,
    requirements: str,
    deadline: datetime | None,
) -> str:
    progress = "\n".join(f"· {line}" for line in lines)
    return (
        f"🔎 指令 {ref} {status}（{department}）"
        f"{_directive_block(title, sector, kind, targets, grids, requirements, deadline)}"
        f"{_line('审核', '、'.join(reviewers))}{_line('退回理由', return_reason)}"
        + (f"\n各网格进度：\n{progress}" if progress else "")
    )


# ---- time: reminders and overdue notices ------------------------------------------------------------------------


@template("reminder_accept")
def reminder_accept(ref: str, due: datetime, department: str) -> str:
    return f"⏰ 提醒：{ref} 派给{department}，请于 {when(due)} 前签收：签收 {ref}"


@template("reminder_resolve")
def reminder_resolve(ref: str, due: datetime, department: str) -> str:
    return (
        f"⏰ 提醒：{ref} 请{department}于 {when(due)} 前办结：办结 {ref} 处置结果（需要更多时间：延期 {ref} 2天 原因）"
    )


@template("overdue_accept")
def overdue_accept(ref: str, due: datetime, department: str, flag: str) -> str:
    return f"🔴【超时】{ref} {department}未在 {when(due)} 前签收，已标记“{flag}”。"


@template("overdue_resolve")
def overdue_resolve(ref: str, due: datetime, department: str, flag: str) -> str:
    return f"🔴【超时】{ref} {department}未在 {when(due)} 前办结，已标记“{flag}”。"


@template("reminder_open")
def reminder_open(ref: str, description: str, since: datetime) -> str:
    return (
        f"⏰ 提醒：{ref}（{description[:20]}）自 {when(since)} 起仍在处置中。"
        f"处置完请发：办结 {ref} 处置结果；需要协调请发：上报中心 {ref} 原因"
    )


@template("reminder_center_pending")
def reminder_center_pending(ref: str, since: datetime | None) -> str:
    return f"⏰ 提醒：{ref} 自 {when(since)} 起待派单，请尽快派单：派单 {ref} 科室名称"


@template("task_ack_reminder")
def task_ack_reminder(ref: str, title: str) -> str:
    return f"⏰ 提醒：指令 {ref}“{title}”还未回复收到，请回复：收到 {ref}"


@template("task_due_reminder")
def task_due_reminder(ref: str, title: str, deadline: datetime | None) -> str:
    return f"⏰ 提醒：指令 {ref}“{title}”将于 {when(deadline)} 截止，完成后请发：完成 {ref} 完成情况"


@template("task_overdue")
def task_overdue(ref: str, title: str, grid: str, deadline: datetime | None) -> str:
    return f"🔴【逾期】指令 {ref}“{title}”{grid} 未在 {when(deadline)} 前完成，请网格长、网格指导员督促。"


# ---- digests and ranking ------------------------------------------------------------------------------------------


def _percent(share: float) -> str:
    return f"{share * 100:.0f}%"


@template("digest")
def digest(
    name: str,
    place: str,
    period: str,
    created: int,
    by_level: Mapping[int, int],
    by_sector: Sequence[tuple[str, int]],
    closed: int,
    shares: Mapping[int, float],
    warnings: tuple[int, int, int, int],
    flags: Mapping[str, Mapping[str, int]],
    open_overdue: int,
    directives: Sequence[tuple[str, str, int, int]],
    silent_grids: Sequence[str],
) -> str:
    sectors = "、".join(f"{sector} {count}" for sector, count in by_sector) or "无"
    total, true, false, late = warnings
    flag_lines = "\n".join(
        f"· {department}：" + "、".join(f"{flag} {n}" for flag, n in items.items())
        for department, items in flags.items()
    )
    directive_lines = "\n".join(
        f"· {ref} {title}：{done}/{total_tasks}" for ref, title, done, total_tasks in directives
    )
    return (
        f"📊【{place}{name}】{period}\n"
        f"新增事件 {created} 件（一级 {by_level.get(1, 0)}、二级 {by_level.get(2, 0)}、三级 {by_level.get(3, 0)}）\n"
        f"按大类：{sectors}\n"
        f"办结 {closed} 件：小事不出网格 {_percent(shares.get(1, 0.0))}，大事不出街镇 {_percent(shares.get(2, 0.0))}，"
        f"难事不出新区 {_percent(shares.get(3, 0.0))}\n"
        f"预警 {total} 件（属实 {true}、不属实 {false}、迟报 {late}）\n"
        f"超时未办 {open_overdue} 件"
        + (f"\n超时和标记：\n{flag_lines}" if flag_lines else "")
        + (f"\n指令进度：\n{directive_lines}" if directive_lines else "")
        + f"\n沉默网格（近期无上报）：{'、'.join(silent_grids) if silent_grids else '无'}"
    )


@template("ranking")
def ranking(place: str, period: str, rows: Sequence[tuple[int, str, str, float]]) -> str:
    """`rows`: (rank, name, grid, score), best first; equal scores share a rank."""
    lines = "\n".join(f"{rank}. {name}（{grid}）{score:g} 分" for rank, name, grid, score in rows)
    return f"🏆【{place}专职网格员排名】{period}\n{lines or '本月无得分记录'}"


# ---- imported records ---------------------------------------------------------------------------------------------


@template("investigation_task")
def investigation_task(ref: str, source: str, description: str, occurred_at: datetime, missed: bool) -> str:
    note = "\n该事项属预警类，本网格事前未预警，记为未报。" if missed else ""
    return (
        f"🔎【摸排任务】{ref}（来源：{source}，{when(occurred_at)}）\n{description}\n"
        f"请核实情况后发：办结 {ref} 摸排结果{note}"
    )


@template("not_understood")
def not_understood() -> str:
    return "没看懂这条消息。上报事件请发：#上报 地点+情况；查看全部用法请发：帮助"
