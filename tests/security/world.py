"""The demo city as the security tests see it: who may see what, computed independently.

Scopes are recomputed here from the raw tables (parent pointers, grants, sectors), never
through `core.orgs.scope`, so a bug there cannot hide itself. Subjects are the records a
test points an account at: its own organisation, a sibling and a cousin outside its scope,
and ids or codes that do not exist.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    NamedTypeNode,
    NameNode,
    SelectionNode,
    SelectionSetNode,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    visit,
)
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from core.auth.permissions import Permission
from core.graphql import ids

MISSING_CODE = "999999999999"
MALFORMED_ID = "not-a-global-id!"
ACCOUNTS = ("admin", "xihu", "soe-lead", "secretary")
"""The accounts of the matrix; `secretary` stands for the first town secretary of 西湖区."""


@dataclass(frozen=True)
class Org:
    id: int
    code: str
    parent_id: int | None
    sector_id: int | None
    category: str


@dataclass(frozen=True)
class Subject:
    """A record an account is pointed at.

    `kind`: own, sibling, cousin, home (the account's own unit when outside its scope),
    missing or malformed.
    """

    kind: str
    code: str
    global_id: str
    org_id: int | None
    category: str | None = None

    @property
    def foreign_or_missing(self) -> bool:
        return self.kind != "own"


@dataclass
class Account:
    username: str
    everything: bool
    permissions: frozenset[str]
    visible: frozenset[int]
    home_org_id: int | None
    subjects: dict[str, Subject] = field(default_factory=dict)


@dataclass
class World:
    orgs: dict[int, Org]
    by_code: dict[str, Org]
    children: dict[int | None, list[Org]]
    accounts: dict[str, Account]
    max_org_id: int

    def visible_codes(self, account: str) -> frozenset[str]:
        return frozenset(self.orgs[i].code for i in self.accounts[account].visible)

    def parent(self, org: Org) -> Org | None:
        return None if org.parent_id is None else self.orgs[org.parent_id]

    def subtree(self, root: int) -> Iterator[int]:
        stack = [root]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(child.id for child in self.children.get(node, []))


async def load_world(engine: AsyncEngine) -> World:
    """Read the tree and the matrix accounts' grants straight from the tables."""
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT o.id, o.code, o.parent_id, o.sector_id, c.code FROM organization o "
                    "JOIN org_category c ON c.id = o.category_id"
                )
            )
        ).all()
        secretary = (
            await conn.execute(
                text(
                    "SELECT username FROM account WHERE username LIKE 'sec-330106___' "
                    "ORDER BY username LIMIT 1"
                )
            )
        ).scalar_one()
        grants = (
            await conn.execute(
                text(
                    "SELECT a.username, a.person_id, g.role, g.organization_id, g.sector_id "
                    "FROM account a JOIN account_grant g ON g.account_id = a.id "
                    "WHERE a.username IN ('admin', 'xihu', 'soe-lead', :sec)"
                ),
                {"sec": secretary},
            )
        ).all()
        homes: dict[str, int | None] = dict(
            (
                await conn.execute(
                    text(
                        "SELECT a.username, MIN(s.organization_id) FROM account a "
                        "JOIN assignment s ON s.person_id = a.person_id AND s.until IS NULL "
                        "WHERE a.username IN ('admin', 'xihu', 'soe-lead', :sec) "
                        "GROUP BY a.username"
                    ),
                    {"sec": secretary},
                )
            ).all()
        )
    orgs = {row[0]: Org(row[0], row[1], row[2], row[3], row[4]) for row in rows}
    children: dict[int | None, list[Org]] = defaultdict(list)
    for org in sorted(orgs.values(), key=lambda o: o.code):
        children[org.parent_id].append(org)
    world = World(orgs, {o.code: o for o in orgs.values()}, children, {}, max(orgs))
    by_user: dict[str, list[Any]] = defaultdict(list)
    for grant in grants:
        by_user[grant[0]].append(grant)
    for username, user_grants in by_user.items():
        name = "secretary" if username == secretary else username
        world.accounts[name] = _account(world, username, user_grants, homes.get(username))
    for account in world.accounts.values():
        account.subjects = _subjects(world, account)
    return world


