"""One test per hook: a temporary plugin registered on a real manager, exercised end to end."""

from __future__ import annotations

import textwrap
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pluggy
import strawberry
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from core import hookimpl, migrate
from core.orgs.catalogue import sync_catalogue
from core.orgs.models import FrameworkRequirement, OrgCategory, Position, StaffingFramework
from core.orgs.rows import OrgRow
from core.plugin_admin.models import PluginState
from core.plugins import create_manager, register
from core.specs import CategorySpec, DemoContext, FrameworkSpec, PluginInfo, PositionSpec
from gateway.app import create_runtime
from tests.conftest import client_for, settings_for, token_for

TMP_INFO = PluginInfo(
    name="tmp", title="临时插件", version="9.9.9", sector_code="TMP", sector_name="临时行业"
)


def make_plugin(name: str = "tmp", **impls: Callable[..., Any]) -> types.ModuleType:
    """A plugin module with the given hook implementations (plugin_info always)."""
    module = types.ModuleType(f"tmp_plugin_{name}")
    info = PluginInfo(name=name, title=TMP_INFO.title, version="9.9.9", sector_code="TMP")
    module.dutygraph_plugin_info = hookimpl(lambda: info)  # type: ignore[attr-defined]
    for hook, func in impls.items():
        setattr(module, hook, hookimpl(func))
    return module


def manager_with(url: str, *plugins: types.ModuleType) -> pluggy.PluginManager:
    pm = create_manager(settings_for(url))
    for plugin in plugins:
        register(pm, plugin.__name__.removeprefix("tmp_plugin_"), plugin)
    return pm


def url_of(engine: AsyncEngine) -> str:
    return engine.url.render_as_string(hide_password=False)


async def post(
    engine: AsyncEngine, pm: pluggy.PluginManager, query: str, user: str = "admin"
) -> Any:
    runtime = create_runtime(settings_for(url_of(engine)), pm=pm, engine=engine)
    async with client_for(runtime) as client:
        response = await client.post(
            "/graphql",
            json={"query": query},
            headers={"Authorization": f"Bearer {token_for(runtime, user)}"},
        )
    assert response.status_code == 200, response.text
    return response.json()


async def test_hook_dutygraph_plugin_info(minimal: AsyncEngine) -> None:
    pm = manager_with(url_of(minimal), make_plugin())
    await _sync(minimal, pm)
    body = await post(minimal, pm, "{ plugins { name title version enabled sector { code } } }")
    tmp = [p for p in body["data"]["plugins"] if p["name"] == "tmp"]
    assert tmp == [
        {
            "name": "tmp",
            "title": "临时插件",
            "version": "9.9.9",
            "enabled": False,
            "sector": {"code": "TMP"},
        }
    ]


async def _sync(engine: AsyncEngine, pm: pluggy.PluginManager) -> None:
    from core.db import session_factory

    async with session_factory(engine).begin() as session:
        await sync_catalogue(session=session, pm=pm)


async def test_hook_dutygraph_org_categories(minimal: AsyncEngine) -> None:
    plugin = make_plugin(
        dutygraph_org_categories=lambda: [
            CategorySpec(code="TMP_SHOP", name="临时商店", sector_code="TMP")
        ]
    )
    pm = manager_with(url_of(minimal), plugin)
    await _sync(minimal, pm)
    await _sync(minimal, pm)  # idempotent
    async with minimal.connect() as conn:
        rows = (
            await conn.execute(
                select(OrgCategory.name, OrgCategory.plugin).where(OrgCategory.code == "TMP_SHOP")
            )
        ).all()
    assert [tuple(r) for r in rows] == [("临时商店", "tmp")]
    body = await post(minimal, pm, "{ categories(first: 100) { edges { node { code name } } } }")
    assert {"code": "TMP_SHOP", "name": "临时商店"} in [
        e["node"] for e in body["data"]["categories"]["edges"]
    ]


