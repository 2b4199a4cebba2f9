"""Compiled reads of the organisation domain (see `core.graphql.sqljson`).

Each field here answers exactly what its resolver in `core.orgs.types` / `core.orgs.schema`
answers — same rows, same order, same scope — and names that resolver, so a changed
resolver (or a new argument) takes the field off the compiled path until this is updated.
"""

from __future__ import annotations

from functools import lru_cache
from typing import cast

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.util import ClauseAdapter

from core.auth.principal import Principal
from core.graphql.ids import decode_int
from core.graphql.sqljson import (
    Bindings,
    Build,
    FieldSpec,
    NotCompilable,
    Selected,
    column,
    global_id,
    register,
)
from core.graphql.sqlpage import Page, connection
from core.orgs.models import Organization
from core.orgs.scope import visible

TYPES = "core.orgs.types"
SCHEMA = "core.orgs.schema"
_ROOT_SENTINEL = -7_770_001
_SECTOR_SENTINEL = -7_770_002
_ALIAS = "scope_org__"
_DIALECT = postgresql.dialect()  # type: ignore[no-untyped-call]


@lru_cache(maxsize=8)
def _scope_template(everything: bool, roots: bool, sectors: bool) -> str:
    """`core.orgs.scope.visible` as SQL text on the alias `scope_org__`, with `{roots}` and
    `{sectors}` where the principal's lists go (NotCompilable if its shape is unexpected)."""
    shape = Principal(
        account_id=0,
        username="",
        person_id=None,
        permissions=frozenset(),
        everything=everything,
        org_roots=(_ROOT_SENTINEL,) if roots else (),
        sector_ids=(_SECTOR_SENTINEL,) if sectors else (),
    )
    table = cast(Table, Organization.__table__).alias(_ALIAS)
    condition = ClauseAdapter(table).traverse(visible(shape))
    text = str(condition.compile(dialect=_DIALECT, compile_kwargs={"literal_binds": True}))
    for sentinel, slot, wanted in (
        (_ROOT_SENTINEL, "{roots}", roots),
        (_SECTOR_SENTINEL, "{sectors}", sectors),
    ):
        pattern = f"IN ({sentinel})"
        if (pattern in text) != wanted or str(sentinel) in text.replace(pattern, ""):
            raise NotCompilable("the scope condition has an unexpected shape")
        text = text.replace(pattern, f"= ANY ({slot})")
    if "{" in text.replace("{roots}", "").replace("{sectors}", ""):
        raise NotCompilable("the scope condition has an unexpected shape")
    return text


def scope_key(principal: Principal) -> tuple[bool, bool, bool]:
    """What the scope SQL of a principal depends on (its lists are parameters)."""
    return principal.everything, bool(principal.org_roots), bool(principal.sector_ids)


class Scope:
    """The scope condition of one compiled statement (the lists bound once, as parameters)."""

    def __init__(self, key: tuple[bool, bool, bool]) -> None:
        self.template = _scope_template(*key)
        self._slots: dict[str, str] | None = None

    def __call__(self, alias: str, build: Build) -> str:
        if self._slots is None:
            self._slots = {}
            if "{roots}" in self.template:
                self._slots["{roots}"] = build.param(_roots, "int[]")
            if "{sectors}" in self.template:
                self._slots["{sectors}"] = build.param(_sectors, "int[]")
        text = self.template
        for slot, param in self._slots.items():
            text = text.replace(slot, param)
        return "(" + text.replace(f"{_ALIAS}.", f"{alias}.") + ")"


def _roots(bindings: Bindings) -> list[int]:
    return list(bindings.principal.org_roots)


def _sectors(bindings: Bindings) -> list[int]:
    return list(bindings.principal.sector_ids)


def row_of(
    build: Build,
    selected: Selected,
    table: str,
    condition: str,
    *,
    scoped: bool,
    parent: str | None = None,
) -> str:
    """The JSON of the one row of `table` meeting `condition` (`{a}` is its alias), or null.

    `condition` must pick at most one row (a key). With `parent`, the alias of a list's row
    the condition reads, the row is joined beside the list's page where the list allows it
    (`Build.lookup`), else read by a subquery."""
    alias = build.alias(table[:3])
    where = condition.format(a=alias)
    if scoped:
        where = f"{where} AND {build.visible(alias)}"
    if parent is not None and build.lookup(parent, table, alias, where):
        return f"CASE WHEN {alias}.id IS NOT NULL THEN {build.sub(selected, alias)} END"
    return f"(SELECT {build.sub(selected, alias)} FROM {table} {alias} WHERE {where})"


