"""Department directives (部门指令) and their per-grid tasks (workflow.md §4)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from gridbot.storage.types import UtcDateTime


class DirectiveStatus(StrEnum):
    PENDING_REVIEW = "pending_review"
    RETURNED = "returned"
    DISPATCHED = "dispatched"
    COMPLETED = "completed"


DIRECTIVE_STATUS_LABELS = {
    DirectiveStatus.PENDING_REVIEW: "待审核",
    DirectiveStatus.RETURNED: "已退回",
    DirectiveStatus.DISPATCHED: "已下发",
    DirectiveStatus.COMPLETED: "已完成",
}


class TaskStatus(StrEnum):
    DISPATCHED = "dispatched"
    ACKNOWLEDGED = "acknowledged"
    DONE = "done"


TASK_STATUS_LABELS = {TaskStatus.DISPATCHED: "未收到", TaskStatus.ACKNOWLEDGED: "已收到", TaskStatus.DONE: "已完成"}


class Directive(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    department_id: int = Field(foreign_key="department.id")
    issuer_id: int = Field(foreign_key="person.id")
    inbox_message_id: int | None = Field(default=None, foreign_key="inbox_message.id")
    title: str
    sector: str | None = None
    item_code: str | None = None
    kind: str | None = None  # 隐患排查 / 信息采集 / 政策宣传 / 服务群众 / 问题处置
    targets: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    grid_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    requirements: str = Field(default="", sa_column=Column(Text, nullable=False))
    deadline: datetime | None = Field(default=None, sa_type=UtcDateTime)
    persons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=DirectiveStatus.PENDING_REVIEW, index=True)
    review_chain: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    reviewers: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    return_reason: str | None = None
    review_since: datetime | None = Field(default=None, sa_type=UtcDateTime)  # the current center's review began
    created_at: datetime = Field(sa_type=UtcDateTime)
    updated_at: datetime = Field(sa_type=UtcDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UtcDateTime)

    @property
    def ref(self) -> str:
        return f"D{self.id}"


class DirectiveTask(SQLModel, table=True):
    __tablename__ = "directive_task"

    id: int | None = Field(default=None, primary_key=True)
    directive_id: int = Field(foreign_key="directive.id", index=True)
    grid_id: int = Field(foreign_key="grid.id", index=True)
    event_id: int | None = Field(default=None, foreign_key="event.id")
    status: str = Field(default=TaskStatus.DISPATCHED, index=True)
    deadline: datetime | None = Field(default=None, sa_type=UtcDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    done_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    result: str = Field(default="", sa_column=Column(Text, nullable=False))
    extension_requested_hours: float | None = None
    created_at: datetime = Field(sa_type=UtcDateTime)


class DirectiveHistory(SQLModel, table=True):
    """One change of a directive or one of its tasks: who, when, what, from → to."""

    __tablename__ = "directive_history"

    id: int | None = Field(default=None, primary_key=True)
    directive_id: int = Field(foreign_key="directive.id", index=True)
    task_id: int | None = Field(default=None, foreign_key="directive_task.id")
    at: datetime = Field(sa_type=UtcDateTime)
    actor_id: int | None = Field(default=None, foreign_key="person.id")
    action: str
    from_status: str | None = None
    to_status: str | None = None
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