def _catalogue_plugin() -> types.ModuleType:
    return make_plugin(
        dutygraph_org_categories=lambda: [CategorySpec(code="TMP_SHOP", name="临时商店")],
        dutygraph_positions=lambda: [
            PositionSpec(code="TMP_MANAGER", name="店长", category_code="TMP_SHOP", principal=True),
            PositionSpec(code="TMP_CLERK", name="店员", category_code="TMP_SHOP"),
        ],
        dutygraph_staffing_frameworks=lambda: [
            FrameworkSpec(
                code="TMP_SHOP_1_2",
                name="一店长两店员",
                category_code="TMP_SHOP",
                requirements={"TMP_MANAGER": 1, "TMP_CLERK": 2},
            )
        ],
    )


async def test_hook_dutygraph_positions(minimal: AsyncEngine) -> None:
    pm = manager_with(url_of(minimal), _catalogue_plugin())
    await _sync(minimal, pm)
    body = await post(
        minimal, pm, '{ position(code: "TMP_MANAGER") { code name principal category { code } } }'
    )
    assert body["data"]["position"] == {
        "code": "TMP_MANAGER",
        "name": "店长",
        "principal": True,
        "category": {"code": "TMP_SHOP"},
    }
    async with minimal.connect() as conn:
        plugin = (
            await conn.execute(select(Position.plugin).where(Position.code == "TMP_CLERK"))
        ).scalar()
    assert plugin == "tmp"


async def test_hook_dutygraph_staffing_frameworks(minimal: AsyncEngine) -> None:
    pm = manager_with(url_of(minimal), _catalogue_plugin())
    await _sync(minimal, pm)
    async with minimal.connect() as conn:
        rows = (
            await conn.execute(
                select(Position.code, FrameworkRequirement.required_count)
                .join(FrameworkRequirement, FrameworkRequirement.position_id == Position.id)
                .join(StaffingFramework, StaffingFramework.id == FrameworkRequirement.framework_id)
                .where(StaffingFramework.code == "TMP_SHOP_1_2")
                .order_by(Position.code)
            )
        ).all()
    assert [tuple(r) for r in rows] == [("TMP_CLERK", 2), ("TMP_MANAGER", 1)]


@strawberry.type
class TmpOrgFields:
    @strawberry.field
    def tmp_code_length(self, root: strawberry.Parent[OrgRow]) -> int:
        return len(root.code)


async def test_hook_dutygraph_libraries(minimal: AsyncEngine, tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(
        "urn: urn:dutygraph:library:tmp:duties\nversion: '2026.1'\nduties: []\n", encoding="utf-8"
    )
    pm = manager_with(url_of(minimal), make_plugin(dutygraph_libraries=lambda: [good]))
    await _sync(minimal, pm)
    body = await post(
        minimal,
        pm,
        'mutation { enablePlugin(input: {name: "tmp"}) { plugin { enabled } errors { code } } }',
    )
    assert body["data"]["enablePlugin"] == {"plugin": {"enabled": True}, "errors": []}
    async with minimal.connect() as conn:
        libraries = (
            await conn.execute(select(PluginState.libraries).where(PluginState.name == "tmp"))
        ).scalar()
    assert libraries == "urn:dutygraph:library:tmp:duties@2026.1"


async def test_hook_dutygraph_libraries_malformed_file_refuses_enable(
    minimal: AsyncEngine, tmp_path: Path
) -> None:
    library = tmp_path / "lib.yaml"
    library.write_text(
        "urn: urn:dutygraph:library:tmp:duties\nversion: '1'\nduties: []\n", encoding="utf-8"
    )
    pm = manager_with(url_of(minimal), make_plugin(dutygraph_libraries=lambda: [library]))
    await _sync(minimal, pm)
    runtime = create_runtime(settings_for(url_of(minimal)), pm=pm, engine=minimal)  # starts fine
    library.write_text("duties: [\n", encoding="utf-8")  # broken after start-up
    async with client_for(runtime) as client:
        response = await client.post(
            "/graphql",
            json={
                "query": 'mutation { enablePlugin(input: {name: "tmp"}) { plugin { enabled } errors { code message } } }'
            },
            headers={"Authorization": f"Bearer {token_for(runtime, 'admin')}"},
        )
    payload = response.json()["data"]["enablePlugin"]
    assert payload["plugin"] is None
    assert payload["errors"][0]["code"] == "INVALID"
    assert "lib.yaml:" in payload["errors"][0]["message"]  # file:line
    async with minimal.connect() as conn:
        enabled = (
            await conn.execute(select(PluginState.enabled).where(PluginState.name == "tmp"))
        ).scalar()
    assert enabled is None  # nothing half-written


async def test_hook_dutygraph_migrations(engine: AsyncEngine, tmp_path: Path) -> None:
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "2026-11-27_tmp0001_tmp_thing.py").write_text(
        textwrap.dedent(
            '''
            """tmp thing"""
            import sqlalchemy as sa
            from alembic import op

            revision = "tmp0001"
            down_revision = None
            branch_labels = ("tmp",)
            depends_on = "0001"


            def upgrade() -> None:
                op.create_table("tmp_thing", sa.Column("id", sa.Integer(), primary_key=True))


            def downgrade() -> None:
                op.drop_table("tmp_thing")
            '''
        ),
        encoding="utf-8",
    )
    pm = manager_with(url_of(engine), make_plugin(dutygraph_migrations=lambda: versions))
    assert versions in migrate.version_locations(pm)
    await migrate.upgrade(engine, pm)
    async with engine.connect() as conn:
        tables = await conn.run_sync(lambda c: sa_inspect(c).get_table_names())
        assert "tmp_thing" in tables
        assert "tmp0001" in await migrate.current_revisions(engine)


