"""Everything the parser recognises that is not the catalog: words and regex pieces, as data.

Regexes are assembled from named fragments (Recognizers-Text style) so a word added here is picked up by every
rule that uses its list. The catalog (sectors, items, keywords) is not here: it is an argument of `parse`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from gridbot.intents.model import IntentKind as K


def alternation(words: Iterable[str]) -> str:
    """A regex alternation that prefers the longest word (re tries alternatives in order)."""
    unique = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w) for w in unique)


# --- the bot and the message frame -------------------------------------------------------------------------

BOT_NAMES: tuple[str, ...] = ("网格助手",)

# Traditional characters of the command words, headers and labels, folded to simplified in normalisation so
# `#上報`, `簽收 E1`, `【事件上報】` read like the simplified forms. Pairs: traditional, simplified.
TRADITIONAL = (
    "報报預预簽签辦办結结詢询處处協协調调進进饋馈匯汇彙汇復复複复驗验審审準准長长時时銷销廢废圖图補补傳传"
    "檢检質质評评價价詳详幫帮說说單单隨随級级請请轉转區区裡里裏里確确認认駁驳決决畢毕過过項项題题類类別别"
    "點点發发現现間间況况簡简員员關关聯联電电話话碼码機机號号後后來来標标務务網网範范圍围責责門门體体緊紧"
    "謝谢選选擇择編编實实屬属達达滿满統统計计數数據据總总幾几這这個个週周問问絕绝麼么內内當当歸归辭辞係系繫系"
)

# Template headers in 【】 or []: only these start a message for the bot (【通知】 does not).
HEADERS: Mapping[str, K] = {
    "事件上报": K.REPORT,
    "上报": K.REPORT,
    "上报事件": K.REPORT,
    "事件报告": K.REPORT,
    "自办结": K.REPORT,
    "事件自办结": K.REPORT,
    "预警": K.WARNING,
    "预警直报": K.WARNING,
    "情报信息": K.WARNING,
    "预警信息": K.WARNING,
    "直报": K.WARNING,
    "网格事件上报": K.REPORT,
    "问题上报": K.REPORT,
    "紧急上报": K.REPORT,
    "自办结上报": K.REPORT,
    "自办结事件": K.REPORT,
    "紧急预警": K.WARNING,
    "预警上报": K.WARNING,
    "情报预警": K.WARNING,
    "预警情报": K.WARNING,
    "情报": K.WARNING,
    "部门指令": K.DIRECTIVE,
    "指令": K.DIRECTIVE,
    "工作指令": K.DIRECTIVE,
    "指令下发": K.DIRECTIVE,
    "下发指令": K.DIRECTIVE,
    "任务指令": K.DIRECTIVE,
}

# A command or header containing this word is a self-resolved report; as a `#` tag it may stand anywhere.
SELF_RESOLVED_WORD = "自办结"

# Phrases by which a report asks the town center to take it over (level 2).
ASK_CENTER_PHRASES: tuple[str, ...] = (
    "上报中心",
    "请中心派单",
    "请中心协调",
    "请中心处理",
    "需中心派单",
    "需要中心派单",
    "请求中心",
    "提交中心",
    "报中心",
)

# --- command words -----------------------------------------------------------------------------------------

# Commands that may (or must) carry a reference. Order of kinds does not matter: the longest word wins.
REF_COMMANDS: Mapping[K, tuple[str, ...]] = {
    K.ESCALATE: ("上报中心", "升级", "请求协调", "申请协调", "提交中心", "报中心", "转中心"),
    K.DISPATCH: ("派单", "派遣", "分派", "转办", "指派", "交办"),
    K.ESCALATE_DISTRICT: ("上报新区", "提级", "报新区", "提交新区", "上报区里", "转新区"),
    K.ACCEPT: ("签收", "接单", "受理", "收到", "确认", "已签收", "已收到", "已接单", "已受理", "确认收到"),
    K.RETURN: ("退回", "驳回", "退单", "打回"),
    K.COORDINATE: ("协调", "进入协调", "协调中", "已协调"),
    K.PROGRESS: ("进展", "反馈", "跟进", "进展情况", "最新进展", "汇报进展"),
    K.RESOLVE: (
        "办结",
        "处置",
        "完成",
        "已解决",
        "已完成",
        "已办结",
        "已处置",
        "解决",
        "已处理",
        "处理完毕",
        "办理完毕",
    ),
    K.VERIFY: ("核查", "核实", "验收", "复核", "核验"),
    K.APPROVE: ("通过", "同意", "审核通过", "批准", "审批通过", "准予", "同意延期", "批准延期", "准予延期"),
    K.DECLINE: ("不同意", "不同意延期", "不批准", "不批准延期", "驳回延期", "拒绝延期", "不准延期", "不予延期"),
    K.EXTEND: ("延期", "申请延期", "延长", "申请延长", "延时"),
    K.CORRECT: ("更正", "修改", "修正", "更改"),
    K.WITHDRAW: ("撤回", "撤销", "作废"),
    K.ATTACH: ("附图", "补图", "补照片", "附照片", "补充照片", "补充图片", "传图"),
    K.CHECK: ("抽查", "检查", "质检"),
    K.RATE: ("评价", "评分", "打分"),
    K.QUERY: ("查询", "查看", "进度", "查", "查一下", "详情", "查进度"),
}

# Commands that stand without a reference; they start a message only after `#`, a header or a mention.
FREE_COMMANDS: Mapping[K, tuple[str, ...]] = {
    K.REPORT: (
        "上报",
        "事件上报",
        "上报事件",
        "报告",
        "反映",
        "自办结",
        "事件自办结",
        "报事件",
        "随手报",
        "报事",
    ),
    K.WARNING: ("预警", "预警直报", "情报信息", "直报", "预警信息", "情报"),
    K.DIRECTIVE: ("部门指令", "指令"),
    K.HELP: ("帮助", "菜单", "模板", "使用说明", "说明", "帮忙", "help"),
    K.QUERY: ("待办", "我的待办", "待办事项", "我的事件"),
}

# Commands that may stand alone as a whole message, without a reference (`签收`, `办结`): the bot then works out
# which item is meant, or asks for the reference.
BARE_COMMANDS: Mapping[K, tuple[str, ...]] = {
    K.ACCEPT: ("签收", "接单", "受理", "已签收", "已接单", "已受理"),
    K.RESOLVE: ("办结", "完成", "已办结", "已完成", "已处理", "已解决", "已处置", "处理完毕", "办理完毕"),
}
# Commands whose text may follow without a reference (`办结 已清理完毕`) when a space or colon sets it off.
UNREFERENCED_COMMANDS: Mapping[K, tuple[str, ...]] = {
    K.RESOLVE: ("办结", "完成", "已办结", "已完成", "处理完毕", "办理完毕"),
}

# Report and warning words that start a report even without `#` or a mention (`上报 东村2组有人占道晒粮食`),
# when what follows reads like a report: it names a place or a catalog matter and is no question or remark.
UNMARKED_EVENT_WORDS: Mapping[str, K] = {
    "上报": K.REPORT,
    "事件上报": K.REPORT,
    "上报事件": K.REPORT,
    "自办结": K.REPORT,
    "事件自办结": K.REPORT,
    "预警": K.WARNING,
    "预警直报": K.WARNING,
    "预警信息": K.WARNING,
}
# A report or warning word followed by one of these is talk about reporting (上报了吗, 上报的事件, 预警过), not one.
EVENT_WORD_REMARKS: tuple[str, ...] = (
    "了",
    "的",
    "过",
    "吗",
    "呢",
    "么",
    "没",
    "完",
    "好了",
    "好没",
    "啦",
    "嘛",
    "吧",
    "材料",
    "工作",
    "情况",
    "会议",
    "系统",
    "流程",
    "时间",
    "制度",
    "人员",
)
# Words that begin with a remark's character but begin a report (上报 了解到…, 上报 过道里堆满杂物).
NOT_REMARKS: tuple[str, ...] = ("了解", "过道", "过路", "过往", "没有人管", "没人管")
# The least a report needs after its word when it carries no `#`: this many characters besides punctuation.
MIN_EVENT_CONTENT_CHARS = 4
MIN_RESULT_CHARS = 2  # 办结 已清理: a result is often a word or two

# Words said around a command by voice input or in a hurry (`网格助手我要上报一下`): skipped before the command
# word in a message to the bot.
LEADING_FILLERS: tuple[str, ...] = (
    "我要",
    "我想",
    "我来",
    "帮我",
    "给我",
    "麻烦你",
    "麻烦",
    "请你",
    "请帮我",
    "请",
    "那个",
    "就是",
    "嗯",
    "呃",
    "额",
    "啊",
    "哎",
    "喂",
    "你好",
    "您好",
)

# Leaders asking for figures: whole messages (`日报`, `本周`) name a period; with a mention or `#`, a period word
# anywhere and a figures word (`@网格助手 今天有多少事件`, `@网格助手 这个月统计一下`).
STATS_PERIODS: Mapping[str, tuple[str, ...]] = {
    "day": ("今日", "今天", "当日", "当天", "今儿", "日报", "日统计"),
    "week": ("本周", "这周", "这一周", "本星期", "这星期", "这个星期", "这礼拜", "这个礼拜", "周报", "周统计"),
    "month": ("本月", "这个月", "这月", "当月", "本月份", "月报", "月统计"),
}
STATS_DEFAULT_PERIOD = "day"
# Period words that ask for figures as a whole message (`今天`, `本周`); the others need a figures word with them.
STATS_WHOLE_PERIODS: tuple[str, ...] = ("今日", "今天", "本周", "本月", "日报", "周报", "月报")
# Words asking for figures; alone (`统计`) they mean today's.
STATS_WORDS: tuple[str, ...] = ("统计", "数据", "汇总", "报表", "日报", "周报", "月报", "统计数据", "数据统计")
# A count question about events (`有多少事件`, `办结了几件`).
STATS_COUNT = r"(?:多少|几)(?:个|件|起|条|宗)?(?:事件|事情|事儿|事|预警|工单|案件)|(?:多少|几)(?:件|起|宗)"

# The exact form to type, by command: the hint on a message meant for the bot that could not be read.
COMMAND_FORMS: Mapping[K, str] = {
    K.REPORT: "上报事件请发：#上报 地点+情况",
    K.WARNING: "预警请发：#预警 地点+情况",
    K.DIRECTIVE: "部门指令请发：【部门指令】，下面一行一项写 事项、类型、网格、要求、截止",
    K.ESCALATE: "上报中心请发：上报中心 E12 理由",
    K.DISPATCH: "派单请发：派单 E12 部门",
    K.ESCALATE_DISTRICT: "上报新区请发：上报新区 E12 理由",
    K.ACCEPT: "签收请发：签收 E12",
    K.RETURN: "退回请发：退回 E12 理由",
    K.COORDINATE: "协调请发：协调 E12 情况",
    K.PROGRESS: "反馈进展请发：进展 E12 情况",
    K.RESOLVE: "办结请发：办结 E12 处置结果",
    K.VERIFY: "核查请发：核查 E12 通过（或 不通过 理由）",
    K.APPROVE: "批准请发：通过 D3，批准延期请发：同意延期 E12",
    K.DECLINE: "不同意延期请发：不同意延期 E12 理由",
    K.EXTEND: "申请延期请发：延期 E12 2天 理由",
    K.CORRECT: "更正请发：更正 E12 地点：东村4组",
    K.WITHDRAW: "撤回请发：撤回 E12",
    K.ATTACH: "补照片请发：附图 E12，再发图片",
    K.CHECK: "抽查请发：抽查 E12 合格（或 不合格 理由）",
    K.RATE: "评价请发：评价 E12 满意",
    K.QUERY: "查询请发：查询 E12；看待办请发：待办",
    K.HELP: "看用法请发：帮助",
    K.STATS: "看统计请发：日报、周报 或 月报",
    K.CHOOSE: "选择类别请回复：回复 2",
}
# Everyday words one character away from a command word (上午 from 上报, 通知 from 通过, 通报 from 直报): never
# read as a typo of it. Time words, field labels and period words are left out as well.
NOT_TYPOS: tuple[str, ...] = (
    "上午",
    "上周",
    "上次",
    "上班",
    "上面",
    "上门",
    "上级",
    "上传",
    "上课",
    "上网",
    "通知",
    "通报",
    "快报",
    "简报",
    "喜报",
    "捷报",
    "公报",
    "年报",
    "电报",
    "海报",
    "汇报",
    "报名",
    "报销",
    "报道",
    "报到",
    "预计",
    "预约",
    "预报",
    "预告",
    "预算",
    "预防",
    "签名",
    "签字",
    "签到",
    "完善",
    "完整",
    "反而",
    "反正",
    "同事",
    "同学",
    "批评",
    "报警",
    "报案",
    "民警",
    "交警",
    "上个",
    "上街",
    "情绪",
    "指示",
    "指导",
    "指南",
    "命令",
)
GENERAL_HINT = "上报事件请发：#上报 地点+情况；其他用法请发：帮助"

# Whole-message words (after stripping emoji and closing punctuation).
ACK_WORDS: tuple[str, ...] = (
    "收到",
    "收到了",
    "已收到",
    "收到收到",
    "好的",
    "好的收到",
    "收到好的",
    "好",
    "好嘞",
    "好滴",
    "明白",
    "明白了",
    "了解",
    "知道了",
    "ok",
    "okay",
    "嗯",
    "嗯嗯",
    "收到谢谢",
)
HELP_WORDS: tuple[str, ...] = ("帮助", "菜单", "模板", "?", "？", "??", "使用说明", "help", "怎么用")
QUERY_WORDS: tuple[str, ...] = ("待办", "我的待办", "待办事项", "我的事件", "查询", "查看待办")

# Other people's @-mentions in front of a command (`@张三 签收 E12`); WeChat ends a mention with a space.
OTHER_MENTION = r"^(?:@[^\s@]{1,20}\s+)+"

# A mention of the bot with no command word reads as a report when it tells of an event, not a question.
QUESTION_ENDINGS = "?？吗呢么嘛"
MIN_MENTION_REPORT_CHARS = 6

# Filler right after a command word (`反映一下，…`, `上报一下东村…`); a one-character filler only counts when a
# space or punctuation follows it (下水道 is no filler).
COMMAND_FILLERS: tuple[str, ...] = (
    "一下",
    "个事",
    "个事情",
    "一个事",
    "个情况",
    "一个情况",
    "那个",
    "一下啊",
    "下",
    "啊",
    "呀",
    "哈",
)

# Answer to the bot's category question: `回复 2`, `选 2`, `选择2`.
CHOOSE_WORDS: tuple[str, ...] = ("回复", "选择", "选", "回")

# --- references --------------------------------------------------------------------------------------------

REF_PREFIX_WORDS: tuple[str, ...] = ("事件", "指令", "任务", "工单", "编号")
REF_LETTERS = "EeDd"
REF_DASHES = "-_—－#"

# --- fields ------------------------------------------------------------------------------------------------

# Field labels of report and directive templates, by field name.
FIELD_LABELS: Mapping[str, tuple[str, ...]] = {
    "category": (
        "类别",
        "分类",
        "类型",
        "事项",
        "事件类别",
        "事件类型",
        "事件分类",
        "问题类别",
        "问题类型",
        "所属类别",
    ),
    "location": (
        "地点",
        "位置",
        "地址",
        "发生地点",
        "事发地点",
        "具体位置",
        "详细地址",
        "所在位置",
        "事发地址",
        "具体地点",
    ),
    "time": ("时间", "发生时间", "事发时间", "发现时间", "日期", "发生日期"),
    "description": (
        "描述",
        "内容",
        "情况",
        "事件",
        "问题",
        "事件描述",
        "问题描述",
        "情况描述",
        "具体情况",
        "基本情况",
        "事件内容",
        "事由",
        "详情",
        "简要情况",
        "情况说明",
    ),
    "persons": ("涉及人员", "当事人", "人员", "相关人员", "涉事人员", "姓名", "涉及人"),
    "phones": ("联系电话", "电话", "手机", "联系方式", "手机号", "电话号码", "手机号码"),
    "before": ("处置前", "处置前情况", "整改前", "处理前"),
    "after": ("处置后", "处置结果", "处置情况", "处理结果", "处理情况", "整改后", "整改情况", "处置后情况"),
    "source": ("来源", "事件来源", "线索来源", "信息来源"),
    "title": ("标题", "指令标题", "任务"),
    "targets": ("网格", "目标网格", "范围", "涉及网格", "责任网格", "下发网格"),
    "requirements": ("要求", "工作要求", "具体要求", "任务要求"),
    "deadline": ("截止", "期限", "时限", "截止时间", "截止日期", "完成时限", "完成时间", "办结时限"),
    "reason": ("原因", "理由", "退回原因", "延期原因"),
    "department": ("部门", "科室", "责任部门", "承办部门", "责任单位"),
}

# In a directive 事项/内容 name the task and 类型 its kind; in a report they are 类别 and 描述.
DIRECTIVE_TITLE_LABELS: tuple[str, ...] = ("事项", "内容", "标题", "指令标题", "任务")
DIRECTIVE_KIND_LABELS: tuple[str, ...] = ("类型",)
DIRECTIVE_KINDS: tuple[str, ...] = ("隐患排查", "信息采集", "政策宣传", "服务群众", "问题处置")

# Roles and fillers stripped from the names in a persons field.
PERSON_ROLES: tuple[str, ...] = (
    "带头人",
    "当事人",
    "住户",
    "户主",
    "业主",
    "村民",
    "居民",
    "负责人",
    "老板",
    "店主",
    "组长",
    "投诉人",
    "举报人",
    "联系人",
    "家属",
    "患者",
    "老人",
    "工人代表",
    "代表",
)
PERSON_SEPARATORS = r"[,，、;；/\s]+|和|及|与"
PERSON_TRAILERS = r"等\s*\d*\s*[人名个位]?$|等$"

# Targets of a directive: `全镇 | 东村,西村 | 东村第一网格`.
TARGET_SEPARATORS = r"[,，、;；|/\s]+"

# --- verdicts, reasons, durations --------------------------------------------------------------------------

VERDICTS: Mapping[K, tuple[str, ...]] = {
    K.VERIFY: ("通过", "不通过", "属实", "不属实"),
    K.CHECK: ("合格", "不合格"),
    K.RATE: ("满意", "基本满意", "不满意"),
}
# Loose wordings mapped onto a verdict; matched together with the verdicts themselves, longest first.
VERDICT_ALIASES: Mapping[str, str] = {
    "未通过": "不通过",
    "没通过": "不通过",
    "不予通过": "不通过",
    "情况属实": "属实",
    "基本属实": "属实",
    "情况不实": "不属实",
    "不实": "不属实",
    "虚假": "不属实",
    "未发现": "不属实",
    "不达标": "不合格",
    "达标": "合格",
    "非常满意": "满意",
    "很满意": "满意",
    "比较满意": "基本满意",
    "一般": "基本满意",
    "不太满意": "不满意",
    "很不满意": "不满意",
    "非常不满意": "不满意",
}

# The three reasons for sending an event to the district (workflow.md §3), each with loose wordings.
DISTRICT_REASONS: Mapping[str, tuple[str, ...]] = {
    "预警情报": ("预警情报", "情报预警", "预警", "情报"),
    "信访矛盾超出本镇": ("信访矛盾", "信访", "矛盾", "跨镇纠纷"),
    "办理权限超出本镇": ("办理权限", "权限", "职权", "管辖", "处置能力", "办理能力", "超出本镇能力"),
}

# Durations for `延期`: unit → hours.
DURATION_UNITS: Mapping[str, float] = {
    "小时": 1.0,
    "个小时": 1.0,
    "钟头": 1.0,
    "个钟头": 1.0,
    "h": 1.0,
    "天": 24.0,
    "日": 24.0,
    "个工作日": 24.0,
    "工作日": 24.0,
    "周": 168.0,
    "个周": 168.0,
    "星期": 168.0,
    "个星期": 168.0,
    "礼拜": 168.0,
    "个礼拜": 168.0,
    "个月": 720.0,
    "月": 720.0,
}
HALF_DAY_WORDS: Mapping[str, float] = {
    "半天": 12.0,
    "半日": 12.0,
    "半个月": 360.0,
    "半小时": 0.5,
    "半个小时": 0.5,
}

# Words that lead a department name in `派单 E12 给城建办`.
DEPARTMENT_LEADS: tuple[str, ...] = ("给", "至", "到", "由", "交", "交给", "转给", "派给")
# Verbs that may follow it (`派单 E12 给城建办处理`).
DEPARTMENT_TRAILERS: tuple[str, ...] = ("处理", "办理", "处置", "负责", "落实", "跟进", "解决")

# --- time words --------------------------------------------------------------------------------------------

CN_DIGITS: Mapping[str, int] = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CN_NUMBER = "[零〇一二两三四五六七八九十]{1,3}"
NUMBER = rf"(?:\d{{1,2}}|{CN_NUMBER})"

# Day words relative to the message's date; some also imply a part of the day.
RELATIVE_DAYS: Mapping[str, int] = {
    "大前天": -3,
    "前天": -2,
    "昨天": -1,
    "昨日": -1,
    "昨儿": -1,
    "昨": -1,
    "今天": 0,
    "今日": 0,
    "今儿": 0,
    "当天": 0,
    "今": 0,
    "明天": 1,
    "明日": 1,
    "明": 1,
    "后天": 2,
    "大后天": 3,
}
# `3天前`, `两小时前`, `半小时前`: an amount of time before the message.
AGO_UNITS: Mapping[str, float] = {
    "天": 24.0,
    "日": 24.0,
    "小时": 1.0,
    "个小时": 1.0,
    "个钟头": 1.0,
    "分钟": 1 / 60,
}
AGO_WORDS: tuple[str, ...] = ("以前", "之前", "前")
# Words meaning "just now": the message's own time.
JUST_NOW_WORDS: tuple[str, ...] = ("刚才", "刚刚", "方才")
# Single-character day words only count when a part of the day follows (昨晚, 今早, 明早).
SHORT_DAY_WORDS: tuple[str, ...] = ("昨", "今", "明")

# Parts of the day: name → (start hour, whether a clock hour below 12 is in the afternoon/evening).
DAY_PARTS: Mapping[str, tuple[int, bool]] = {
    "凌晨": (0, False),
    "半夜": (0, False),
    "清晨": (6, False),
    "早晨": (6, False),
    "早上": (6, False),
    "一早": (6, False),
    "早": (6, False),
    "上午": (8, False),
    "中午": (12, False),
    "晌午": (12, False),
    "午": (12, False),
    "下午": (13, True),
    "午后": (13, True),
    "傍晚": (17, True),
    "晚上": (18, True),
    "晚": (18, True),
    "夜里": (20, True),
    "夜间": (20, True),
    "夜晚": (20, True),
    "夜": (20, True),
    "深夜": (22, True),
}
NOON_PARTS: tuple[str, ...] = ("中午", "晌午", "午")

WEEKDAY_NAMES: Mapping[str, int] = {
    "一": 0,
    "1": 0,
    "二": 1,
    "2": 1,
    "三": 2,
    "3": 2,
    "四": 3,
    "4": 3,
    "五": 4,
    "5": 4,
    "六": 5,
    "6": 5,
    "日": 6,
    "天": 6,
    "7": 6,
}
WEEK_WORDS: tuple[str, ...] = ("周", "星期", "礼拜")
# Week offsets: 上周五 is in the previous week; a bare 周五 means the nearest one (past or future by context).
WEEK_OFFSETS: Mapping[str, int] = {
    "上上个": -2,
    "上上": -2,
    "上个": -1,
    "上": -1,
    "这个": 0,
    "这": 0,
    "本": 0,
    "下个": 1,
    "下": 1,
}
MINUTE_WORDS: Mapping[str, int] = {"半": 30, "一刻": 15, "三刻": 45}
APPROXIMATE_WORDS: tuple[str, ...] = ("左右", "多", "许", "前后", "钟", "整", "以后", "以前", "之后")

# Two-character pieces of longer keywords that are everyday words, not evidence of a matter (晚上 from 晚上施工,
# 资质 from 办学资质, 历史 from 历史遗留): they never count as keyword pieces.
FRAGMENT_STOPWORDS: frozenset[str] = frozenset(
    {
        "晚上",
        "早上",
        "上午",
        "下午",
        "中午",
        "夜里",
        "今天",
        "昨天",
        "明天",
        "每天",
        "天天",
        "最近",
        "现在",
        "已经",
        "资质",
        "历史",
        "门口",
        "附近",
        "旁边",
        "情况",
        "问题",
        "工作",
        "人员",
        "群众",
        "村民",
        "居民",
        "小区",
        "部门",
        "单位",
        "地方",
        "时候",
        "东西",
        "一些",
        "这个",
        "那个",
        "我们",
        "他们",
        "家里",
        "楼上",
        "楼下",
        "路边",
        "周边",
        "发现",
        "反映",
        "联系",
        "处理",
        "出现",
        "进行",
        "相关",
        "管理",
        "服务",
        "安全",
    }
)

# --- places ------------------------------------------------------------------------------------------------

# Place anchors: a short name followed by one of these (东村, 幸福小区, 永乐街, 镇中学, 工业园).
PLACE_SUFFIXES: tuple[str, ...] = (
    "村",
    "社区",
    "小区",
    "花园",
    "家园",
    "新城",
    "苑",
    "公寓",
    "大厦",
    "广场",
    "街",
    "路",
    "巷",
    "大道",
    "大街",
    "工业园",
    "工业园区",
    "产业园",
    "开发区",
    "中心小学",
    "小学",
    "中学",
    "幼儿园",
    "学校",
    "卫生院",
    "卫生室",
    "卫生站",
    "医院",
    "文化站",
    "敬老院",
    "养老院",
    "幸福院",
    "派出所",
    "汽车站",
    "加油站",
    "菜市场",
    "农贸市场",
)
# Anchors that need no name before them.
PLACE_WHOLE_WORDS: tuple[str, ...] = ("工业园", "工业园区", "产业园", "开发区", "镇政府", "大集")
# Sub-units that extend an anchor: 3组, 5号楼, 2单元, 12号, 5层.
PLACE_UNITS: tuple[str, ...] = ("组", "号楼", "栋", "幢", "单元", "号院", "号", "层", "楼", "排", "队")
# A one-character place name must be one of these (东村, 西街, 镇中学); longer names are free.
PLACE_SHORT_NAMES = "东西南北中前后上下镇县"
# What may not follow a suffix for it to end a place name (村民, 路灯, 小学生).
PLACE_SUFFIX_GUARDS: Mapping[str, str] = {
    "村": "委民里口头道内外部级干医镇庄子",
    "路": "灯边面上段况过基沿线费旁",
    "街": "道坊边面上头",
    "小学": "生",
    "中学": "生",
    "中心小学": "生",
}
# Words that end with a place suffix but name no place.
NOT_PLACES: tuple[str, ...] = (
    "外村",
    "邻村",
    "本村",
    "全村",
    "各村",
    "该村",
    "进村",
    "回村",
    "出村",
    "农村",
    "乡村",
    "行政村",
    "自然村",
    "马路",
    "公路",
    "道路",
    "走路",
    "上路",
    "修路",
    "过路",
    "水路",
    "出路",
    "一路",
    "满街",
    "上街",
    "逛街",
    "全街",
    "小巷",
    "楼道",
)
# Words and characters that cannot begin a place name: a name is cut after the last of them.
PLACE_NAME_STOPS: tuple[str, ...] = (
    "发现",
    "走访",
    "位于",
    "附近",
    "左右",
    "反映",
    "上报",
    "一下",
    "的",
    "在",
    "了",
    "是",
    "到",
    "从",
    "往",
    "向",
    "于",
    "对",
    "把",
    "被",
    "给",
    "让",
    "说",
    "去",
    "点",
    "右",
    "多",
    "许",
    "有",
    "个",
    "与",
    "及",
    "们",
)
