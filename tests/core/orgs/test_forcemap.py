"""The force map: required posts vs holders today, understaffed organisations named."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core.orgs.models import (
    Assignment,
    FrameworkRequirement,
    Organization,
    OrgCategory,
    Person,
    Position,
    StaffingFramework,
)
from gateway.app import create_runtime
from tests.conftest import city_today, client_for, make_gql, settings_for

FORCE_MAP = """
query($code: String!) {
  forceMap(withinCode: $code) {
    organizations positions filled vacant
    understaffed(first: 50) {
      totalCount
      edges { node { organization { code } framework { code requirements { position { code } count } } missing { code name } } }
    }
  }
}"""


async def staff(engine: AsyncEngine) -> None:
    today = city_today()
    async with engine.begin() as conn:
        street = (
            await conn.execute(select(OrgCategory.id).where(OrgCategory.code == "STREET"))
        ).scalar_one()
        orgs = {
            code: oid
            for oid, code in await conn.execute(select(Organization.id, Organization.code))
        }
        await conn.execute(
            insert(Position),
            [
                {
                    "id": 901,
                    "code": "T_SECRETARY",
                    "name": "书记",
                    "name_en": "",
                    "category_id": street,
                    "principal": True,
                    "sort_order": 1,
                },
                {
                    "id": 902,
                    "code": "T_MEMBER",
                    "name": "委员",
                    "name_en": "",
                    "category_id": street,
                    "principal": False,
                    "sort_order": 2,
                },
            ],
        )
        await conn.execute(
            insert(StaffingFramework).values(
                id=901, code="T_FW", name="测试框架", category_id=street, description=""
            )
        )
        await conn.execute(
            insert(FrameworkRequirement),
            [
                {"framework_id": 901, "position_id": 901, "required_count": 1, "principal": True},
                {"framework_id": 901, "position_id": 902, "required_count": 2, "principal": False},
            ],
        )
        await conn.execute(
            insert(Person),
            [
                {"id": 900 + i, "code": f"P{i}", "name": f"人员{i}", "gender": None}
                for i in range(8)
            ],
        )
        past, future = today - dt.timedelta(days=400), today + dt.timedelta(days=30)
        rows = [
            (900, 901, "330106001", past, None),
            (901, 902, "330106001", past, None),
            (902, 902, "330106001", past, today - dt.timedelta(days=1)),  # ended: vacant again
            (903, 902, "330106001", future, None),  # not yet started
            (904, 901, "330102001", past, None),
            (905, 902, "330102001", past, None),
            (906, 902, "330102001", past, None),
            (907, 902, "330102001", past, None),  # a surplus holder fills no other post
        ]
        await conn.execute(
            insert(Assignment),
            [
                {
                    "person_id": p,
                    "position_id": pos,
                    "organization_id": orgs[o],
                    "since": s,
                    "until": u,
                    "version": 1,
                }
                for p, pos, o, s, u in rows
            ],
        )


async def test_force_map_counts_and_names_missing_posts(minimal: AsyncEngine) -> None:
    await staff(minimal)
    runtime = create_runtime(
        settings_for(minimal.url.render_as_string(hide_password=False)), engine=minimal
    )
    async with client_for(runtime) as client:
        gql = make_gql(client, runtime)
        city = (await gql(FORCE_MAP, {"code": "330100"}))["data"]["forceMap"]
        xihu = (await gql(FORCE_MAP, {"code": "330106"}, user="xihu"))["data"]["forceMap"]
        foreign = (await gql(FORCE_MAP, {"code": "330102"}, user="xihu"))["data"]["forceMap"]
        missing = (await gql(FORCE_MAP, {"code": "999999"}))["data"]["forceMap"]
    assert {k: city[k] for k in ("organizations", "positions", "filled", "vacant")} == {
        "organizations": 5,
        "positions": 6,
        "filled": 5,
        "vacant": 1,
    }
    assert city["understaffed"]["totalCount"] == 1
    node = city["understaffed"]["edges"][0]["node"]
    assert node["organization"] == {"code": "330106001"}
    assert node["framework"]["code"] == "T_FW"
    assert node["missing"] == [{"code": "T_MEMBER", "name": "委员"}]
    assert {k: xihu[k] for k in ("organizations", "positions", "filled", "vacant")} == {
        "organizations": 2,
        "positions": 3,
        "filled": 2,
        "vacant": 1,
    }
    assert foreign is None and missing is None


ASSIGNMENTS = """
query($code: String!, $current: Boolean!) {
  organization(code: $code) {
    assignments(current: $current, first: 10) {
      totalCount
      edges { node { id version since until person { code } position { code } organization { code } } }
    }
  }
}"""
ASSIGN = """
mutation($input: AssignPositionInput!) {
  assignPosition(input: $input) { assignment { id since until person { code } } errors { field code message } }
}"""
END = """
mutation($input: EndAssignmentInput!) {
  endAssignment(input: $input) { assignment { id until version } errors { field code } }
}"""


async def test_staffing_changes_the_force_map_and_keeps_history(minimal: AsyncEngine) -> None:
    await staff(minimal)
    today = city_today().isoformat()
    runtime = create_runtime(
        settings_for(minimal.url.render_as_string(hide_password=False)), engine=minimal
    )
    async with client_for(runtime) as client:
        gql = make_gql(client, runtime)
        current = (await gql(ASSIGNMENTS, {"code": "330106001", "current": True}))["data"][
            "organization"
        ]["assignments"]
        history = (await gql(ASSIGNMENTS, {"code": "330106001", "current": False}))["data"][
            "organization"
        ]["assignments"]
        assert (current["totalCount"], history["totalCount"]) == (2, 4)

        fill = {
            "personCode": "P2",
            "positionCode": "T_MEMBER",
            "organizationCode": "330106001",
            "since": today,
        }
        assigned = (await gql(ASSIGN, {"input": fill}, user="xihu"))["data"]["assignPosition"]
        assert assigned["errors"] == [] and assigned["assignment"]["person"] == {"code": "P2"}
        again = (await gql(ASSIGN, {"input": fill}, user="xihu"))["data"]["assignPosition"]
        assert again["errors"][0]["code"] == "DUPLICATE"
        wrong = {**fill, "positionCode": "NO_SUCH"}
        assert (await gql(ASSIGN, {"input": wrong}, user="xihu"))["data"]["assignPosition"][
            "errors"
        ][0]["field"] == "positionCode"
        foreign = {**fill, "organizationCode": "330102001"}
        assert (await gql(ASSIGN, {"input": foreign}, user="xihu"))["data"]["assignPosition"][
            "errors"
        ][0]["code"] == "NOT_FOUND"
        fm = (await gql(FORCE_MAP, {"code": "330106"}, user="xihu"))["data"]["forceMap"]
        assert (fm["filled"], fm["vacant"], fm["understaffed"]["totalCount"]) == (3, 0, 0)

        secretary = next(
            e["node"] for e in current["edges"] if e["node"]["position"]["code"] == "T_SECRETARY"
        )
        stale = {"id": secretary["id"], "until": today, "expectedVersion": secretary["version"] + 5}
        assert (await gql(END, {"input": stale}))["data"]["endAssignment"]["errors"][0][
            "code"
        ] == "CONFLICT"
        early = {
            "id": secretary["id"],
            "until": "1999-01-01",
            "expectedVersion": secretary["version"],
        }
        assert (await gql(END, {"input": early}))["data"]["endAssignment"]["errors"][0][
            "field"
        ] == "until"
        ended = (await gql(END, {"input": {**early, "until": today}}))["data"]["endAssignment"]
        assert ended["errors"] == [] and ended["assignment"]["until"] == today
        history = (await gql(ASSIGNMENTS, {"code": "330106001", "current": False}))["data"][
            "organization"
        ]["assignments"]
        assert history["totalCount"] == 5  # nothing is deleted
        fm = (await gql(FORCE_MAP, {"code": "330106"}, user="xihu"))["data"]["forceMap"]
        assert fm["vacant"] == 1
        missing = fm["understaffed"]["edges"][0]["node"]["missing"]
        assert missing == [{"code": "T_SECRETARY", "name": "书记"}]