async def test_hook_dutygraph_on_enable(minimal: AsyncEngine) -> None:
    calls: list[str | None] = []

    async def on_enable(session: Any, actor: str | None) -> None:
        await session.execute(text("SELECT 1"))
        calls.append(actor)

    pm = manager_with(url_of(minimal), make_plugin(dutygraph_on_enable=on_enable))
    await _sync(minimal, pm)
    body = await post(
        minimal,
        pm,
        'mutation { enablePlugin(input: {name: "tmp"}) { plugin { enabled } errors { code } } }',
    )
    assert body["data"]["enablePlugin"]["plugin"] == {"enabled": True}
    assert calls == ["admin"]


async def test_hook_dutygraph_on_disable(minimal: AsyncEngine) -> None:
    calls: list[str | None] = []
    pm = manager_with(
        url_of(minimal),
        make_plugin(dutygraph_on_disable=lambda session, actor: calls.append(actor)),
    )
    await _sync(minimal, pm)
    enable = 'mutation { enablePlugin(input: {name: "tmp"}) { plugin { enabled } } }'
    disable = (
        'mutation { disablePlugin(input: {name: "tmp"}) { plugin { enabled } errors { code } } }'
    )
    await post(minimal, pm, enable)
    body = await post(minimal, pm, disable)
    assert body["data"]["disablePlugin"] == {"plugin": {"enabled": False}, "errors": []}
    assert calls == ["admin"]
    # disabling twice is a no-op: the hook is not called again
    await post(minimal, pm, disable)
    assert calls == ["admin"]


async def test_hook_dutygraph_load_demo(engine: AsyncEngine) -> None:
    from core.demo.loader import load_demo
    from core.orgs.models import Organization

    seen: list[DemoContext] = []

    async def add_demo(context: DemoContext) -> None:
        seen.append(context)

    pm = manager_with(url_of(engine), make_plugin(dutygraph_load_demo=add_demo))
    await load_demo(engine=engine, pm=pm, scale=1)
    assert len(seen) == 1 and seen[0].scale == 1 and seen[0].city_id > 0
    async with engine.connect() as conn:
        city = (
            await conn.execute(select(Organization.code).where(Organization.id == seen[0].city_id))
        ).scalar()
    assert city == "330100"


