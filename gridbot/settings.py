"""One settings object: `GRIDBOT_*` environment variables, then an optional TOML file, then defaults."""

from __future__ import annotations

import os
import re
from datetime import time
from itertools import pairwise
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

DEFAULT_DATABASE_URL = "sqlite:///./gridbot.db"
SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–—~至]\s*(\d{1,2}):(\d{2})\s*$")


def parse_span(text: str) -> tuple[time, time]:
    """`08:30-12:00` → (08:30, 12:00); raises ValueError for anything else."""
    match = SPAN.match(text)
    if match is None:
        raise ValueError(f"“{text}”应写作 HH:MM-HH:MM，例如 08:30-12:00")
    h1, m1, h2, m2 = (int(part) for part in match.groups())
    return time(h1, m1), time(h2, m2)


class Settings(BaseSettings):
    """Deployment configuration. Secrets come only from the environment or the config file."""

    model_config = SettingsConfigDict(env_prefix="GRIDBOT_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "Asia/Shanghai"
    bot_name: str = "网格助手"

    # Flow rules (workflow.md §3)
    photo_window_minutes: int = 10
    warning_late_hours: float = 24.0
    category_confidence_threshold: float = 0.34

    # Time (workflow.md §5)
    digest_time: time = time(8, 0)
    reminder_fractions: list[float] = Field(default_factory=lambda: [0.5])
    reminder_before_hours: float = 1.0
    open_event_reminder_hours: float = 72.0
    directive_ack_hours: float = 2.0
    silent_grid_days: int = 7
    center_dispatch_hours: float = 4.0  # 待派单: the center's limit to dispatch
    center_verify_hours: float = 24.0  # 待核查: the center's limit to verify a resolved event (one working day)
    directive_review_hours: float = 4.0  # 待审核: each center's limit to review a directive
    # Working time (deadlines.py): limits count these hours of Chinese working days, except urgent matters
    working_hours: list[str] = Field(default_factory=lambda: ["08:30-12:00", "14:00-18:00"])
    quiet_hours: str = "21:00-07:30"  # no timed reminder or @ of a non-urgent matter in these hours ("" = none)
    warning_match_hours: float = 72.0  # a warning this long before an external record counts as its warning
    score_rules: dict[str, float] = Field(
        default_factory=lambda: {
            "report": 1.0,  # a report by the grid's 专职网格员
            "self_resolved": 1.0,  # closed in the grid (自办结)
            "warning_timely_true": 3.0,  # a warning verified 属实 and not late
            "warning_late": -2.0,  # 迟报
            "warning_missed": -3.0,  # 未报: an imported warning-type record with no warning from the grid before it
            "unqualified": -3.0,  # 抽查不合格
            "task_on_time": 1.0,  # a directive task done before its deadline
            "task_overdue": -1.0,  # a directive task not done by its deadline
        }
    )

    # Channels (issue 7)
    wecom_api_base: str = "https://qyapi.weixin.qq.com"
    wecom_corp_id: str = ""
    wecom_app_token: SecretStr = SecretStr("")
    wecom_app_aes_key: SecretStr = SecretStr("")
    wecom_app_secret: SecretStr = SecretStr("")
    wecom_app_agent_id: str = ""
    wecom_bot_token: SecretStr = SecretStr("")
    wecom_bot_aes_key: SecretStr = SecretStr("")
    wecom_bot_ws_url: str = ""
    wecom_bot_id: str = ""
    wecom_bot_secret: SecretStr = SecretStr("")
    wecom_bot_name: str = "网格助手"  # the @-mention the AI bot's messages start with
    gateway_secret: SecretStr = SecretStr("")
    gateway_url: str = ""

    # Channel bindings by group name (wecom_chat_id, robot_key, appchat_id, gateway_room); they override the
    # organisation file's `bindings:` (e.g. GRIDBOT_BINDINGS='{"东村第一网格群": {"robot_key": "…"}}').
    bindings: dict[str, dict[str, str]] = Field(default_factory=dict)

    # Outbox pacing (bot/pacing.py): POSTs per window per target, by channel kind (a kind not listed is not
    # paced), with a burst of `rate_bursts` in window × burst / limit. WeCom's robot allows 20 a minute; the app's
    # 1:1 messages 30 a minute per member. The window is a second longer than WeCom's minute, for clock skew.
    rate_limits: dict[str, float] = Field(
        default_factory=lambda: {"robot": 20.0, "appchat": 60.0, "app": 30.0, "bot": 20.0, "gateway": 60.0}
    )
    rate_bursts: dict[str, int] = Field(default_factory=lambda: {"robot": 5, "bot": 5, "app": 10, "appchat": 10})
    rate_window_seconds: float = 61.0
    send_max_attempts: int = 8
    max_body_bytes: int = 1_000_000

    # Photos (images people send): kept as files named by their sha256 under media_dir; JPEG, PNG, GIF or WebP
    # (by their first bytes) up to max_image_bytes, anything else refused and recorded.
    media_dir: Path = Path("./media")
    max_image_bytes: int = 10_000_000

    @field_validator("digest_time", mode="before")
    @classmethod
    def _parse_clock_time(cls, value: Any) -> Any:
        if isinstance(value, str) and len(value) <= 5 and ":" in value:
            hours, minutes = value.split(":")
            return time(int(hours), int(minutes))
        return value

    @field_validator("working_hours", mode="before")
    @classmethod
    def _split_working_hours(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.lstrip().startswith("["):
            return [part for part in re.split(r"[,，;；\s]+", value) if part]
        return value

    @field_validator("working_hours")
    @classmethod
    def _check_working_hours(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("working_hours 至少要有一段工作时间")
        spans = sorted(parse_span(text) for text in value)
        for start, end in spans:
            if start >= end:
                raise ValueError(f"工作时间 {start:%H:%M}-{end:%H:%M} 应在同一天内、先开始后结束")
        for (_, end), (start, _) in pairwise(spans):
            if start < end:
                raise ValueError("working_hours 的各段工作时间不能重叠")
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _check_quiet_hours(cls, value: str) -> str:
        if value.strip():
            start, end = parse_span(value)
            if start == end:
                raise ValueError("quiet_hours 的开始和结束不能相同")
        return value.strip()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = os.environ.get("GRIDBOT_CONFIG")
        if config_file:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(config_file)))
        return tuple(sources)


def load_settings(**overrides: Any) -> Settings:
    return Settings(**overrides)
