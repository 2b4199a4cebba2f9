"""A sector's profile on `Organization`: its read field, DataLoader and update mutation.

A plugin writes its table (`organization_id` primary key, `version`, `updated_at`,
`updated_by` and its own columns), a strawberry output type with the same column names
plus `version` and `updated_at`, and a strawberry input with `organization_id`,
`expected_version` and each editable column optional. `ProfileSpec` ties them together;
`organization_field` and `mutation_field` build the mixins the schema composes. The
generated classes carry the plugin's module, so a name collision names the plugin.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as default
from decimal import Decimal
from typing import Any

import strawberry
from sqlalchemy import select
from strawberry import Parent

from core.db import Base
from core.graphql import ids
from core.graphql.context import Info, RequestContext
from core.graphql.errors import ErrorCode, UserError
from core.graphql.loaders import ContextLoader
from core.graphql.mutations import transact
from core.orgs.rows import OrgRow, org_row
from core.orgs.types import OrganizationT
from core.plugin_admin.loaders import PluginEnabledByNameLoader

Value = int | bool | str | Decimal | dt.date | None


@dataclass(frozen=True)
class Check:
    """What an editable profile value must satisfy (numbers: a range; text: choices, length)."""

    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    max_length: int = 200


@dataclass(frozen=True)
class ProfileSpec:
    """One plugin's profile: table, GraphQL types and the rules for editing it."""

    plugin: str
    sector_code: str
    field: str  # python name of the Organization field, e.g. "edu_profile"
    title: str  # zh-CN name of the profile, used in messages
    model: type[Base]
    output: type
    input: type
    editable: tuple[str, ...]
    module: str  # the plugin module the generated classes belong to
    description: str
    checks: Mapping[str, Check] = default(default_factory=dict)
    read: Callable[[Any], Any] | None = None
    """How a saved row becomes the output (default: the output type from its columns)."""
    validate: Callable[[Any], None] | None = None
    """Checks across values of the changed row (raises ServiceError; nothing is saved)."""

    @property
    def type_name(self) -> str:
        """The GraphQL name of the output type (EduProfile)."""
        return str(self.output.__strawberry_definition__.name)  # type: ignore[attr-defined]

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns the output type reads."""
        return (*self.editable, "version", "updated_at")


def _aware(value: Any) -> Any:
    """Times are stored in UTC; SQLite hands them back without the offset."""
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def to_output(spec: ProfileSpec, row: Any) -> Any:
    """The output type's instance of a profile row (ORM object or result row)."""
    if spec.read is not None:
        return spec.read(row)
    return spec.output(**{name: _aware(getattr(row, name)) for name in spec.columns})


def loader_class(spec: ProfileSpec) -> type[ContextLoader[int, Any]]:
    """`<Profile>ByOrgIdLoader`: profiles by organisation id, one statement per batch."""
    table_columns = [getattr(spec.model, name) for name in ("organization_id", *spec.columns)]
    key_column = getattr(spec.model, "organization_id")  # noqa: B009 - a mapped column

    async def fetch(self: ContextLoader[int, Any], keys: list[int]) -> Sequence[Any]:
        rows = await self.ctx.rows(select(*table_columns).where(key_column.in_(keys)))
        found = {row.organization_id: to_output(spec, row) for row in rows}
        return [found.get(key) for key in keys]

    name = f"{spec.type_name}ByOrgIdLoader"
    return type(name, (ContextLoader,), {"fetch": fetch, "__module__": spec.module})


async def enabled(ctx: RequestContext, plugin: str) -> bool:
    """Whether the plugin is enabled (one statement per request for every plugin asked)."""
    return await ctx.loader(PluginEnabledByNameLoader).load(plugin)


def organization_field(spec: ProfileSpec) -> type:
    """The mixin adding `Organization.<x>Profile` (null while the plugin is disabled)."""
    loader = loader_class(spec)

    async def resolve(root: Parent[OrgRow], info: Info) -> Any:
        if root.sector_id is None or not await enabled(info.context, spec.plugin):
            return None
        return await info.context.loader(loader).load(root.id)

    resolve.__annotations__ = {"root": Parent[OrgRow], "info": Info, "return": spec.output | None}
    mixin = type(
        f"{spec.type_name}OrganizationFields",
        (),
        {
            spec.field: strawberry.field(resolver=resolve, description=spec.description),
            "__module__": spec.module,
        },
    )
    return strawberry.type(mixin)


def _values(spec: ProfileSpec, data: Any) -> dict[str, Value]:
    """The editable values the input gives (None: left as it is)."""
    out: dict[str, Value] = {}
    for name in spec.editable:
        value = getattr(data, name, None)
        if value is not None:
            out[name] = value
    return out


def mutation_field(spec: ProfileSpec) -> type:
    """The mixin adding `update<X>Profile(input)` and its payload type."""
    from plugins.sector_kit import profile_service

    payload = strawberry.type(
        type(
            f"Update{spec.type_name}Payload",
            (),
            {
                "__annotations__": {
                    "organization": OrganizationT | None,
                    "profile": spec.output | None,
                    "errors": list[UserError],
                },
                "__module__": spec.module,
            },
        ),
        description=f"The result of update{spec.type_name}: the organisation and its profile.",
    )

    async def resolve(info: Info, input: Any) -> Any:
        principal = info.context.require_principal()
        org_id = ids.decode_int(str(input.organization_id), "Organization")
        if org_id is None:
            error = UserError(
                field="organizationId",
                message="不是组织的 ID (not an Organization id)",
                code=ErrorCode.INVALID,
            )
            return payload(organization=None, profile=None, errors=[error])
        result, errors = await transact(
            info.context,
            lambda session: profile_service.update_profile(
                session=session,
                principal=principal,
                spec=spec,
                org_id=org_id,
                expected_version=input.expected_version,
                values=_values(spec, input),
            ),
        )
        if result is None:
            return payload(organization=None, profile=None, errors=errors)
        org, row = result
        return payload(organization=org_row(org), profile=to_output(spec, row), errors=[])

    resolve.__annotations__ = {"info": Info, "input": spec.input, "return": payload}
    name = f"update_{spec.field}"
    description = (
        f"Change the {spec.title} of an organisation of the `{spec.plugin}` plugin's sector "
        "(created on first save). Needs `orgs.manage` over it: the sector's lead "
        "departments, the organisation's managers, the city. Pass the profile's `version` "
        "as `expectedVersion` (omit it when there is no profile yet); audited."
    )
    mixin = type(
        f"{spec.type_name}Mutation",
        (),
        {
            name: strawberry.mutation(resolver=resolve, description=description),
            "__module__": spec.module,
        },
    )
    return strawberry.type(mixin)
