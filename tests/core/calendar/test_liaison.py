"""Liaison links (M3): the SOE demo's leaders, `viewer.liaisons`, liaison tasks and reminders."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.calendar import liaison
from core.calendar.models import CalendarRule, Liaison, OutboxMessage, Task
from core.calendar.reminders import remind
from core.db import session_factory
from core.orgs.models import Assignment, Organization, OrgCategory, Person
from gateway.app import Runtime
from tests.conftest import GQL
from tests.core.calendar.test_reminders import (
    REMINDERS,
    a_duty,
    account_id,
    add_task,
    clear_calendar,
    days,
)

LIAISONS = (
    "{ viewer { liaisons { id kind since until organization { code name } person { name } } } }"
)


async def links(engine: AsyncEngine) -> list[tuple[int, str, int, int | None, str]]:
    """(person, kind, organisation, its parent, its category) of every link."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            select(
                Liaison.person_id,
                Liaison.kind,
                Organization.id,
                Organization.parent_id,
                OrgCategory.code,
            )
            .join(Organization, Organization.id == Liaison.organization_id)
            .join(OrgCategory, OrgCategory.id == Organization.category_id)
            .order_by(Liaison.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_demo_links_each_leader_to_two_or_three_groups_and_a_key_subsidiary_each(
    demo_runtime: Runtime,
) -> None:
    found = await links(demo_runtime.engine)
    groups: dict[int, set[int]] = defaultdict(set)
    subsidiaries: dict[int, list[int]] = defaultdict(list)
    for person, kind, org, parent, category in found:
        if kind == liaison.GROUP:
            assert category == "SOE_GROUP"
            groups[person].add(org)
        else:
            assert kind == liaison.KEY_SUBSIDIARY and category == "SOE_SUBSIDIARY"
            assert parent is not None
            subsidiaries[person].append(parent)
    assert 5 <= len(groups) <= 8
    for person, mine in groups.items():
        assert 2 <= len(mine) <= 3
        assert sorted(subsidiaries[person]) == sorted(mine)  # one key subsidiary per group
    every_group = [g for mine in groups.values() for g in mine]
    assert len(every_group) == len(set(every_group)) == 20
    async with demo_runtime.engine.connect() as conn:
        serving = set(
            (
                await conn.execute(
                    select(Assignment.person_id).where(
                        Assignment.person_id.in_(groups), Assignment.until.is_(None)
                    )
                )
            ).scalars()
        )
    assert serving == set(groups)  # every leader holds a current post


async def test_viewer_liaisons_of_the_soe_lead(gql: GQL) -> None:
    body = await gql(LIAISONS, user="soe-lead")
    assert "errors" not in body, body
    mine = body["data"]["viewer"]["liaisons"]
    kinds = [link["kind"] for link in mine]
    assert 2 <= kinds.count("GROUP") == kinds.count("KEY_SUBSIDIARY") <= 3
    assert kinds == sorted(kinds)  # groups first
    assert len({link["person"]["name"] for link in mine}) == 1
    assert all(link["until"] is None and link["organization"] for link in mine)
    assert (await gql(LIAISONS, user="sec-330106"))["data"]["viewer"]["liaisons"] == []


def test_plan_links_spreads_groups_two_or_three_each() -> None:
    since = dt.date(2026, 1, 1)
    groups = [(100 + i, 200 + i) for i in range(20)]
    rows = liaison.plan_links(leaders=list(range(1, 9)), groups=groups, since=since)
    per_leader: dict[object, int] = defaultdict(int)
    for row in rows:
        if row["kind"] == liaison.GROUP:
            per_leader[row["person_id"]] += 1
    assert sorted(per_leader.values()) == [2, 2, 2, 2, 3, 3, 3, 3]
    assert len(rows) == 40
    few = liaison.plan_links(leaders=[1, 2], groups=groups, since=since)
    assert len([r for r in few if r["kind"] == liaison.GROUP]) == 6  # 3 each, rest unlinked
    assert liaison.plan_links(leaders=[], groups=groups, since=since) == []
    assert len(liaison.plan_links(leaders=[1], groups=[(1, None), (2, None)], since=since)) == 2


async def test_liaison_tasks_reach_the_linked_leader(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    engine = runtime.engine
    await clear_calendar(engine)
    duty = await a_duty(engine)
    async with engine.begin() as conn:
        rule = await conn.scalar(
            insert(CalendarRule)
            .values(
                duty_id=duty,
                rrule="FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=20",
                lead_days=30,
                owner="LIAISON",
                starts_on=dt.date(2026, 1, 1),
            )
            .returning(CalendarRule.id)
        )
    assert rule is not None
    due = days(5)
    today = days(0)
    targets = await _targets(runtime, today)
    assert len(targets) == 40
    async with session_factory(engine).begin() as session:
        made = await liaison.instantiate(
            session=session,
            rule_id=rule,
            duty_id=duty,
            title="指导联系企业书记年度述职评议",
            occurrences=[(str(due.year), due)],
            lead_days=30,  # the rule's: the tasks have opened
        )
    assert made == 40
    async with session_factory(engine).begin() as session:
        again = await liaison.instantiate(
            session=session,
            rule_id=rule,
            duty_id=duty,
            title="指导联系企业书记年度述职评议",
            occurrences=[(str(due.year), due)],
        )
    assert again == 0

    body = await gql(REMINDERS, user="soe-lead")
    got = body["data"]["viewer"]["reminders"]
    person = await _person_of(engine, "soe-lead")
    async with engine.connect() as conn:
        name = await conn.scalar(select(Person.name).where(Person.id == person))
    mine = [t for t in targets if t[0] == person]
    assert len(got) == len(mine) >= 4
    assert all(r["kind"] == "DUE_IN_7_DAYS" for r in got)
    assert all(r["task"]["title"] == f"{name}：指导联系企业书记年度述职评议" for r in got)

    # their own department's task too (市国资委 lies outside the SOE sector they oversee)
    async with engine.connect() as conn:
        sasac = await conn.scalar(
            select(Assignment.organization_id).where(
                Assignment.person_id == person, Assignment.until.is_(None)
            )
        )
    assert sasac is not None
    await add_task(engine, duty_id=duty, org=sasac, due_on=days(2), title="机关党委任务")
    again_got = (await gql(REMINDERS, user="soe-lead"))["data"]["viewer"]["reminders"]
    assert again_got[0]["task"]["title"] == "机关党委任务"
    assert len(again_got) == len(got) + 1
    await clear_own(engine, sasac)

    await remind(
        sessions=session_factory(engine), pm=runtime.pm, today=today, escalate_after_days=7
    )
    lead = await account_id(engine, "soe-lead")
    async with engine.connect() as conn:
        count = await conn.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.recipient_id == lead)
        )
    assert count == len(got)


async def _person_of(engine: AsyncEngine, username: str) -> int:
    from core.auth.models import Account

    async with engine.connect() as conn:
        found = await conn.scalar(select(Account.person_id).where(Account.username == username))
    assert found is not None
    return int(found)


async def _targets(runtime: Runtime, today: dt.date) -> list[tuple[int, int]]:
    async with session_factory(runtime.engine)() as session:
        return await liaison.liaison_targets(
            session=session, start=dt.date(today.year, 1, 1), end=dt.date(today.year, 12, 31)
        )


async def clear_own(engine: AsyncEngine, org: int) -> None:
    """Drop the organisation's own test task again (the outbox count below is the leader's)."""
    from sqlalchemy import delete

    async with engine.begin() as conn:
        await conn.execute(delete(Task).where(Task.organization_id == org))
