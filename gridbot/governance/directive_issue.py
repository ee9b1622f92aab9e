"""Issuing a department directive (部门指令), workflow.md §4: the template's fields, the target grids, the
automatic checks that return a directive before any seat sees it, and the review chain it enters."""

from __future__ import annotations

import re

from gridbot.governance import lookup, scopes
from gridbot.governance.commands import DirectiveDraft, IssueDirective
from gridbot.governance.context import Context
from gridbot.governance.handlers import handles
from gridbot.governance.history import directive_change
from gridbot.governance.permissions import Action
from gridbot.governance.refusals import require
from gridbot.notices.directives import (
    DirectiveAutoReturned,
    DirectiveBrief,
    DirectiveFieldMissing,
    DirectiveForReview,
    DirectiveSubmitted,
    WrongPlaceDirective,
)
from gridbot.storage import org_repo
from gridbot.storage.models.directives import Directive
from gridbot.storage.models.org import Department, District, Grid, Group, GroupKind, Town

DIRECTIVE_KINDS = ("隐患排查", "信息采集", "政策宣传", "服务群众", "问题处置")
WHOLE_TOWN = ("全镇", "全街道", "全部网格", "所有网格", "全区")
MIN_REQUIREMENT_CHARS = 4
# Stock phrases that say nothing concrete; a requirement made only of them (and filler) is 办理要求不明确.
VAGUE_PHRASES = (
    "按要求办理",
    "按要求执行",
    "按要求落实",
    "按照要求",
    "抓紧落实",
    "认真落实",
    "抓好落实",
    "狠抓落实",
    "落实到位",
    "尽快处理",
    "及时处理",
    "尽快办理",
    "高度重视",
    "引起重视",
    "遵照执行",
    "贯彻执行",
    "切实做好",
    "认真做好",
    "做好相关工作",
    "相关工作",
    "按时完成",
    "加强管理",
    "务必",
    "确保",
)
VAGUE_FILLER = re.compile(r"[请要并且及时认真切实各网格相关工作等和与的了。，,、；;！!．.\s]")
PERSON_NOTE = re.compile(r"[（(].*?[)）]")


def vague(requirement: str) -> bool:
    """No concrete requirement: too short, or nothing left once stock phrases and filler words are removed."""
    rest = requirement.strip()
    for phrase in sorted(VAGUE_PHRASES, key=len, reverse=True):
        rest = rest.replace(phrase, "")
    return len(requirement.strip()) < MIN_REQUIREMENT_CHARS or len(VAGUE_FILLER.sub("", rest)) < MIN_REQUIREMENT_CHARS


def _missing_field(draft: DirectiveDraft) -> str | None:
    """The first field the template needs that is missing or unreadable (the reply says how to write it)."""
    if not draft.title:
        return "title"
    if not draft.kind or draft.kind not in DIRECTIVE_KINDS:
        return "kind"
    if not draft.targets:
        return "targets"
    if draft.deadline_unreadable:
        return "deadline"
    return None


def _town_names(target: str) -> tuple[str, ...]:
    """The town names a target may mean: itself, or with 全镇/全街道 taken off (永乐镇全镇, 永乐全镇)."""
    for suffix in ("全镇", "全街道", "全域"):
        if target.endswith(suffix) and len(target) > len(suffix):
            base = target[: -len(suffix)]
            return (target, base, f"{base}镇", f"{base}街道")
    return (target,)


def _town_of_grid(ctx: Context, grid: Grid) -> int:
    return org_repo.village(ctx.session, grid.village_id).town_id


def grids_for_targets(
    ctx: Context, department: Department, targets: list[str]
) -> tuple[list[Grid], list[str], list[str]]:
    """The grids the targets name (whole town, villages, grids), the targets that name none, and (for a town
    department) the targets that name grids of another town."""
    grids: dict[int, Grid] = {}
    unknown: list[str] = []
    foreign: list[str] = []
    towns = org_repo.towns_of_district(ctx.session, department.district_id)
    towns_by_name = {t.name: t.id for t in towns if t.id is not None}

    def add_town(town_id: int) -> None:
        grids.update({g.id: g for g in org_repo.grids_of_town(ctx.session, town_id) if g.id})

    for target in targets:
        name = target.strip()
        town_named = next((towns_by_name[n] for n in _town_names(name) if n in towns_by_name), None)
        if town_named is not None:  # 永乐镇 / 永乐镇全镇: every grid of that town
            add_town(town_named)
            continue
        if name in WHOLE_TOWN:  # a town department's own town; a district department's whole district
            for town_id in [department.town_id] if department.town_id is not None else [t.id for t in towns]:
                if town_id is not None:
                    add_town(town_id)
            continue
        grid = org_repo.grid_by_name(ctx.session, name)
        village = org_repo.village_by_name(ctx.session, name)
        named: list[Grid]
        if grid is not None:
            named = [grid]
        elif village is not None and village.id is not None:
            named = list(org_repo.grids_of_village(ctx.session, village.id))
        else:
            unknown.append(name)
            continue
        if department.town_id is not None and any(_town_of_grid(ctx, g) != department.town_id for g in named):
            foreign.append(name)
            continue
        grids.update({g.id: g for g in named if g.id is not None})
    return sorted(grids.values(), key=lambda g: g.id or 0), unknown, foreign