ROLE_PERMISSIONS = {
    "CITY_ADMIN": {permission.value for permission in Permission},
    "ORG_MANAGER": {
        "orgs.read",
        "orgs.manage",
        "staffing.manage",
        "audit.read",
        "reports.submit",
        "reports.approve",
        "assessment.read",
        "assessment.assess",
        "supervision.manage",
        "supervision.inspect",
        "supervision.rectify",
    },
    "SECTOR_LEAD": {
        "orgs.read",
        "orgs.manage",
        "plugins.manage",
        "audit.read",
        "assessment.read",
        "supervision.manage",
        "supervision.inspect",
    },
    "SECRETARY": {
        "orgs.read",
        "tasks.complete",
        "reports.submit",
        "reports.approve",
        "supervision.rectify",
    },
}


def _account(world: World, username: str, grants: list[Any], home: int | None) -> Account:
    everything = any(g[2] == "CITY_ADMIN" for g in grants)
    seen: set[int] = set(world.orgs) if everything else set()
    permissions: set[str] = set()
    for _, _, role, org_id, sector_id in grants:
        permissions |= ROLE_PERMISSIONS[role]
        if org_id is not None:
            seen.update(world.subtree(org_id))
        if sector_id is not None:
            seen.update(o.id for o in world.orgs.values() if o.sector_id == sector_id)
    return Account(username, everything, frozenset(permissions), frozenset(seen), home)


def _subjects(world: World, account: Account) -> dict[str, Subject]:
    """Own, sibling and cousin organisations (out of scope unless the account sees all)."""
    inside = sorted(
        (world.orgs[i] for i in account.visible), key=lambda o: (_depth(world, o), o.code)
    )
    inside = [o for o in inside if o.parent_id is not None] or inside

    def eligible(org: Org) -> bool:
        return account.everything or org.id not in account.visible

    own = inside[0]
    sibling = _first(
        (o for anchor in inside for o in world.children[anchor.parent_id] if o.id != anchor.id),
        eligible,
        prefer=own.category,
    )
    if sibling is None:  # every sibling is in scope (a sector): take the parent's siblings
        up = world.parent(own)
        sibling = _first(
            (o for o in world.children[up.parent_id if up else None] if up and o.id != up.id),
            eligible,
        )
    cousin = _cousin(world, inside, eligible)
    subjects = {"own": own, "sibling": sibling, "cousin": cousin}
    if account.home_org_id is not None and account.home_org_id not in account.visible:
        subjects["home"] = world.orgs[account.home_org_id]  # soe-lead sits in 市国资委
    found = {
        kind: Subject(kind, org.code, ids.encode("Organization", org.id), org.id, org.category)
        for kind, org in subjects.items()
        if org is not None
    }
    found["missing"] = Subject(
        "missing", MISSING_CODE, ids.encode("Organization", world.max_org_id + 10_000), None
    )
    found["malformed"] = Subject("malformed", MISSING_CODE + "x", MALFORMED_ID, None)
    return found


def _cousin(world: World, anchors: list[Org], eligible: Any) -> Org | None:
    """Same grandparent, another parent; preferably of the anchor's category."""
    fallback = None
    for anchor in anchors:
        pool = [
            o
            for aunt in _siblings(world, world.parent(anchor))
            for o in world.children[aunt.id]
            if eligible(o)
        ]
        alike = [o for o in pool if o.category == anchor.category]
        if alike:
            return alike[0]
        fallback = fallback or (pool[0] if pool else None)
    return fallback


def _depth(world: World, org: Org) -> int:
    depth = 0
    while org.parent_id is not None:
        org, depth = world.orgs[org.parent_id], depth + 1
    return depth


def _siblings(world: World, org: Org | None) -> list[Org]:
    if org is None:
        return []
    return [o for o in world.children[org.parent_id] if o.id != org.id]


def _first(candidates: Iterator[Org], ok: Any, prefer: str | None = None) -> Org | None:
    pool = [o for o in candidates if ok(o)]
    preferred = [o for o in pool if o.category == prefer]
    chosen = preferred or pool
    return chosen[0] if chosen else None


