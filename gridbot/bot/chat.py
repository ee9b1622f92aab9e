"""`gridbot chat`: a terminal conversation through the simulator channel (pick a person and a group, type)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from gridbot.bot.channels.simulator import Delivered
from gridbot.bot.scenario import ScenarioPlay, StepFailed, parse_duration
from gridbot.clock import local
from gridbot.settings import Settings
from gridbot.storage.models.org import Group, Person

HELP = """命令：
  /as 姓名        以此人身份发言        /in 群名       在此群发言
  /people        列出人员              /groups        列出群
  /image         发一张图片            /wait 2h       时间前进（30m、2h、3d），到期的提醒和日报照常发出
  /help          本说明                /quit          退出
其他输入都作为消息发送；在一行里用 \\n 表示换行（模板上报）。"""


class ChatSession:
    """The REPL's state; `handle` takes one typed line and returns what to print."""

    def __init__(self, engine: Engine, settings: Settings, start: datetime) -> None:
        self.play = ScenarioPlay(engine, settings, start)
        self.person: str | None = None
        self.group: str | None = None
        self._shown = 0

    def prompt(self) -> str:
        return f"[{local(self.play.clock.now()):%m-%d %H:%M} {self.person or '?'}@{self.group or '?'}]> "

    def _names(self, model: type[Person] | type[Group]) -> list[str]:
        with Session(self.play.engine) as session:
            if model is Person:
                people = session.exec(select(Person).where(col(Person.active)).order_by(col(Person.id))).all()
                return [p.name for p in people]
            groups = session.exec(select(Group).where(col(Group.active)).order_by(col(Group.id))).all()
            return [g.name for g in groups]

    def _new_output(self) -> list[str]:
        transcript: list[Delivered] = self.play.channel.transcript
        fresh = transcript[self._shown :]
        self._shown = len(transcript)
        return [f"  [{d.conversation}] {self.play.channel.render(d)}" for d in fresh]

    async def handle(self, line: str) -> list[str]:
        line = line.strip()
        if not line:
            return []
        command, _, argument = line.partition(" ")
        argument = argument.strip()
        try:
            if command == "/help":
                return [HELP]
            if command == "/people":
                return ["、".join(self._names(Person))]
            if command == "/groups":
                return ["、".join(self._names(Group))]
            if command == "/as":
                if argument not in self._names(Person):
                    return [f"（注意：{argument} 不在组织架构中，将作为未登记的人发言）", *self._set_person(argument)]
                return self._set_person(argument)
            if command == "/in":
                if argument not in self._names(Group):
                    return [f"没有这个群：{argument}。用 /groups 查看"]
                self.group = argument
                return []
            if command == "/wait":
                await self.play.advance_to(self.play.clock.now() + parse_duration(argument))
                return self._new_output() or ["（没有到期的消息）"]
            if self.person is None or self.group is None:
                return ["请先用 /as 姓名 和 /in 群名 选择发言人和群。"]
            step = {"by": self.person, "in": self.group}
            if command == "/image":
                await self.play.send(step, "image", "", {"media": "chat-image"})
            else:
                await self.play.send(step, "text", line.replace("\\n", "\n"))
        except StepFailed as problem:
            return [str(problem)]
        return self._new_output()

    def _set_person(self, name: str) -> list[str]:
        self.person = name
        return []
