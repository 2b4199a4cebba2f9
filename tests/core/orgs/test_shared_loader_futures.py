"""A failing field must not take down its siblings that share a DataLoader key."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.app import create_runtime
from tests.conftest import client_for, make_gql, settings_for

QUERY = """
{
  x: organization(code: "330106001") { parent { code } children(after: "not-a-cursor") { totalCount } }
  y: organization(code: "330106001") { parent { code } ancestors { code } }
}"""


async def test_error_in_one_field_leaves_fields_sharing_its_loader_keys_intact(
    minimal: AsyncEngine,
) -> None:
    runtime = create_runtime(
        settings_for(minimal.url.render_as_string(hide_password=False)), engine=minimal
    )
    async with client_for(runtime) as client:
        body = await make_gql(client, runtime)(QUERY)
    assert body["data"]["x"] is None  # children is non-null: the error nulls x
    assert body["errors"][0]["extensions"]["code"] == "BAD_CURSOR"
    assert body["data"]["y"] == {
        "parent": {"code": "330106"},
        "ancestors": [{"code": "330100"}, {"code": "330106"}],
    }
