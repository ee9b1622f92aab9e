"""`gridbot scenario`: play conversations (scenarios.md) against a fresh store with a simulated clock."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlmodel import Session, select

from gridbot.bot.channels.simulator import Delivered, SimulatorChannel
from gridbot.bot.dispatcher import Dispatcher
from gridbot.bot.messages import IncomingMessage
from gridbot.bot.metrics import Metrics
from gridbot.bot.outbox import next_attempt
from gridbot.bot.sender import Sender
from gridbot.clock import SHANGHAI, SimulatedClock
from gridbot.governance.lookup import holder_name
from gridbot.governance.scores import score_of, update_ledger
from gridbot.schedules.runner import DueWork
from gridbot.settings import Settings
from gridbot.storage import event_repo, org_repo
from gridbot.storage.database import transaction
from gridbot.storage.fresh import fresh_store
from gridbot.storage.importers import import_org_node
from gridbot.storage.models.directives import Directive, DirectiveTask, TaskStatus
from gridbot.storage.models.events import Event
from gridbot.storage.yamlfile import ImportFileError, load_yaml_file

DEFAULT_START = datetime(2026, 4, 1, 9, 0, tzinfo=SHANGHAI)
DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])")
DURATION = re.compile(r"^\s*(?:\d+(?:\.\d+)?\s*[smhd]\s*)+$")
UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


class StepFailed(Exception):
    """A step whose expectation did not hold; the message says what was expected and what happened."""


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    path: Path
    title: str
    passed: bool
    message: str = ""

    def line(self) -> str:
        return f"PASS {self.title}" if self.passed else f"FAIL {self.title}: {self.message}"


def parse_moment(value: Any) -> datetime:
    """`2026-04-01 09:00` (local time) or a YAML timestamp."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=SHANGHAI) if value.tzinfo is None else value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=SHANGHAI)
        except ValueError:
            continue
    raise StepFailed(f"时间“{text}”看不懂（应为 2026-04-01 09:00）")


def parse_duration(value: Any) -> timedelta:
    """`30m`, `2h`, `3d`, or combined such as `1h30m` / `2d 4h`."""
    text = str(value).strip().lower()
    if not DURATION.match(text):
        raise StepFailed(f"时长“{value}”看不懂（应为 30m、2h、3d 或 1h30m）")
    total = timedelta()
    for amount, unit in DURATION_PART.findall(text):
        total += timedelta(**{UNITS[unit]: float(amount)})
    return total


def _strings(value: Any, what: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str | int | float):
        return [str(value)]
    if isinstance(value, list):
        return [str(v) for v in value]
    raise StepFailed(f"{what} 应为字符串列表")


