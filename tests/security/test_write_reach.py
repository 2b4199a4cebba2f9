"""Writes may only produce a state the writer could have produced inside its own reach.

Generated over the demo city: every category x every sector (and none) under a parent of
each category that xihu, soe-lead and admin manage (`createOrganization`); every category
and every candidate parent for an organisation of each category they manage
(`updateOrganization`); people serving inside and outside the writer's district and dates
inside and outside the plausible range (`assignPosition`, `endAssignment`). An oracle
written here from the rules (the tree's levels, the sectors a grant holds, the subtrees it
holds), not from the code, says which writes succeed; every refused one is a payload error
with a code and leaves nothing behind (no row, no audit event).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from core.graphql import ids
from gateway.app import Runtime, create_runtime
from tests.conftest import Databases, city_today, client_for, settings_for, token_for

LEVELS: dict[str, set[str]] = {
    "CITY": set(),
    "DISTRICT": {"CITY"},
    "DEPARTMENT": {"CITY", "DISTRICT"},
    "TOWN": {"DISTRICT"},
    "STREET": {"DISTRICT"},
    "VILLAGE": {"TOWN", "STREET"},
    "COMMUNITY": {"TOWN", "STREET"},
    "VILLAGE_COMMUNITY": {"TOWN", "STREET"},
}
"""The tree's levels (M1): city → districts and departments → towns/streets → villages."""

REFUSALS = {"INVALID", "FORBIDDEN", "NOT_FOUND"}
BATCH = 90


@dataclass
class Org:
    id: int
    code: str
    parent: int | None
    sector: str | None
    category: str
    version: int


@dataclass
class Writer:
    username: str
    everything: bool
    roots: set[int]
    sectors: set[str]
    staffing: bool


