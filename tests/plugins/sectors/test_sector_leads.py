"""Several lead departments per sector; each sector's lead account manages its plugin."""

from __future__ import annotations

from core.demo.data import DEPARTMENT_CODES
from gateway.app import Runtime
from tests.conftest import GQL

SWITCH = """mutation($name: String!) {
  enablePlugin(input: { name: $name }) { plugin { name enabled } errors { code } }
}"""
LEADS = "{ plugins { name leadDepartment { code } leadDepartments { code name } } }"


async def test_plugins_list_every_lead_department(gql: GQL) -> None:
    plugins = {p["name"]: p for p in (await gql(LEADS))["data"]["plugins"]}
    assert set(plugins) >= {"soe", "education", "health", "social_org", "private_enterprise"}
    codes = {name: [d["code"] for d in p["leadDepartments"]] for name, p in plugins.items()}
    assert codes["soe"] == [DEPARTMENT_CODES["SASAC"], DEPARTMENT_CODES["DEVELOPMENT_REFORM"]]
    assert codes["education"] == [DEPARTMENT_CODES["EDUCATION"]]
    assert codes["social_org"] == [
        DEPARTMENT_CODES["CIVIL_AFFAIRS"],
        DEPARTMENT_CODES["SOCIAL_WORK"],
    ]
    assert len(codes["private_enterprise"]) == 3
    for p in plugins.values():  # the principal lead department comes first
        assert p["leadDepartment"]["code"] == p["leadDepartments"][0]["code"]
    names = {d["name"] for d in plugins["private_enterprise"]["leadDepartments"]}
    assert names == {"市市场监管局", "市委社会工作部", "市工商联"}


async def test_sector_field_lists_its_leads(gql: GQL) -> None:
    result = await gql("{ sectors { code leadDepartments { code } } }")
    sectors = {
        s["code"]: [d["code"] for d in s["leadDepartments"]] for s in result["data"]["sectors"]
    }
    assert sectors["HEALTH"] == [DEPARTMENT_CODES["HEALTH"]]


async def test_lead_accounts_manage_only_their_plugin(fresh: tuple[Runtime, GQL]) -> None:
    _runtime, gql = fresh
    for plugin in ("education", "health", "social_org", "private_enterprise"):
        mine = (await gql(SWITCH, {"name": plugin}, user=f"{plugin}-lead"))["data"]
        assert mine["enablePlugin"] == {"plugin": {"name": plugin, "enabled": True}, "errors": []}
        other = "soe" if plugin != "soe" else "health"
        refused = (await gql(SWITCH, {"name": other}, user=f"{plugin}-lead"))["data"]
        assert refused["enablePlugin"]["errors"] == [{"code": "NOT_FOUND"}]


async def test_lead_account_sees_its_department_and_sector_only(gql: GQL) -> None:
    query = """query($dept: String!) {
      dept: organization(code: $dept) { code }
      xihu: organization(code: "330106") { code }
      schools: organizations(filter: { sectorCode: "EDUCATION" }, first: 1) { totalCount }
      hospitals: organizations(filter: { sectorCode: "HEALTH" }, first: 1) { totalCount }
    }"""
    result = await gql(query, {"dept": DEPARTMENT_CODES["EDUCATION"]}, user="education-lead")
    data = result["data"]
    assert data["dept"] == {"code": DEPARTMENT_CODES["EDUCATION"]}
    assert data["xihu"] is None
    assert data["schools"]["totalCount"] == 116
    assert data["hospitals"]["totalCount"] == 0


async def test_lead_account_edits_its_sector_profiles_only(fresh: tuple[Runtime, GQL]) -> None:
    _runtime, gql = fresh
    await gql(SWITCH, {"name": "education"})
    school = await gql(
        """{ organizations(filter: { sectorCode: "EDUCATION" }, first: 1) {
               edges { node { id eduProfile { version } } } } }"""
    )
    node = school["data"]["organizations"]["edges"][0]["node"]
    doc = """mutation($input: UpdateEduProfileInput!) {
      updateEduProfile(input: $input) { profile { staff version } errors { code } } }"""
    change = {"organizationId": node["id"], "expectedVersion": 1, "staff": 88}
    done = (await gql(doc, {"input": change}, user="education-lead"))["data"]["updateEduProfile"]
    assert done == {"profile": {"staff": 88, "version": 2}, "errors": []}
    stranger = await gql(doc, {"input": {**change, "expectedVersion": 2}}, user="health-lead")
    assert stranger["data"]["updateEduProfile"]["errors"] == [{"code": "NOT_FOUND"}]