class ScenarioPlay:
    """One scenario being played: its store, clock, channel and the cursors of `posted` steps."""

    def __init__(self, engine: Engine, settings: Settings, start: datetime) -> None:
        self.engine = engine
        self.settings = settings
        self.clock = SimulatedClock(start)
        self.channel = SimulatorChannel()
        self.dispatcher = Dispatcher(engine, settings, self.clock)
        # The production sender, paced by the simulated clock: a scenario proves what a deployment does.
        self.sender = Sender(engine, [self.channel], settings, self.clock, Metrics())
        self.due = DueWork(engine, settings, since=start)
        self.counter = 0
        self.cursors: dict[str, int] = {}

    async def deliver(self) -> None:
        """Send everything due now, as the server's sender would."""
        await self.sender.deliver_due()

    async def advance_to(self, target: datetime) -> None:
        """Move the clock, running every scheduled job that falls due meanwhile at its own moment."""
        if target < self.clock.now():
            raise StepFailed(f"时间不能倒退（现在 {self.clock.now():%Y-%m-%d %H:%M}）")
        while True:
            moments = [self.due.next_due(self.clock.now(), target), next_attempt(self.engine, self.clock.now(), target)]
            moment = min((m for m in moments if m is not None), default=None)
            if moment is None:
                break
            self.clock.set(moment)
            self.due.run(moment)
            await self.deliver()
        self.clock.set(target)
        await self.deliver()

    async def send(
        self, step: dict[str, Any], kind: str, text: str = "", payload: dict[str, Any] | None = None
    ) -> int | None:
        by, group = step.get("by"), step.get("in")
        if not by or not group:
            raise StepFailed("消息步骤需要 by 和 in")
        self.counter += 1
        incoming = IncomingMessage(
            channel="simulator",
            message_id=f"m{self.counter}",
            conversation=str(group),
            sender=str(by),
            sent_at=self.clock.now(),
            text=text,
            kind=kind,
            payload=payload or {},
        )
        handled = self.dispatcher.handle(incoming)
        await self.deliver()
        return handled.inbox_id

    def replies(self, inbox_id: int | None, group: str) -> list[Delivered]:
        return [d for d in self.channel.transcript if d.in_reply_to == inbox_id and d.conversation == group]

    def seen(self, group: str) -> list[Delivered]:
        messages = [d for d in self.channel.transcript if d.conversation == group]
        return messages[self.cursors.get(group, 0) :]

    def mark(self, group: str) -> None:
        self.cursors[group] = len([d for d in self.channel.transcript if d.conversation == group])


async def _say(play: ScenarioPlay, step: dict[str, Any]) -> None:
    inbox_id = await play.send(step, "text", str(step["say"]))
    replies = play.replies(inbox_id, str(step["in"]))
    shown = " | ".join(play.channel.render(r) for r in replies) or "（无回复）"
    if step.get("no_reply") and replies:
        raise StepFailed(f"期望不回复，实际回复：{shown}")
    expected = _strings(step.get("reply"), "reply")
    text = "\n".join(play.channel.render(r) for r in replies)
    missing = [s for s in expected if s not in text]
    if missing:
        raise StepFailed(f"回复中应含 {missing}，实际回复：{shown}")


async def _image(play: ScenarioPlay, step: dict[str, Any]) -> None:
    spec = step["image"]
    if not isinstance(spec, dict):
        raise StepFailed("image 步骤应为 {by, in}")
    await play.send(spec, "image", "", {"media": f"image-{play.counter + 1}"})


async def _location(play: ScenarioPlay, step: dict[str, Any]) -> None:
    spec = step["location"]
    if not isinstance(spec, dict):
        raise StepFailed("location 步骤应为 {by, in, lat, lng, label}")
    payload = {"lat": spec.get("lat", 0), "lng": spec.get("lng", 0), "label": spec.get("label", "")}
    await play.send(spec, "location", "", payload)


def _matches(play: ScenarioPlay, delivered: Delivered, contains: list[str], mentions: list[str]) -> bool:
    text = play.channel.render(delivered)
    return all(s in text for s in contains) and all(name in delivered.mentions for name in mentions)


async def _posted(play: ScenarioPlay, step: dict[str, Any]) -> None:
    spec = step["posted"]
    group = str(spec.get("in", ""))
    contains, mentions = (
        _strings(spec.get("contains"), "contains"),
        _strings(spec.get("mentions"), "mentions"),
    )
    candidates = play.seen(group)
    play.mark(group)
    if not any(_matches(play, d, contains, mentions) for d in candidates):
        shown = " | ".join(play.channel.render(d) for d in candidates) or "（没有新消息）"
        raise StepFailed(f"{group} 应有含 {contains} 且 @{mentions} 的消息，实际：{shown}")


async def _not_posted(play: ScenarioPlay, step: dict[str, Any]) -> None:
    spec = step["not_posted"]
    group = str(spec.get("in", ""))
    contains = _strings(spec.get("contains"), "contains")
    candidates = play.seen(group)
    play.mark(group)
    offending = [d for d in candidates if _matches(play, d, contains, [])]
    if offending:
        raise StepFailed(f"{group} 不应有含 {contains} 的消息，实际：{play.channel.render(offending[0])}")