@dataclass
class City:
    runtime: Runtime
    client: httpx.AsyncClient
    orgs: dict[int, Org] = field(default_factory=dict)
    categories: dict[str, str | None] = field(default_factory=dict)
    sectors: list[str] = field(default_factory=list)
    children: dict[int | None, list[int]] = field(default_factory=dict)
    writers: dict[str, Writer] = field(default_factory=dict)
    _held: dict[tuple[str, int], set[int]] = field(default_factory=dict)

    async def load(self) -> None:
        async with self.runtime.engine.connect() as conn:
            self.categories = dict(
                (
                    await conn.execute(
                        text(
                            "SELECT c.code, s.code FROM org_category c "
                            "LEFT JOIN sector s ON s.id = c.sector_id"
                        )
                    )
                ).all()
            )
            self.sectors = sorted((await conn.execute(text("SELECT code FROM sector"))).scalars())
            rows = await conn.execute(
                text(
                    "SELECT o.id, o.code, o.parent_id, s.code, c.code, o.version "
                    "FROM organization o JOIN org_category c ON c.id = o.category_id "
                    "LEFT JOIN sector s ON s.id = o.sector_id"
                )
            )
            self.orgs = {r[0]: Org(*r) for r in rows}
            grants = (
                await conn.execute(
                    text(
                        "SELECT a.username, g.role, g.organization_id, s.code "
                        "FROM account a JOIN account_grant g ON g.account_id = a.id "
                        "LEFT JOIN sector s ON s.id = g.sector_id "
                        "WHERE a.username IN ('admin', 'xihu', 'soe-lead')"
                    )
                )
            ).all()
        self.children = defaultdict(list)
        self._held = {}
        for org in sorted(self.orgs.values(), key=lambda o: o.code):
            self.children[org.parent].append(org.id)
        self.writers = {}
        for username, role, org_id, sector in grants:
            writer = self.writers.setdefault(username, Writer(username, False, set(), set(), False))
            writer.everything |= role == "CITY_ADMIN"
            writer.staffing |= role in ("CITY_ADMIN", "ORG_MANAGER")
            if org_id is not None:
                writer.roots.add(org_id)
            if sector is not None:
                writer.sectors.add(sector)

    def subtree(self, root: int) -> set[int]:
        seen, stack = set(), [root]
        while stack:
            node = stack.pop()
            seen.add(node)
            stack.extend(self.children.get(node, []))
        return seen

    def held(self, writer: Writer) -> set[int]:
        key = (writer.username, len(self.orgs))
        if key not in self._held:
            self._held[key] = {o for root in writer.roots for o in self.subtree(root)}
        return self._held[key]

    def manages(self, writer: Writer, org: Org) -> bool:
        return writer.everything or org.id in self.held(writer) or org.sector in writer.sectors

    async def post(self, username: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = await self.client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token_for(self.runtime, username)}"},
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body
        return body

    async def count(self, table: str) -> int:
        async with self.runtime.engine.connect() as conn:
            value: int = (await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()
        return value


@pytest.fixture(scope="module")
async def city(databases: Databases, demo_template: str) -> AsyncIterator[City]:
    """A writable copy of the demo city; aliases raised so one request carries a batch."""
    url = await databases.clone(demo_template)
    settings = settings_for(url, max_query_aliases=BATCH + 1, max_query_tokens=20_000)
    runtime = create_runtime(settings)
    async with client_for(runtime) as client:
        world = City(runtime, client)
        await world.load()
        yield world
    await runtime.engine.dispose()


def fits(
    category: str, category_sector: str | None, parent: str | None, sector: str | None
) -> bool:
    """The oracle of the level and sector rule."""
    if category in LEVELS:
        return parent in LEVELS[category] and sector is None
    return parent is not None and (category_sector is None or sector == category_sector)


def reaches(
    city: City, writer: Writer, parent: Org, sector: str | None, moving: Org | None
) -> bool:
    """The oracle of the reach rule, on the placement after the write."""
    if writer.everything:
        return True
    held = city.held(writer)
    if sector is None:
        return parent.id in held
    if sector in writer.sectors:
        return True
    return moving is not None and moving.sector == sector and {parent.id, moving.id} <= held


def parents_for(city: City, writer: Writer) -> list[Org]:
    """One organisation of each category the writer manages, and one it does not see."""
    chosen: dict[str, Org] = {}
    for org in sorted(city.orgs.values(), key=lambda o: o.code):
        if city.manages(writer, org) and org.category not in chosen:
            chosen[org.category] = org
    foreign = [o for o in city.orgs.values() if not city.manages(writer, o)][:1]
    return [*chosen.values(), *foreign]


CREATE_FIELD = """
  c%d: createOrganization(input: $i%d) {
    organization { code sector { code } category { code } parent { code } }
    errors { field code message }
  }"""


def _document(count: int) -> str:
    args = ", ".join(f"$i{i}: CreateOrganizationInput!" for i in range(count))
    fields = "".join(CREATE_FIELD % (i, i) for i in range(count))
    return f"mutation({args}) {{{fields}\n}}"


@pytest.mark.parametrize("username", ["xihu", "soe-lead", "admin"])
async def test_create_organization_generated(city: City, username: str) -> None:
    writer = city.writers[username]
    sectors: list[str | None] = [None, *city.sectors]
    cases: list[tuple[dict[str, Any], bool, str | None]] = []
    serial = itertools.count()
    for parent in parents_for(city, writer):
        for category, category_sector in sorted(city.categories.items()):
            for sector_code in sectors if username != "admin" else [None, "SOE"]:
                sector = sector_code or category_sector
                if sector is None and sector_code is None and category not in LEVELS:
                    sector = parent.sector
                visible = city.manages(writer, parent)
                ok = (
                    visible
                    and fits(category, category_sector, parent.category, sector)
                    and reaches(city, writer, parent, sector, None)
                )
                code = f"W{username[:3].upper()}{next(serial):04d}"
                variables = {
                    "code": code,
                    "name": f"生成测试组织{code}",
                    "categoryCode": category,
                    "parentCode": parent.code,
                    "sectorCode": sector_code,
                }
                cases.append((variables, ok, sector))
    problems: list[str] = []
    for start in range(0, len(cases), BATCH):
        batch = cases[start : start + BATCH]
        audit_before = await city.count("audit_event")
        orgs_before = await city.count("organization")
        body = await city.post(
            username, _document(len(batch)), {f"i{i}": c[0] for i, c in enumerate(batch)}
        )
        succeeded = 0
        for i, (variables, ok, sector) in enumerate(batch):
            payload = body["data"][f"c{i}"]
            label = f"{username} {variables}"
            if ok:
                if payload["errors"] != []:
                    problems.append(f"{label}: refused {payload['errors']}")
                    continue
                succeeded += 1
                made = payload["organization"]
                assert (made["sector"] or {}).get("code") == sector, label
                assert made["parent"]["code"] == variables["parentCode"], label
            else:
                codes = {e["code"] for e in payload["errors"]}
                if payload["organization"] is not None or not codes or not codes <= REFUSALS:
                    problems.append(f"{label}: not refused: {payload}")
        assert await city.count("organization") - orgs_before == succeeded
        assert await city.count("audit_event") - audit_before == succeeded
    assert problems == [], "\n".join(problems[:20])
    print(f"createOrganization as {username}: {len(cases)} generated cases")
    await city.load()


UPDATE = """
mutation($input: UpdateOrganizationInput!) {
  updateOrganization(input: $input) {
    organization { version category { code } parent { code } }
    errors { field code message }
  }
}"""


def _children_fit(city: City, org: Org, category: str) -> bool:
    return all(
        fits(child.category, city.categories[child.category], category, child.sector)
        for child in (city.orgs[i] for i in city.children.get(org.id, []))
    )


def _targets(city: City, writer: Writer) -> list[Org]:
    """One manageable organisation of each category (the writer's own roots excluded)."""
    chosen: dict[str, Org] = {}
    for org in sorted(city.orgs.values(), key=lambda o: (not city.children[o.id], o.code)):
        if org.parent is not None and city.manages(writer, org):
            chosen.setdefault(org.category, org)
    return list(chosen.values())


async def _update(city: City, username: str, org: Org, **changes: Any) -> dict[str, Any]:
    variables = {"input": {"id": ids.encode("Organization", org.id), **changes}}
    variables["input"]["expectedVersion"] = org.version
    body = await city.post(username, UPDATE, variables)
    payload: dict[str, Any] = body["data"]["updateOrganization"]
    return payload


async def _check(
    city: City, username: str, org: Org, ok: bool, label: str, changes: dict[str, Any]
) -> list[str]:
    audit_before = await city.count("audit_event")
    payload = await _update(city, username, org, **changes)
    changed = await city.count("audit_event") - audit_before
    if ok:
        if payload["errors"] != []:
            return [f"{label}: refused {payload['errors']}"]
        if changed:  # put it back as admin so the next case starts from the demo's state
            restore = {
                "categoryCode": org.category,
                "parentId": ids.encode("Organization", org.parent or 0),
            }
            org.version = payload["organization"]["version"]
            back = await _update(city, "admin", org, **restore)
            assert back["errors"] == [], back
            org.version = back["organization"]["version"]
        return []
    codes = {e["code"] for e in payload["errors"]}
    if payload["organization"] is not None or not codes <= REFUSALS or not codes or changed:
        return [f"{label}: not refused cleanly: {payload} ({changed} audit events)"]
    return []


@pytest.mark.parametrize("username", ["xihu", "soe-lead", "admin"])
async def test_recategorise_generated(city: City, username: str) -> None:
    await city.load()
    writer = city.writers[username]
    problems: list[str] = []
    cases = 0
    for org in _targets(city, writer):
        parent = city.orgs[org.parent] if org.parent is not None else None
        assert parent is not None
        for category, category_sector in sorted(city.categories.items()):
            ok = category == org.category or (
                fits(category, category_sector, parent.category, org.sector)
                and _children_fit(city, org, category)
                and reaches(city, writer, parent, org.sector, org)
            )
            cases += 1
            label = f"{username} recategorise {org.code} {org.category} → {category}"
            problems += await _check(city, username, org, ok, label, {"categoryCode": category})
    assert problems == [], "\n".join(problems[:20])
    print(f"updateOrganization(categoryCode) as {username}: {cases} generated cases")


@pytest.mark.parametrize("username", ["xihu", "soe-lead", "admin"])
async def test_move_generated(city: City, username: str) -> None:
    await city.load()
    writer = city.writers[username]
    problems: list[str] = []
    cases = 0
    for org in _targets(city, writer):
        for parent in parents_for(city, writer):
            ok = parent.id == org.parent or (
                city.manages(writer, parent)
                and parent.id not in city.subtree(org.id)
                and fits(org.category, city.categories[org.category], parent.category, org.sector)
                and reaches(city, writer, parent, org.sector, org)
            )
            cases += 1
            label = f"{username} move {org.code} {org.category} under {parent.code}"
            changes = {"parentId": ids.encode("Organization", parent.id)}
            problems += await _check(city, username, org, ok, label, changes)
    assert problems == [], "\n".join(problems[:20])
    print(f"updateOrganization(parentId) as {username}: {cases} generated cases")


ASSIGN = """
mutation($input: AssignPositionInput!) {
  assignPosition(input: $input) { assignment { id version } errors { field code message } }
}"""
END = """
mutation($input: EndAssignmentInput!) {
  endAssignment(input: $input) { assignment { id until } errors { field code message } }
}"""


def _dates() -> list[tuple[str, bool]]:
    """(date, plausible): the People's Republic's first day up to a year and a day ahead."""
    today = city_today()
    return [
        ("0001-01-01", False),
        ("1900-01-01", False),
        ("1949-09-30", False),
        ("1949-10-01", True),
        ("2000-02-29", True),
        (today.isoformat(), True),
        ((today + dt.timedelta(days=366)).isoformat(), True),
        ((today + dt.timedelta(days=367)).isoformat(), False),
        ("9999-12-31", False),
    ]


async def _people(city: City, held: set[int]) -> dict[str, str]:
    """A person serving only inside the held subtree, and one serving only outside it."""
    async with city.runtime.engine.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT p.code, a.organization_id FROM person p JOIN assignment a "
                    "ON a.person_id = p.id AND a.until IS NULL ORDER BY p.code"
                )
            )
        ).all()
    posts: dict[str, set[int]] = defaultdict(set)
    for code, org_id in rows:
        posts[code].add(org_id)
    inside = next(code for code, orgs in posts.items() if orgs <= held)
    outside = next(code for code, orgs in posts.items() if not orgs & held)
    return {"inside": inside, "outside": outside}


