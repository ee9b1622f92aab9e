"""Queries on directives and their tasks (for the rules)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from gridbot.storage.models.directives import Directive, DirectiveStatus, DirectiveTask, TaskStatus


def tasks_of(session: Session, directive_id: int) -> list[DirectiveTask]:
    return list(
        session.exec(
            select(DirectiveTask).where(DirectiveTask.directive_id == directive_id).order_by(col(DirectiveTask.id))
        ).all()
    )


def task_for_grid(session: Session, directive_id: int, grid_id: int) -> DirectiveTask | None:
    return session.exec(
        select(DirectiveTask).where(DirectiveTask.directive_id == directive_id, DirectiveTask.grid_id == grid_id)
    ).first()


def tasks_waiting_in_grid(session: Session, grid_id: int) -> list[DirectiveTask]:
    """Tasks of the grid not yet acknowledged (收到)."""
    return list(
        session.exec(
            select(DirectiveTask).where(DirectiveTask.grid_id == grid_id, DirectiveTask.status == TaskStatus.DISPATCHED)
        ).all()
    )


def open_tasks_of_grids(session: Session, grid_ids: Iterable[int]) -> list[DirectiveTask]:
    """Tasks of these grids not yet done, oldest first."""
    return list(
        session.exec(
            select(DirectiveTask)
            .where(col(DirectiveTask.grid_id).in_(list(grid_ids)), DirectiveTask.status != TaskStatus.DONE)
            .order_by(col(DirectiveTask.id))
        ).all()
    )


def live_tasks(session: Session) -> list[DirectiveTask]:
    """Tasks still to acknowledge or to complete."""
    return list(
        session.exec(
            select(DirectiveTask).where(col(DirectiveTask.status).in_([TaskStatus.DISPATCHED, TaskStatus.ACKNOWLEDGED]))
        ).all()
    )


def directives_of_live_tasks(session: Session) -> dict[int, Directive]:
    """The directives that have a task still to acknowledge or complete, by id (one query)."""
    live = select(DirectiveTask.directive_id).where(
        col(DirectiveTask.status).in_([TaskStatus.DISPATCHED, TaskStatus.ACKNOWLEDGED])
    )
    found = session.exec(select(Directive).where(col(Directive.id).in_(live))).all()
    return {directive.id: directive for directive in found if directive.id is not None}


def pending_review(session: Session) -> list[Directive]:
    """Directives waiting for a center's review (待审核), oldest first."""
    return list(
        session.exec(
            select(Directive).where(Directive.status == DirectiveStatus.PENDING_REVIEW).order_by(col(Directive.id))
        ).all()
    )


def extension_requests_of(session: Session, department_ids: Iterable[int]) -> list[DirectiveTask]:
    """Open tasks of these departments' directives that ask for more time."""
    mine = select(Directive.id).where(col(Directive.department_id).in_(list(department_ids)))
    return list(
        session.exec(
            select(DirectiveTask)
            .where(col(DirectiveTask.directive_id).in_(mine), col(DirectiveTask.extension_requested_hours).is_not(None))
            .order_by(col(DirectiveTask.id))
        ).all()
    )