async def _wait(play: ScenarioPlay, step: dict[str, Any]) -> None:
    await play.advance_to(play.clock.now() + parse_duration(step["wait"]))


async def _until(play: ScenarioPlay, step: dict[str, Any]) -> None:
    await play.advance_to(parse_moment(step["until"]))


def _compare(name: str, expected: Any, actual: Any, failures: list[str]) -> None:
    if isinstance(expected, list) and name == "flags":
        if not set(map(str, expected)) <= set(actual):
            failures.append(f"{name} 应包含 {expected}，实际 {actual}")
        return
    if isinstance(expected, bool) or isinstance(actual, bool):
        ok = bool(expected) == bool(actual)
    elif isinstance(expected, int | float) and not isinstance(expected, bool):
        ok = actual == expected
    else:
        ok = str(expected) == str(actual)
    if not ok:
        failures.append(f"{name} 应为 {expected}，实际 {actual}")


EVENT_KEYS = (
    "status",
    "level",
    "closure",
    "sector",
    "item",
    "warning",
    "grid",
    "holder",
    "returns",
    "flags",
    "source",
    "photos",
    "location",
)


async def _event(play: ScenarioPlay, step: dict[str, Any]) -> None:
    spec = step["event"]
    ref = str(spec.get("ref", ""))
    match = re.fullmatch(r"E(\d+)", ref)
    with Session(play.engine) as session:
        event = session.get(Event, int(match.group(1))) if match else None
        if event is None or event.id is None:
            raise StepFailed(f"事件 {ref} 不存在")
        failures: list[str] = []
        for key, expected in spec.items():
            if key == "ref":
                continue
            if key not in EVENT_KEYS:
                raise StepFailed(f"event 步骤不认识的键 {key}")
            if key == "item":
                item = play.dispatcher.catalog(session).item(event.item_code) if event.item_code else None
                actual: Any = event.item_code
                if item is not None and str(expected) == item.name:
                    actual = item.name
            elif key == "grid":
                actual = org_repo.grid(session, event.grid_id).name
            elif key == "holder":
                actual = holder_name(session, event)
            elif key == "photos":
                actual = event_repo.photo_count(session, event.id)
            elif key == "location":
                actual = event.location or ""
                if str(expected) not in actual:
                    failures.append(f"location 应含 {expected}，实际 {actual}")
                continue
            else:
                actual = getattr(event, key)
            _compare(key, expected, actual, failures)
    if failures:
        raise StepFailed(f"{ref}：" + "；".join(failures))


DIRECTIVE_KEYS = ("status", "tasks", "tasks_acked", "tasks_done", "reviewers")


async def _directive(play: ScenarioPlay, step: dict[str, Any]) -> None:
    spec = step["directive"]
    ref = str(spec.get("ref", ""))
    match = re.fullmatch(r"D(\d+)", ref)
    with Session(play.engine) as session:
        directive = session.get(Directive, int(match.group(1))) if match else None
        if directive is None:
            raise StepFailed(f"指令 {ref} 不存在")
        tasks = session.exec(select(DirectiveTask).where(DirectiveTask.directive_id == directive.id)).all()
        actual = {
            "status": directive.status,
            "tasks": len(tasks),
            "tasks_acked": sum(1 for t in tasks if t.acknowledged_at is not None),
            "tasks_done": sum(1 for t in tasks if t.status == TaskStatus.DONE),
            "reviewers": list(directive.reviewers),
        }
    failures: list[str] = []
    for key, expected in spec.items():
        if key == "ref":
            continue
        if key not in DIRECTIVE_KEYS:
            raise StepFailed(f"directive 步骤不认识的键 {key}")
        if key == "reviewers":
            if _strings(expected, "reviewers") != actual["reviewers"]:
                failures.append(f"reviewers 应为 {expected}，实际 {actual['reviewers']}")
            continue
        _compare(key, expected, actual[key], failures)
    if failures:
        raise StepFailed(f"{ref}：" + "；".join(failures))