async def _assign(city: City, username: str, person: str, org: Org, since: str) -> dict[str, Any]:
    variables = {
        "input": {
            "personCode": person,
            "positionCode": "TOWN_VILLAGE_CADRE",
            "organizationCode": org.code,
            "since": since,
        }
    }
    payload: dict[str, Any] = (await city.post(username, ASSIGN, variables))["data"][
        "assignPosition"
    ]
    return payload


async def _end(city: City, username: str, assignment: dict[str, Any], until: str) -> Any:
    variables = {
        "input": {"id": assignment["id"], "until": until, "expectedVersion": assignment["version"]}
    }
    return (await city.post(username, END, variables))["data"]["endAssignment"]


@pytest.mark.parametrize("username", ["xihu", "admin"])
async def test_assign_position_people_and_dates_generated(city: City, username: str) -> None:
    await city.load()
    writer = city.writers[username]
    xihu = city.writers["xihu"]
    town = next(
        o
        for o in sorted(city.orgs.values(), key=lambda o: o.code)
        if o.category == "TOWN" and o.id in city.held(xihu)
    )
    people = await _people(city, city.held(xihu))
    problems: list[str] = []
    cases = 0
    for (kind, person), (since, plausible) in itertools.product(people.items(), _dates()):
        ok = plausible and (writer.everything or kind == "inside")
        before = await city.count("assignment"), await city.count("audit_event")
        payload = await _assign(city, username, person, town, since)
        cases += 1
        label = f"{username} assigns {kind} person {person} since {since}"
        if ok and payload["errors"]:
            problems.append(f"{label}: refused {payload['errors']}")
        elif ok:  # end it again, so the next case starts from the same state
            until = max(since, city_today().isoformat())
            assert (await _end(city, "admin", payload["assignment"], until))["errors"] == []
        else:
            codes = {e["code"] for e in payload["errors"]}
            after = await city.count("assignment"), await city.count("audit_event")
            if payload["assignment"] is not None or not codes <= REFUSALS or after != before:
                problems.append(f"{label}: not refused cleanly: {payload}")
    for until, plausible in _dates():
        made = await _assign(city, "admin", people["inside"], town, "1949-10-01")
        assert made["errors"] == [], made
        before = await city.count("audit_event")
        payload = await _end(city, username, made["assignment"], until)
        cases += 1
        label = f"{username} ends a term on {until}"
        if plausible and payload["errors"]:
            problems.append(f"{label}: refused {payload['errors']}")
        if not plausible:
            if payload["errors"] == [] or await city.count("audit_event") != before:
                problems.append(f"{label}: not refused cleanly: {payload}")
            await _end(city, "admin", made["assignment"], city_today().isoformat())
    assert problems == [], "\n".join(problems[:20])
    print(f"assignPosition/endAssignment as {username}: {cases} generated cases")