def organization_by_id(build: Build, key_sql: str, selected: Selected) -> str:
    """The JSON of the organisation with this id if the principal may see it, else null."""
    return row_of(build, selected, "organization", f"{{a}}.id = {key_sql}", scoped=True)


_org = organization_by_id


def _category(build: Build, alias: str, selected: Selected) -> str:
    return row_of(
        build,
        selected,
        "org_category",
        f"{{a}}.id = {alias}.category_id",
        scoped=False,
        parent=alias,
    )


def _sector(build: Build, alias: str, selected: Selected) -> str:
    return row_of(
        build, selected, "sector", f"{{a}}.id = {alias}.sector_id", scoped=False, parent=alias
    )


def _children(build: Build, alias: str, selected: Selected) -> str:
    category = build.param(selected.arg("categoryCode"), "text")
    child, kind = build.alias("c"), build.alias("k")
    where = (
        f"{child}.parent_id = {alias}.id AND {build.visible(child)} "
        f"AND ({category} IS NULL OR {kind}.code = {category})"
    )
    source = f"organization {child} JOIN org_category {kind} ON {kind}.id = {child}.category_id"
    rows = (
        f"SELECT {child}.*, row_number() OVER (ORDER BY {kind}.sort_order, {child}.code) AS rn "
        f"FROM {source} WHERE {where}"
    )
    count_child, count_kind = build.alias("c"), build.alias("k")
    count_where = (
        f"{count_child}.parent_id = {alias}.id AND {build.visible(count_child)} "
        f"AND ({category} IS NULL OR {count_kind}.code = {category})"
    )
    count = (
        f"SELECT count(*) FROM organization {count_child} JOIN org_category {count_kind} "
        f"ON {count_kind}.id = {count_child}.category_id WHERE {count_where}"
    )
    return connection(build, selected, Page(rows=rows, count=count))


def _assignments(build: Build, alias: str, selected: Selected) -> str:
    current = build.param(selected.arg("current"), "boolean")
    today = build.param(lambda b: b.today, "date")
    held = build.alias("x")

    def where(a: str) -> str:
        return (
            f"{a}.organization_id = {alias}.id AND (NOT {current} OR "
            f"({a}.since <= {today} AND ({a}.until IS NULL OR {a}.until > {today})))"
        )

    order = f"{held}.until IS NOT NULL, {held}.since DESC, {held}.id"
    rows = (
        f"SELECT {held}.*, row_number() OVER (ORDER BY {order}) AS rn "
        f"FROM assignment {held} WHERE {where(held)}"
    )
    counted = build.alias("x")
    count = f"SELECT count(*) FROM assignment {counted} WHERE {where(counted)}"
    return connection(build, selected, Page(rows=rows, count=count))


def _ancestors(build: Build, alias: str, selected: Selected) -> str:
    """Visible ancestors, root first, stopping at the first invisible one above the nearest
    visible ancestor (as `AncestorsByOrgIdLoader` keeps the unbroken run)."""
    link, row = build.alias("cl"), build.alias("anc")
    near_link, near = build.alias("cl"), build.alias("anc")
    gap_link, gap = build.alias("cl"), build.alias("anc")
    nearest = (
        f"(SELECT min({near_link}.distance) FROM org_closure {near_link} JOIN organization "
        f"{near} ON {near}.id = {near_link}.ancestor_id WHERE {near_link}.descendant_id = "
        f"{alias}.id AND {near_link}.distance > 0 AND {build.visible(near)})"
    )
    first_gap = (
        f"(SELECT min({gap_link}.distance) FROM org_closure {gap_link} JOIN organization {gap} "
        f"ON {gap}.id = {gap_link}.ancestor_id WHERE {gap_link}.descendant_id = {alias}.id "
        f"AND {gap_link}.distance > {nearest} AND {build.visible(gap)} IS NOT TRUE)"
    )
    return (
        f"(SELECT coalesce(json_agg({build.sub(selected, row)} ORDER BY {link}.distance DESC),"
        f" '[]'::json) FROM org_closure {link} JOIN organization {row} ON {row}.id = "
        f"{link}.ancestor_id WHERE {link}.descendant_id = {alias}.id AND {link}.distance > 0 "
        f"AND {build.visible(row)} AND {link}.distance < coalesce({first_gap}, 2147483647))"
    )


