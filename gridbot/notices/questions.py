"""Refusals, questions and answers about the conversation itself."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gridbot.notices.base import Notice


@dataclass(frozen=True, slots=True)
class Unregistered(Notice):
    def text(self) -> str:
        return "您还未登记，暂不能使用网格助手。请联系镇网格中心登记姓名和企业微信账号。"


@dataclass(frozen=True, slots=True)
class GroupUnknown(Notice):
    def text(self) -> str:
        return (
            "本群还未登记到网格组织架构中，机器人在这里不办理事项。"
            "请联系镇网格中心把本群加入组织架构，或到所属网格群里发送。"
        )


@dataclass(frozen=True, slots=True)
class NoPermission(Notice):
    """Why not, who may, and what they type."""

    action: str
    who: str = ""  # who may, where (from the permission table)
    form: str = ""  # what they type

    def text(self) -> str:
        teach = f"这件事由{self.who}办理" + (f"，发：{self.form}" if self.form else "") + "。" if self.who else ""
        return f"无权限：您不能{self.action}。{teach}"


@dataclass(frozen=True, slots=True)
class NoPermissionHere(Notice):
    """The role is right, the group is not."""

    action: str
    place: str
    form: str

    def text(self) -> str:
        return f"无权限：不能在本群{self.action}。请到{self.place}里发：{self.form}"


@dataclass(frozen=True, slots=True)
class WrongPlace(Notice):
    action: str
    form: str = ""

    def text(self) -> str:
        how = f"，发：{self.form}" if self.form else ""
        return f"无权限：请在所属网格的工作群里{self.action}{how}。"


@dataclass(frozen=True, slots=True)
class RefMissing(Notice):
    example: str = "查询 E12"

    def text(self) -> str:
        return f"请写上编号（事件 E 开头，指令 D 开头），例如：{self.example}。发送“待办”可查看您手上的编号。"


@dataclass(frozen=True, slots=True)
class NotFound(Notice):
    ref: str

    def text(self) -> str:
        return f"{self.ref} 不存在，请核对编号。发送“待办”可查看您手上的事件。"


@dataclass(frozen=True, slots=True)
class WrongStatus(Notice):
    ref: str
    status: str
    action: str
    next: str = ""  # what the event waits for now, and what moves it

    def text(self) -> str:
        return f"{self.ref} 当前状态为{self.status}，不能{self.action}。" + (f"现在{self.next}" if self.next else "")


@dataclass(frozen=True, slots=True)
class InternalError(Notice):
    def text(self) -> str:
        return "系统繁忙，消息已保存，请稍后再试或联系网格中心。"


@dataclass(frozen=True, slots=True)
class AskCategory(Notice):
    ref: str
    options: Sequence[str]

    def text(self) -> str:
        choices = "\n".join(f"{index}. {sector}" for index, sector in enumerate(self.options, start=1))
        numbers = "/".join(str(n) for n in range(1, len(self.options) + 1))
        return (
            f"{self.ref} 的类别不太确定，请回复数字选择：\n{choices}\n"
            f"（回复 {numbers} 选择类别；都不对请发：更正 {self.ref} 类别：大类名称）"
        )


@dataclass(frozen=True, slots=True)
class AskCategoryFree(Notice):
    ref: str

    def text(self) -> str:
        return f"{self.ref} 没能识别类别，请回复：更正 {self.ref} 类别：环境保护（写大类或事项名称）"


@dataclass(frozen=True, slots=True)
class NoQuestion(Notice):
    def text(self) -> str:
        return "目前没有需要您选择的问题。"


@dataclass(frozen=True, slots=True)
class BadChoice(Notice):
    count: int

    def text(self) -> str:
        return f"请回复 1 到 {self.count} 之间的数字。"


@dataclass(frozen=True, slots=True)
class CategoryChosen(Notice):
    ref: str
    sector: str

    def text(self) -> str:
        return f"{self.ref} 类别已定为：{self.sector}。"


@dataclass(frozen=True, slots=True)
class NotUnderstood(Notice):
    def text(self) -> str:
        return "没看懂这条消息。上报事件请发：#上报 地点+情况；查看全部用法请发：帮助"


@dataclass(frozen=True, slots=True)
class Hint(Notice):
    """A message meant for the bot that could not be read: the exact form to type."""

    form: str

    def text(self) -> str:
        return f"没看懂这条消息。{self.form}（查看全部用法请发：帮助）"


@dataclass(frozen=True, slots=True)
class WaitingItem:
    ref: str
    description: str


@dataclass(frozen=True, slots=True)
class SeveralWaiting(Notice):
    """A bare 签收/办结/完成 with several items waiting: which ones, and how to name them."""

    verb: str
    items: Sequence[WaitingItem]

    def text(self) -> str:
        lines = "\n".join(f"· {i.ref} {i.description[:20]}" for i in self.items)
        refs = " ".join(i.ref for i in self.items[:2])
        return (
            f"有 {len(self.items)} 件等您{self.verb}：\n{lines}\n"
            f"请写上编号，例如：{self.verb} {self.items[0].ref}（可一次写几个：{self.verb} {refs}）"
        )


@dataclass(frozen=True, slots=True)
class NothingWaiting(Notice):
    verb: str

    def text(self) -> str:
        return f"目前没有等您{self.verb}的事项。发送“待办”可查看您手上的事项。"


@dataclass(frozen=True, slots=True)
class Ring(Notice):
    """A short text that @-mentions the people a card named (a card's own mentions do not notify)."""

    about: str  # the card's first line

    def text(self) -> str:
        return f"请查看并处理：{self.about}"
