"""Every kind of refusal teaches: why not, who may act (or where), and what to type.

One test per kind of refusal, played through the dispatcher with the example organisation.
"""

from __future__ import annotations

from sqlalchemy import Engine

from tests.helpers import DIRECTIVE, conversation


def test_unregistered_sender_is_told_whom_to_ask(engine: Engine) -> None:
    say = conversation(engine)
    answer = say("#上报 红旗村1组路灯不亮", "路人甲", "红旗村一网格群")
    assert "未登记" in answer and "镇网格中心" in answer


def test_a_group_outside_the_organisation_is_told_what_to_do(engine: Engine) -> None:
    say = conversation(engine)
    answer = say("#上报 红旗村1组路灯不亮", "刘洋", "某个闲聊群")
    assert "未登记" in answer and "联系镇网格中心" in answer and "所属网格群" in answer


def test_no_permission_names_who_may_and_what_they_type(engine: Engine) -> None:
    say = conversation(engine)
    say("#上报 红旗村1组路灯不亮", "刘洋", "红旗村一网格群")
    answer = say("派单 E1 综合执法队", "刘洋", "红旗村一网格群")
    assert "无权限" in answer and "网格中心坐席" in answer and "派单 E1 科室名称" in answer


def test_the_right_role_in_the_wrong_group_is_sent_to_the_right_group(engine: Engine) -> None:
    say = conversation(engine)
    say("#上报 红旗村1组两户宅基地纠纷", "刘洋", "红旗村一网格群")
    say("上报中心 E1 需协调", "刘洋", "红旗村一网格群")
    answer = say("派单 E1 平安办", "林坐席", "红旗村一网格群")
    assert "无权限" in answer and "中心群" in answer and "派单 E1 科室名称" in answer


def test_a_report_outside_a_grid_group_says_where_and_how(engine: Engine) -> None:
    say = conversation(engine)
    answer = say("#上报 红旗村1组路灯不亮", "田队长", "综合执法队群")
    assert "所属网格的工作群" in answer and "#上报 地点+情况" in answer


def test_a_wrong_status_says_what_the_event_waits_for_and_how_to_move_it(engine: Engine) -> None:
    say = conversation(engine)
    say("#上报 红旗村1组排水沟堵塞", "刘洋", "红旗村一网格群")
    answer = say("派单 E1 综合执法队", "林坐席", "永乐镇网格中心群")
    assert "当前状态为处置中，不能派单" in answer
    assert "网格员可发" in answer and "上报中心 E1" in answer


def test_a_directive_in_the_wrong_status_says_what_it_waits_for(engine: Engine) -> None:
    say = conversation(engine)
    say(DIRECTIVE, "唐站长", "安监站群")
    answer = say("收到 D1", "刘洋", "红旗村一网格群")
    assert "当前状态为待审核" in answer and "等待中心审核" in answer and "通过 D1" in answer


def test_an_unknown_reference_points_to_the_todo_list(engine: Engine) -> None:
    say = conversation(engine)
    answer = say("签收 E99", "田队长", "综合执法队群")
    assert "E99 不存在" in answer and "待办" in answer


def test_a_missing_reference_shows_the_command_with_one(engine: Engine) -> None:
    say = conversation(engine)
    answer = say("@网格助手 撤回", "刘洋", "红旗村一网格群")
    assert "编号" in answer and "E12" in answer


def test_a_trigger_with_nothing_after_it_asks_for_the_content_and_creates_nothing(engine: Engine) -> None:
    say = conversation(engine)
    assert "#上报 东村3组路边垃圾堆积" in say("#上报", "刘洋", "红旗村一网格群")
    assert "上报中心 E12" in say("#上报中心", "刘洋", "红旗村一网格群")
    assert "#预警" in say("#预警", "刘洋", "红旗村一网格群")
    assert "E1" in say("#上报 红旗村1组路灯不亮", "刘洋", "红旗村一网格群")  # the first event is E1


def test_a_warning_from_someone_else_says_who_sends_warnings_and_what_they_may_send(engine: Engine) -> None:
    say = conversation(engine)
    answer = say("#预警 前进路两家人吵起来了，要动手", "宋楼长", "前进社区网格群")
    assert "专职网格员" in answer and "#上报 地点+情况" in answer


def test_a_directive_outside_a_department_group_says_where(engine: Engine) -> None:
    say = conversation(engine)
    answer = say(DIRECTIVE, "刘洋", "红旗村一网格群")
    assert "部门人员" in answer and "本部门的工作群" in answer and "【部门指令】" in answer


def test_an_extension_that_was_never_asked_for_is_said_so(engine: Engine) -> None:
    say = conversation(engine)
    say("#上报 红旗村1组路灯不亮", "刘洋", "红旗村一网格群")
    say("上报中心 E1 需维修", "刘洋", "红旗村一网格群")
    answer = say("通过 E1", "林坐席", "永乐镇网格中心群")
    assert "没有待审批的延期申请" in answer


def test_a_bare_acknowledgement_after_an_at_mention_is_still_chat_when_nothing_waits(engine: Engine) -> None:
    """Every AI-bot group message starts with "@网格助手": "@网格助手 收到" with nothing waiting stays unanswered."""
    say = conversation(engine)
    assert say("@网格助手 收到", "田队长", "综合执法队群") == ""
    assert "没有等您签收" in say("@网格助手 签收", "田队长", "综合执法队群")