async def test_hook_dutygraph_load_demo_activity(minimal: AsyncEngine) -> None:
    from sqlalchemy import update

    from core.demo.activity import load_activity
    from core.orgs.models import Organization

    seen: list[DemoContext] = []

    async def add_activity(context: DemoContext) -> None:
        seen.append(context)
        await context.session.execute(
            update(Organization).where(Organization.id == context.city_id).values(name="演示之城")
        )

    pm = manager_with(url_of(minimal), make_plugin(dutygraph_load_demo_activity=add_activity))
    assert "tmp" in await load_activity(engine=minimal, pm=pm)
    assert len(seen) == 1 and seen[0].org_ids == {"CITY": seen[0].city_id}
    async with minimal.connect() as conn:
        names = set((await conn.execute(select(Organization.name))).scalars())
        city = (
            await conn.execute(select(Organization.code).where(Organization.id == seen[0].city_id))
        ).scalar()
    assert city == "330100" and "演示之城" in names  # committed with the pass


async def test_hook_dutygraph_notifiers(minimal: AsyncEngine) -> None:
    import datetime as dt
    from collections.abc import Sequence

    from sqlalchemy import insert
    from sqlalchemy.ext.asyncio import AsyncSession

    from core.auth.models import Account
    from core.calendar.models import OutboxMessage, Task
    from core.calendar.notify import Message, Notifier
    from core.calendar.reminders import remind
    from core.db import session_factory
    from core.duties.models import Duty, DutyLibrary
    from core.orgs.models import Assignment, Person

    received: list[Message] = []

    class Sms:
        name = "sms"

        async def deliver(self, *, session: AsyncSession, messages: Sequence[Message]) -> None:
            assert session.in_transaction()
            received.extend(messages)

    assert isinstance(Sms(), Notifier)
    pm = manager_with(url_of(minimal), make_plugin(dutygraph_notifiers=lambda: [Sms()]))
    today = dt.date(2026, 11, 27)
    async with minimal.begin() as conn:  # 北山街道 (id 4) with its secretary and a task
        street = (
            await conn.execute(select(OrgCategory.id).where(OrgCategory.code == "STREET"))
        ).scalar_one()
        position = (
            await conn.execute(
                insert(Position)
                .values(
                    code="T_STREET_SECRETARY",
                    name="街道党工委书记",
                    category_id=street,
                    principal=True,
                )
                .returning(Position.id)
            )
        ).scalar_one()
        await conn.execute(insert(Person).values(id=50, code="P50", name="周书记"))
        await conn.execute(
            insert(Assignment).values(
                person_id=50, position_id=position, organization_id=4, since=dt.date(2025, 1, 1)
            )
        )
        await conn.execute(insert(Account).values(id=50, username="sec-beishan", person_id=50))
        library = (
            await conn.execute(
                insert(DutyLibrary)
                .values(urn="urn:test:notify", version="1", content_hash="0" * 64)
                .returning(DutyLibrary.id)
            )
        ).scalar_one()
        duty = (
            await conn.execute(
                insert(Duty)
                .values(
                    code="T-NOTIFY",
                    library_id=library,
                    title="主题党日",
                    source="条例",
                    frequency="MONTHLY",
                )
                .returning(Duty.id)
            )
        ).scalar_one()
        await conn.execute(
            insert(Task).values(
                slot="t:1",
                duty_id=duty,
                organization_id=4,
                title="开展主题党日",
                period="2026-11",
                due_on=today + dt.timedelta(days=1),
            )
        )
    summary = await remind(
        sessions=session_factory(minimal), pm=pm, today=today, escalate_after_days=7
    )
    assert summary.emitted == {"DUE_IN_1_DAY": 1}
    assert [(m.kind, m.person_id, m.recipient_id) for m in received] == [("DUE_IN_1_DAY", 50, 50)]
    assert "开展主题党日" in received[0].subject and received[0].key.endswith(":50")
    async with minimal.connect() as conn:  # the built-in outbox wrote it too
        kinds = (await conn.execute(select(OutboxMessage.kind))).scalars().all()
    assert kinds == ["DUE_IN_1_DAY"]
    received.clear()
    await remind(sessions=session_factory(minimal), pm=pm, today=today, escalate_after_days=7)
    assert received == []  # emitted once: nothing to deliver again