def _person_in_grids(ctx: Context, text: str, grid_ids: set[int]) -> bool:
    """A person concerned must live (resident) or work (a role) in one of the target grids."""
    name = PERSON_NOTE.sub("", text).strip()
    if not name:
        return True
    for grid_id in grid_ids:
        if any(r.name == name for r in org_repo.residents_of_grid(ctx.session, grid_id)):
            return True
    person = org_repo.person_by_name(ctx.session, name)
    if person is None or person.id is None:
        return False
    villages = {org_repo.grid(ctx.session, g).village_id for g in grid_ids}
    return any(
        role.grid_id in grid_ids or role.village_id in villages
        for role in org_repo.current_roles(ctx.session, person.id)
    )


def _automatic_return_reason(ctx: Context, directive: Directive, unknown: list[str], foreign: list[str]) -> str | None:
    if directive.sector is None:
        return "不属于入格事项范围"
    if unknown:
        return f"网格不存在：{'、'.join(unknown)}"
    if foreign:
        return f"网格不在本镇：{'、'.join(foreign)}"
    if not directive.grid_ids:
        return "没有可下发的网格"
    if vague(directive.requirements):
        return "办理要求不明确"
    if directive.deadline is None or directive.deadline <= ctx.now:
        return "时限不明确"
    outside = [p for p in directive.persons if not _person_in_grids(ctx, p, set(directive.grid_ids))]
    if outside:
        return f"涉及人员不在网格内（{'、'.join(PERSON_NOTE.sub('', p) for p in outside)}）"
    return None


def _review_chain(ctx: Context, department: Department, grids: list[Grid]) -> list[str]:
    """Town department: its town center. District department: the district center, then each town concerned."""
    if department.level == "town" and department.town_id is not None:
        return [f"town:{department.town_id}"]
    towns = sorted({_town_of_grid(ctx, g) for g in grids})
    return [f"district:{department.district_id}", *(f"town:{t}" for t in towns)]


def center(ctx: Context, key: str) -> tuple[str, Group | None]:
    """A center of the review chain (`town:3`, `district:1`): its name and its group."""
    kind, raw = key.split(":")
    if kind == "town":
        town = ctx.session.get(Town, int(raw))
        assert town is not None
        return town.name, org_repo.group_of(ctx.session, GroupKind.TOWN_CENTER, town_id=int(raw))
    district = ctx.session.get(District, int(raw))
    assert district is not None
    return district.name, org_repo.group_of(ctx.session, GroupKind.DISTRICT_CENTER, district_id=int(raw))


def brief(ctx: Context, directive: Directive) -> DirectiveBrief:
    return DirectiveBrief(
        ref=directive.ref,
        department=org_repo.department(ctx.session, directive.department_id).name,
        title=directive.title,
        sector=directive.sector or "",
        kind=directive.kind or "",
        targets="、".join(directive.targets),
        grids=len(directive.grid_ids),
        requirements=directive.requirements,
        deadline=directive.deadline,
    )


@handles(IssueDirective)
def issue(ctx: Context, command: IssueDirective) -> None:
    if not ctx.place.is_department:
        ctx.reply(WrongPlaceDirective())
        return
    assert ctx.place.department_id is not None
    department = org_repo.department(ctx.session, ctx.place.department_id)
    if not require(ctx, Action.DIRECTIVE_ISSUE, scopes.of_department(department), "以本部门名义下发指令"):
        return
    draft = command.draft
    missing = _missing_field(draft)
    if missing is not None:
        ctx.reply(DirectiveFieldMissing(field=missing, kinds=DIRECTIVE_KINDS))
        return
    assert department.id is not None
    targets = list(draft.targets)
    grids, unknown, foreign = grids_for_targets(ctx, department, targets)
    # The content must be an item of the catalog: a weak guess from loose words (below the threshold at which a
    # report would ask for its category) does not make it one.
    in_catalog = draft.sector is not None and draft.confidence >= ctx.settings.category_confidence_threshold
    directive = Directive(
        department_id=department.id,
        issuer_id=ctx.actor.id,
        inbox_message_id=ctx.source_message_id,
        title=draft.title or "",
        sector=draft.sector if in_catalog else None,
        item_code=draft.item if in_catalog else None,
        kind=draft.kind,
        targets=targets,
        grid_ids=[g.id for g in grids if g.id is not None],
        requirements=draft.requirements,
        deadline=draft.deadline,
        persons=list(draft.persons),
        review_chain=_review_chain(ctx, department, grids),
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    directive_change(ctx, directive, "create", note=directive.title)
    reason = _automatic_return_reason(ctx, directive, unknown, foreign)
    if reason is not None:
        directive.return_reason = reason
        directive_change(ctx, directive, "auto_return", note=reason)
        ctx.reply(DirectiveAutoReturned(ref=directive.ref, reason=reason))
        return
    center_name, center_group = center(ctx, directive.review_chain[0])
    ctx.post(center_group, DirectiveForReview(brief(ctx, directive)))
    ctx.reply(DirectiveSubmitted(ref=directive.ref, center=center_name, grids=len(directive.grid_ids)))


def issuer_group(ctx: Context, directive: Directive) -> Group | None:
    return lookup.department_group(ctx.session, directive.department_id)