async def _score(play: ScenarioPlay, step: dict[str, Any]) -> None:
    spec = step["score"]
    person, month = str(spec.get("person", "")), str(spec.get("month", ""))
    with Session(play.engine) as session:
        found = org_repo.person_by_name(session, person)
        if found is None or found.id is None:
            raise StepFailed(f"人员 {person} 不存在")
        update_ledger(session, play.settings, play.clock.now())
        session.commit()
        value = score_of(session, found.id, month)
    low, high = spec.get("min", float("-inf")), spec.get("max", float("inf"))
    if not low <= value <= high:
        raise StepFailed(f"{person} {month} 得分应在 [{low}, {high}]，实际 {value:g}")


STEPS: dict[str, Callable[[ScenarioPlay, dict[str, Any]], Any]] = {
    "say": _say,
    "image": _image,
    "location": _location,
    "posted": _posted,
    "not_posted": _not_posted,
    "wait": _wait,
    "until": _until,
    "event": _event,
    "directive": _directive,
    "score": _score,
}


def _settings(base: Settings, overrides: Any) -> Settings:
    if overrides is None:
        return base
    if not isinstance(overrides, dict):
        raise StepFailed("settings 应为键值对")
    try:
        return Settings.model_validate({**base.model_dump(), **overrides})
    except ValidationError as error:
        raise StepFailed(f"settings 有误：{error.errors()[0]['msg']}") from None


async def run_scenario(path: Path, base: Settings) -> ScenarioResult:
    """Play one file; every problem (malformed file included) is a failure, never a crash."""
    title = path.stem
    try:
        root = load_yaml_file(path)
        if not isinstance(root.value, dict):
            raise StepFailed("场景文件应为键值对")
        title = str(root.plain().get("title") or path.stem)
        data = root.plain()
        settings = _settings(base, data.get("settings"))
        start = parse_moment(data["start"]) if data.get("start") else DEFAULT_START
        org = root.get("org")
        if org is None:
            raise StepFailed("缺少 org")
        steps = data.get("steps") or []
        if not isinstance(steps, list):
            raise StepFailed("steps 应为列表")
        with fresh_store(settings.database_url) as engine:
            with transaction(engine) as session:
                import_org_node(session, org, now=start, actor="scenario")
            play = ScenarioPlay(engine, settings, start)
            for number, step in enumerate(steps, start=1):
                try:
                    await _run_step(play, step)
                except StepFailed as failure:
                    return ScenarioResult(path, title, False, f"step {number}: {failure}")
    except ImportFileError as error:
        return ScenarioResult(path, title, False, f"组织架构有误：{error}")
    except StepFailed as failure:
        return ScenarioResult(path, title, False, str(failure))
    return ScenarioResult(path, title, True)


async def _run_step(play: ScenarioPlay, step: Any) -> None:
    if not isinstance(step, dict):
        raise StepFailed(f"步骤格式不对：{step!r}")
    kinds = [key for key in step if key in STEPS]
    if len(kinds) != 1:
        raise StepFailed(f"步骤应有且只有一个动作（{'/'.join(STEPS)}），实际：{list(step)}")
    await STEPS[kinds[0]](play, step)


def scenario_files(paths: Iterable[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            # A folder may also hold organisation files (org-example.yaml): they are not scenarios.
            files.extend(sorted(p for p in path.rglob("*.yaml") if not _is_organisation_file(p)))
        else:
            files.append(path)
    return files


def _is_organisation_file(path: Path) -> bool:
    """An organisation file (top-level `district`, no `steps`) rather than a scenario."""
    try:
        data = load_yaml_file(path).plain()
    except ImportFileError:
        return False
    return isinstance(data, dict) and "district" in data and "steps" not in data
