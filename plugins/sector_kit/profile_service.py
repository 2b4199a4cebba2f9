"""Editing a sector profile: scoped like `updateOrganization`, versioned and audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import service as audit
from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.db import utcnow
from core.graphql.errors import ErrorCode, ServiceError
from core.orgs.models import Organization, Sector
from core.orgs.scope import manageable, visible
from core.plugin_admin.models import PluginState
from plugins.sector_kit.profiles import Check, ProfileSpec, Value

VERSION_FIELD = "expectedVersion"


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def check_value(spec: ProfileSpec, name: str, value: Value) -> None:
    """Refuse a value outside its check (INVALID naming the input field)."""
    check = spec.checks.get(name, Check())
    where = _camel(name)
    if isinstance(value, str):
        cleaned = value.strip()
        if not cleaned:
            raise ServiceError(ErrorCode.INVALID, f"{where} 不能为空 (blank)", where)
        if len(cleaned) > check.max_length:
            raise ServiceError(
                ErrorCode.INVALID, f"{where} 超过 {check.max_length} 个字符 (too long)", where
            )
        if check.choices and cleaned not in check.choices:
            raise ServiceError(
                ErrorCode.INVALID,
                f"{where}={cleaned!r} 不在可选值 {', '.join(check.choices)} 中 (unknown)",
                where,
            )
    if isinstance(value, Decimal) and not value.is_finite():
        raise ServiceError(ErrorCode.INVALID, f"{where}={value} 不是有限数 (not finite)", where)
    number = isinstance(value, int | Decimal) and not isinstance(value, bool)
    if number and (
        (check.low is not None and value < check.low)  # type: ignore[operator]
        or (check.high is not None and value > check.high)  # type: ignore[operator]
    ):
        low = "" if check.low is None else f"{check.low:g}"
        high = "" if check.high is None else f"{check.high:g}"
        raise ServiceError(
            ErrorCode.INVALID, f"{where}={value} 应在 {low}–{high} 之间 (out of range)", where
        )


async def _organization(
    session: AsyncSession, principal: Principal, spec: ProfileSpec, org_id: int
) -> Organization:
    """The organisation, if visible, of the plugin's sector and manageable by the principal."""
    found = (
        await session.execute(
            select(Organization, manageable(principal, Permission.ORGS_MANAGE).label("may"))
            .join(Sector, Sector.id == Organization.sector_id)
            .where(Organization.id == org_id, Sector.code == spec.sector_code, visible(principal))
        )
    ).first()
    if found is None:
        raise ServiceError(
            ErrorCode.NOT_FOUND,
            f"组织不存在、不可见或不属于{spec.title}所在行业 (organisation not found)",
            "organizationId",
        )
    org: Organization = found[0]
    if not found[1] or not principal.can(Permission.ORGS_MANAGE):
        raise ServiceError(
            ErrorCode.FORBIDDEN, f"没有权限 orgs.manage：{org.name}", "organizationId"
        )
    return org


async def _require_enabled(session: AsyncSession, plugin: str) -> None:
    state = await session.get(PluginState, plugin)
    if state is None or not state.enabled:
        raise ServiceError(
            ErrorCode.NOT_FOUND, f"插件 {plugin} 未启用 (plugin disabled)", "organizationId"
        )


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a value for the audit event."""
    if isinstance(value, Decimal | dt.date):
        return str(value)
    return value


async def update_profile(
    *,
    session: AsyncSession,
    principal: Principal,
    spec: ProfileSpec,
    org_id: int,
    expected_version: int | None,
    values: dict[str, Value],
) -> tuple[Organization, Any]:
    """Create or change an organisation's profile; CONFLICT on a stale version."""
    await _require_enabled(session, spec.plugin)
    org = await _organization(session, principal, spec, org_id)
    for name, value in values.items():
        check_value(spec, name, value)
        if isinstance(value, str):
            values[name] = value.strip()
    row: Any = await session.get(spec.model, org_id, with_for_update=True)
    if row is None:
        if expected_version not in (None, 0):
            raise ServiceError(
                ErrorCode.CONFLICT, "该组织还没有档案：不要传 expectedVersion", VERSION_FIELD
            )
        row = spec.model(organization_id=org_id, version=0)
        session.add(row)
        previous: dict[str, Any] = {}
    else:
        if expected_version is None:
            raise ServiceError(ErrorCode.REQUIRED, "需要 expectedVersion", VERSION_FIELD)
        if row.version != expected_version:
            raise ServiceError(
                ErrorCode.CONFLICT,
                f"档案已被他人修改：当前版本 {row.version}，提交的版本 {expected_version}",
                VERSION_FIELD,
            )
        previous = {name: getattr(row, name) for name in spec.editable}
    changes = {
        name: [_plain(previous.get(name)), _plain(value)]
        for name, value in values.items()
        if previous.get(name) != value or not previous
    }
    for name, value in values.items():
        setattr(row, name, value)
    if spec.validate is not None:
        spec.validate(row)
    row.version = (row.version or 0) + 1
    row.updated_at = utcnow()
    if hasattr(type(row), "updated_by"):
        row.updated_by = principal.username
    await session.flush()
    await session.refresh(row)
    await audit.append(
        session=session,
        actor_id=principal.account_id,
        actor_username=principal.username,
        action=f"{spec.plugin}.profile.update",
        entity_type=spec.type_name,
        entity_id=str(org_id),
        changes={"version": [row.version - 1, row.version], **changes},
    )
    return org, row