def _organization_root(build: Build, _alias: str, selected: Selected) -> str:
    code_of = selected.arg("code")
    id_of = selected.arg("id")

    def by_id(bindings: Bindings) -> int | None:
        if code_of(bindings) is not None:
            return None  # the code wins, as in the resolver
        raw = id_of(bindings)
        key = None if raw is None else decode_int(raw, "Organization")
        return key if key is not None and key <= 2**31 - 1 else None

    code = build.param(code_of, "text")
    key = build.param(by_id, "int")
    condition = (
        f"{{a}}.id = coalesce((SELECT x.id FROM organization x WHERE x.code = {code}), {key})"
    )
    return row_of(build, selected, "organization", condition, scoped=True)


def _spec(sql: object, resolver: str, *args: str) -> FieldSpec:
    return FieldSpec(sql, resolver, frozenset(args))  # type: ignore[arg-type]


register(
    "Organization",
    {
        "id": _spec(
            lambda _b, a, _s: global_id("Organization", f"{a}.id"), f"{TYPES}.OrganizationFields.id"
        ),
        "code": column("code"),
        "name": column("name"),
        "depth": column("depth"),
        "version": column("version"),
        "category": _spec(_category, f"{TYPES}.OrganizationFields.category"),
        "sector": _spec(_sector, f"{TYPES}.OrganizationFields.sector"),
        "parent": _spec(
            lambda b, a, s: _org(b, f"{a}.parent_id", s), f"{TYPES}.OrganizationFields.parent"
        ),
        "ancestors": _spec(_ancestors, f"{TYPES}.OrganizationFields.ancestors"),
        "children": _spec(
            _children, f"{TYPES}.OrganizationFields.children", "first", "after", "categoryCode"
        ),
        "assignments": _spec(
            _assignments, f"{TYPES}.OrganizationFields.assignments", "current", "first", "after"
        ),
    },
)
register(
    "OrgCategory",
    {
        "code": column("code"),
        "name": column("name"),
        "nameEn": column("name_en"),
        "plugin": column("plugin"),
        "sector": _spec(_sector, f"{TYPES}.CategoryFields.sector"),
    },
)
register(
    "Sector",
    {
        "code": column("code"),
        "name": column("name"),
        "nameEn": column("name_en"),
        "plugin": column("plugin"),
        "leadDepartment": _spec(
            lambda b, a, s: _org(b, f"{a}.lead_department_id", s),
            f"{TYPES}.SectorType.lead_department",
        ),
    },
)
register(
    "Position",
    {
        "code": column("code"),
        "name": column("name"),
        "nameEn": column("name_en"),
        "principal": column("principal"),
        "category": _spec(_category, f"{TYPES}.PositionFields.category"),
    },
)
register("Person", {"code": column("code"), "name": column("name")})
register(
    "Assignment",
    {
        "id": _spec(
            lambda _b, a, _s: global_id("Assignment", f"{a}.id"), f"{TYPES}.AssignmentType.id"
        ),
        "since": column("since"),
        "until": column("until"),
        "version": column("version"),
        "person": _spec(
            lambda b, a, s: row_of(
                b, s, "person", f"{{a}}.id = {a}.person_id", scoped=False, parent=a
            ),
            f"{TYPES}.AssignmentType.person",
        ),
        "position": _spec(
            lambda b, a, s: row_of(
                b, s, "position", f"{{a}}.id = {a}.position_id", scoped=False, parent=a
            ),
            f"{TYPES}.AssignmentType.position",
        ),
        "organization": _spec(
            lambda b, a, s: _org(b, f"{a}.organization_id", s),
            f"{TYPES}.AssignmentType.organization",
        ),
    },
)
register(
    "Query",
    {"organization": _spec(_organization_root, f"{SCHEMA}.OrgQuery.organization", "code", "id")},
)
