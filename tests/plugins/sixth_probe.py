"""Run by tests/plugins/test_sixth_plugin.py with the python of a virtual environment where
the out-of-tree fixture plugin is pip-installed: migrate an empty database, enable every
plugin and print, as JSON, what the schema and the API answer about the plugin."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from core import migrate
from core.assessment.loading import load_core_libraries as load_core_schemes
from core.db import create_engine, session_factory
from core.orgs.catalogue import sync_catalogue
from core.plugins import create_manager, loaded_plugins
from core.reports.loading import load_core_reports
from gateway.app import create_runtime
from gateway.schema import build_schema
from tests.conftest import client_for, seed_minimal, settings_for, token_for

ORG = """mutation($input: CreateOrganizationInput!) {
  createOrganization(input: $input) { organization { id code } errors { code message } } }"""
PROFILE = """mutation($input: UpdateLawFirmProfileInput!) {
  updateLawFirmProfile(input: $input) { profile { lawyers memberLawyers version } errors { code } } }"""
READ = """{
  organization(code: "91330106MA2H000001") { code category { code name sector { code } }
    lawFirmProfile { lawyers memberLawyers version } }
  categories(first: 100) { edges { node { code dutyDescription { duties { code source } } } } }
  reportForm(code: "DJBB") { indicators { code } }
  assessmentScheme(code: "DJKH-2026") { categories { code } sections { items { code } } }
  plugins { name enabled }
}"""


async def main(url: str) -> dict[str, Any]:
    settings = settings_for(url)
    pm = create_manager(settings)
    engine = create_engine(url)
    await migrate.upgrade(engine, pm)
    await seed_minimal(engine)
    async with session_factory(engine).begin() as session:
        await sync_catalogue(session=session, pm=pm)
        await load_core_reports(session=session, actor=None)
        await load_core_schemes(session=session, actor=None)
    runtime = create_runtime(settings, pm=pm, engine=engine)
    headers = {"Authorization": f"Bearer {token_for(runtime, 'admin')}"}
    out: dict[str, Any] = {
        "installed": [p.name for p in loaded_plugins(pm)],
        "sdl": str(build_schema(pm)),
    }
    async with client_for(runtime) as client:

        async def gql(query: str, variables: dict[str, Any] | None = None) -> Any:
            body = {"query": query, "variables": variables or {}}
            return (await client.post("/graphql", json=body, headers=headers)).json()

        out["enable"] = await gql(
            'mutation { enablePlugin(input: {name: "law_firms"}) { errors { code message } } }'
        )
        created = await gql(
            ORG,
            {
                "input": {
                    "code": "91330106MA2H000001",
                    "name": "浙江西湖律师事务所",
                    "categoryCode": "LAW_FIRM",
                    "parentCode": "330106",
                    "sectorCode": "LAW_FIRM",
                }
            },
        )
        out["created"] = created
        org = created["data"]["createOrganization"]["organization"]
        out["profile"] = await gql(
            PROFILE, {"input": {"organizationId": org["id"], "lawyers": 40, "memberLawyers": 12}}
        )
        out["read"] = await gql(READ)
    await engine.dispose()
    return out


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1])), ensure_ascii=False))