def _field(name: str) -> FieldNode:
    return FieldNode(name=NameNode(value=name), arguments=(), directives=())


class _Reveal(Visitor):
    """Adds `__typename` everywhere, and `id code` wherever an Organization can appear."""

    def __init__(self, schema: GraphQLSchema, type_info: TypeInfo) -> None:
        super().__init__()
        self.schema = schema
        self.type_info = type_info

    def leave_selection_set(self, node: SelectionSetNode, *_: Any) -> SelectionSetNode:
        parent = self.type_info.get_parent_type()
        extra: list[SelectionNode] = [_field("__typename")]
        org = self.schema.get_type("Organization")
        if parent is not None and parent is org:
            extra += [_field("id"), _field("code")]
        elif (
            isinstance(parent, GraphQLInterfaceType | GraphQLUnionType)
            and isinstance(org, GraphQLObjectType)
            and self.schema.is_sub_type(parent, org)
        ):
            extra.append(
                InlineFragmentNode(
                    type_condition=NamedTypeNode(name=NameNode(value="Organization")),
                    directives=(),
                    selection_set=SelectionSetNode(selections=(_field("id"), _field("code"))),
                )
            )
        return SelectionSetNode(selections=(*node.selections, *extra))


def reveal(document: DocumentNode, schema: GraphQLSchema) -> DocumentNode:
    """The document with `__typename` in every selection and `id code` on organisations."""
    type_info = TypeInfo(schema)
    result: DocumentNode = visit(document, TypeInfoVisitor(type_info, _Reveal(schema, type_info)))
    return result


def organizations_in(value: Any) -> Iterator[tuple[str | None, int | None]]:
    """(code, database id) of every Organization object in a JSON response."""
    if isinstance(value, dict):
        if value.get("__typename") == "Organization":
            raw = value.get("id")
            key = ids.decode_int(raw, "Organization") if isinstance(raw, str) else None
            yield value.get("code"), key
        for item in value.values():
            yield from organizations_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from organizations_in(item)


def foreign_records(world: World, account: str, body: Any) -> list[str]:
    """Organisations in a response that the account may not see."""
    visible = world.accounts[account].visible
    codes = world.visible_codes(account)
    leaks = []
    for code, key in organizations_in(body):
        if code is not None and code not in codes:
            leaks.append(f"code {code}")
        if key is not None and key not in visible:
            leaks.append(f"id {key}")
    return leaks


def masked(body: Any, *secrets: str) -> str:
    """The JSON of a response with the given codes, ids and names replaced by a mark."""
    dumped = json.dumps(body, ensure_ascii=False, sort_keys=True)
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        dumped = dumped.replace(secret, "<subject>")
    return dumped


def plugin_subjects(account: Account) -> dict[str, Subject]:
    """The SOE plugin (own for those who manage it, foreign otherwise) and a missing one."""
    manages = account.everything or "plugins.manage" in account.permissions
    kind = "own" if manages else "foreign"
    return {
        kind: Subject(kind, "soe", "soe", None),
        "missing": Subject("missing", "no-such-plugin", "no-such-plugin", None),
    }


async def task_subjects(engine: AsyncEngine, world: World, account: Account) -> dict[str, Subject]:
    """A task of each organisation subject, and task ids that do not exist."""
    try:
        async with engine.connect() as conn:
            rows = (
                await conn.execute(text("SELECT id, organization_id FROM task ORDER BY id"))
            ).all()
    except Exception:  # the calendar is not built yet: only missing ids to try
        rows = []
    found: dict[str, Subject] = {}
    for kind, subject in account.subjects.items():
        if subject.org_id is None:
            continue
        task = next((r for r in rows if r[1] == subject.org_id), None)
        if task is not None:
            found[kind] = Subject(kind, subject.code, ids.encode("Task", task[0]), task[1])
    top = max((r[0] for r in rows), default=0) + 10_000
    found["missing"] = Subject("missing", MISSING_CODE, ids.encode("Task", top), None)
    found["malformed"] = Subject("malformed", MISSING_CODE, MALFORMED_ID, None)
    return found
