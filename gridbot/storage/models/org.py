"""The organisation: places, groups, departments, people and their roles (workflow.md §1, §7).

Nothing here is ever deleted: places and people are deactivated, roles are ended (valid_to).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from gridbot.storage.types import UtcDateTime


class Role(StrEnum):
    GRID_WORKER = "grid_worker"  # 专职网格员
    PART_TIME = "part_time"  # 兼职网格员
    FRONTLINE = "frontline"  # 部门一线人员
    GRID_CHIEF = "grid_chief"  # 网格长
    GRID_INSTRUCTOR = "grid_instructor"  # 网格指导员
    DEPT_STAFF = "dept_staff"  # 科室/部门人员
    SEAT = "seat"  # 网格中心坐席
    LEADER = "leader"  # 领导
    ADMIN = "admin"  # 管理员


ROLE_LABELS: dict[Role, str] = {
    Role.GRID_WORKER: "专职网格员",
    Role.PART_TIME: "兼职网格员",
    Role.FRONTLINE: "部门一线人员",
    Role.GRID_CHIEF: "网格长",
    Role.GRID_INSTRUCTOR: "网格指导员",
    Role.DEPT_STAFF: "部门人员",
    Role.SEAT: "网格中心坐席",
    Role.LEADER: "领导",
    Role.ADMIN: "管理员",
}


class GroupKind(StrEnum):
    GRID = "grid"
    DEPARTMENT = "department"
    TOWN_CENTER = "town_center"
    DISTRICT_CENTER = "district_center"
    TOWN_LEADERS = "town_leaders"
    DISTRICT_LEADERS = "district_leaders"


class District(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    active: bool = True


class Town(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    district_id: int = Field(foreign_key="district.id")
    active: bool = True


class Village(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    town_id: int = Field(foreign_key="town.id")
    active: bool = True


class Grid(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    village_id: int = Field(foreign_key="village.id")
    addresses: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    boundary: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    active: bool = True


class Department(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    level: str  # "town" or "district"
    town_id: int | None = Field(default=None, foreign_key="town.id")
    district_id: int = Field(foreign_key="district.id")
    sectors: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    items: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = True


class Group(SQLModel, table=True):
    """One chat group, bound to exactly one place (a grid, a department, a center or a leaders group)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    kind: str = Field(sa_type=String)  # a GroupKind value
    grid_id: int | None = Field(default=None, foreign_key="grid.id")
    department_id: int | None = Field(default=None, foreign_key="department.id")
    town_id: int | None = Field(default=None, foreign_key="town.id")
    district_id: int | None = Field(default=None, foreign_key="district.id")
    # Channel binding: any of wecom_chat_id, robot_key, appchat_id, gateway_room (issue 7).
    bindings: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    active: bool = True


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    userid: str | None = Field(default=None, unique=True, index=True)
    mobile: str | None = None
    active: bool = True


class RoleAssignment(SQLModel, table=True):
    """A role held in a scope for a period; ending a role sets valid_to and keeps the row."""

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    role: str = Field(sa_type=String, index=True)  # a Role value
    grid_id: int | None = Field(default=None, foreign_key="grid.id")
    village_id: int | None = Field(default=None, foreign_key="village.id")
    department_id: int | None = Field(default=None, foreign_key="department.id")
    town_id: int | None = Field(default=None, foreign_key="town.id")
    district_id: int | None = Field(default=None, foreign_key="district.id")
    valid_from: datetime = Field(sa_type=UtcDateTime)
    valid_to: datetime | None = Field(default=None, sa_type=UtcDateTime)

    def scope_key(self) -> tuple[str, int | None, int | None, int | None, int | None, int | None]:
        return (self.role, self.grid_id, self.village_id, self.department_id, self.town_id, self.district_id)


class Resident(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("name", "grid_id"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    address: str = ""
    grid_id: int = Field(foreign_key="grid.id")
    active: bool = True


class AuditEntry(SQLModel, table=True):
    """A change to the organisation or the catalog (who, when, what)."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UtcDateTime)
    actor: str
    action: str
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
