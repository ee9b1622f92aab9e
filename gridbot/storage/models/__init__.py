"""SQLModel tables. Importing this package registers every table on `SQLModel.metadata`."""

from gridbot.storage.models.catalog import CatalogItemRow, CatalogSectorRow
from gridbot.storage.models.org import (
    AuditEntry,
    Department,
    District,
    Grid,
    Group,
    GroupKind,
    Person,
    Resident,
    Role,
    RoleAssignment,
    Town,
    Village,
)

__all__ = [
    "AuditEntry",
    "CatalogItemRow",
    "CatalogSectorRow",
    "Department",
    "District",
    "Grid",
    "Group",
    "GroupKind",
    "Person",
    "Resident",
    "Role",
    "RoleAssignment",
    "Town",
    "Village",
]
