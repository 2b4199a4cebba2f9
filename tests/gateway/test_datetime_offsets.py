"""Every DateTime the API answers carries a UTC offset (the contract's rule).

The test walks the schema: each field of type DateTime must be listed here with a query
that reads a real value of it (every domain's and every sector plugin's), so a new DateTime
field fails this test until it is covered. Values are read on both backends (SQLite hands times back without an offset).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from graphql import GraphQLObjectType, get_named_type

from gateway.app import Runtime
from tests.conftest import GQL
from tests.core.calendar.test_reminders import a_duty, a_town, add_task, clear_calendar, days
from tests.core.calendar.test_reminders_job import run

ENABLE = "mutation($name: String!) { enablePlugin(input: { name: $name }) { errors { code } } }"
COMPLETE_TASK = """mutation($id: ID!) {
  completeTask(input: { id: $id, expectedVersion: 1, note: "已完成" }) {
    task { id completedAt records { at } } errors { code } } }"""
OUTBOX = "{ outbox(first: 5) { edges { node { id createdAt deliveredAt } } } }"
MARK = """mutation($ids: [ID!]!) { markOutboxDelivered(input: { ids: $ids }) {
  messages { deliveredAt } errors { code } } }"""
TRAIL = """query($id: ID!) { auditTrail(entityId: $id) { edges { node { at } } } }"""
SOE = """{ organizations(filter: { sectorCode: "SOE" }, first: 1) {
  edges { node { soeProfile { updatedAt } } } } }"""
TASK_OF = """query($from: Date!, $to: Date!) {
  viewer { tasks(from: $from, to: $to) { edges { node { id } } } } }"""
PROFILES = {
    "SoeProfile": ("SOE", "soeProfile"),
    "EduProfile": ("EDUCATION", "eduProfile"),
    "HealthProfile": ("HEALTH", "healthProfile"),
    "SocialOrgProfile": ("SOCIAL_ORG", "socialOrgProfile"),
    "EnterpriseProfile": ("PRIVATE_ENTERPRISE", "enterpriseProfile"),
}
PROFILE = """query($sector: String!) { organizations(filter: { sectorCode: $sector }, first: 50) {
  edges { node { %s { updatedAt } } } } }"""
SHEETS = """{ reportFlags(reportCode: "DJBB", period: "2026Q1", phase: PROGRESS, first: 1) {
  edges { node { organization { code } indicator { code } } } } }"""
SHEET = """query($org: String!) { reportSheet(reportCode: "DJBB", period: "2026Q1", phase: PROGRESS,
  organizationCode: $org) { submittedAt approvedAt } }"""
FOLLOW = """mutation($input: FlagFollowUpInput!) { markFlagFollowUp(input: $input) {
  followUp { markedAt resolvedAt } errors { code } } }"""
SCHEME = '{ assessmentScheme(code: "DJKH-2026") { version computedAt publishedAt } }'
PUBLISH = """mutation($v: Int!) { publishAssessment(input: { schemeCode: "DJKH-2026",
  expectedVersion: $v }) { scheme { computedAt publishedAt } errors { code } } }"""
SUPERVISION = """{ spotChecks(first: 5) { edges { node { drawnAt } } }
  bulletins(first: 5) { edges { node { publishedAt } } }
  findings(first: 20) { edges { node { history { at } } } } }"""
RUN_TOWN = "330106001"
START = """mutation($input: StartChecklistRunInput!) { startChecklistRun(input: $input) {
  run { id version startedAt } errors { code } } }"""
ANSWER = """mutation($input: AnswerChecklistStepInput!) { answerChecklistStep(input: $input) {
  run { version answers { answeredAt } } errors { code } } }"""
COMPLETE = """mutation($input: CompleteChecklistRunInput!) { completeChecklistRun(input: $input) {
  run { startedAt completedAt answers { answeredAt } } errors { code } } }"""


def datetime_fields(runtime: Runtime) -> set[str]:
    """Type.field of every field whose type is DateTime (any wrapping)."""
    schema = runtime.schema._schema
    found = set()
    for name, graphql_type in schema.type_map.items():
        if name.startswith("__") or not isinstance(graphql_type, GraphQLObjectType):
            continue
        for field_name, field in graphql_type.fields.items():
            if get_named_type(field.type).name == "DateTime":
                found.add(f"{name}.{field_name}")
    return found


def offset_of(value: Any) -> dt.timedelta | None:
    assert isinstance(value, str), value
    return dt.datetime.fromisoformat(value).utcoffset()


async def test_every_datetime_field_has_an_offset(fresh: tuple[Runtime, GQL]) -> None:
    runtime, gql = fresh
    engine = runtime.engine
    demo_supervision = (await gql(SUPERVISION))["data"]  # before the findings are cleared
    await clear_calendar(engine)
    town, code = await a_town(engine)
    user = f"sec-{code}"
    duty = await a_duty(engine)
    await add_task(engine, duty_id=duty, org=town, due_on=days(2), title="时间测试")
    await run(runtime, days(0))  # an outbox message for the town's secretary
    span = {"from": days(0).isoformat(), "to": days(5).isoformat()}
    task_id = (await gql(TASK_OF, span, user=user))["data"]["viewer"]["tasks"]["edges"][0]["node"][
        "id"
    ]
    done = (await gql(COMPLETE_TASK, {"id": task_id}, user=user))["data"]["completeTask"]
    assert done["errors"] == []
    box = (await gql(OUTBOX, user=user))["data"]["outbox"]["edges"]
    marked = (await gql(MARK, {"ids": [box[0]["node"]["id"]]}, user=user))["data"]
    for plugin in ("soe", "education", "health", "social_org", "private_enterprise"):
        enabled = (await gql(ENABLE, {"name": plugin}))["data"]["enablePlugin"]
        assert enabled["errors"] == [], (plugin, enabled)

    values: dict[str, list[Any]] = {
        "Task.completedAt": [done["task"]["completedAt"]],
        "TaskRecord.at": [r["at"] for r in done["task"]["records"]],
        "OutboxMessage.createdAt": [e["node"]["createdAt"] for e in box],
        "OutboxMessage.deliveredAt": [
            m["deliveredAt"] for m in marked["markOutboxDelivered"]["messages"]
        ],
        "AuditEvent.at": [
            e["node"]["at"]
            for e in (await gql(TRAIL, {"id": task_id}))["data"]["auditTrail"]["edges"]
        ],
        "SoeProfile.updatedAt": [
            e["node"]["soeProfile"]["updatedAt"]
            for e in (await gql(SOE))["data"]["organizations"]["edges"]
        ],
    }
    # read back from the database too (not only the objects a mutation just wrote)
    reread = await gql(
        """query($id: ID!) { node(id: $id) { ... on Task { completedAt records { at } } } }""",
        {"id": task_id},
        user=user,
    )
    values["Task.completedAt"].append(reread["data"]["node"]["completedAt"])
    values["TaskRecord.at"] += [r["at"] for r in reread["data"]["node"]["records"]]

    values.update(await _plugins(gql))
    values.update(await _reports(gql))
    values.update(await _assessment(gql))
    values.update(await _supervision(gql, demo_supervision))

    # every DateTime field of the schema, each read with a real value
    assert set(values) == datetime_fields(runtime)
    for field, found in values.items():
        assert found, f"no value read for {field}"
        assert all(offset_of(v) is not None for v in found), (field, found)
        assert all(offset_of(v) == dt.timedelta(0) for v in found), (field, found)  # UTC


async def _plugins(gql: GQL) -> dict[str, list[Any]]:
    """Each sector plugin's profile, read from the demo's organisations of its sector."""
    out: dict[str, list[Any]] = {}
    for type_name, (sector, field) in PROFILES.items():
        edges = (await gql(PROFILE % field, {"sector": sector}))["data"]["organizations"]["edges"]
        found = [e["node"][field]["updatedAt"] for e in edges if e["node"][field] is not None]
        out[f"{type_name}.updatedAt"] = found
    return out


async def _reports(gql: GQL) -> dict[str, list[Any]]:
    """A flagged value's sheet (submitted, approved in the demo) and a follow-up mark."""
    flag = (await gql(SHEETS))["data"]["reportFlags"]["edges"][0]["node"]
    org, indicator = flag["organization"]["code"], flag["indicator"]["code"]
    sheet = (await gql(SHEET, {"org": org}))["data"]["reportSheet"]
    base = {
        "reportCode": "DJBB",
        "period": "2026Q1",
        "phase": "PROGRESS",
        "organizationCode": org,
        "indicatorCode": indicator,
    }
    marked = (await gql(FOLLOW, {"input": {**base, "comment": "请核实"}}))["data"]
    closed = (await gql(FOLLOW, {"input": {**base, "comment": "已核实", "resolve": True}}))["data"]
    assert marked["markFlagFollowUp"]["errors"] == closed["markFlagFollowUp"]["errors"] == []
    approved = [sheet["approvedAt"]] if sheet["approvedAt"] else []
    if not approved:  # the demo leaves this sheet submitted: approve it as its parent would
        approved = await _approve(gql, org)
    return {
        "ReportSheet.submittedAt": [sheet["submittedAt"]],
        "ReportSheet.approvedAt": approved,
        "ReportFollowUp.markedAt": [marked["markFlagFollowUp"]["followUp"]["markedAt"]],
        "ReportFollowUp.resolvedAt": [closed["markFlagFollowUp"]["followUp"]["resolvedAt"]],
    }


async def _approve(gql: GQL, org: str) -> list[Any]:
    approve = """mutation($input: ReportSheetInput!) { approveReport(input: $input) {
      sheet { approvedAt } errors { code } } }"""
    sheet = {"reportCode": "DJBB", "period": "2026Q1", "phase": "PROGRESS"}
    done = (await gql(approve, {"input": {**sheet, "organizationCode": org}}))["data"]
    assert done["approveReport"]["errors"] == [], done
    return [done["approveReport"]["sheet"]["approvedAt"]]


async def _assessment(gql: GQL) -> dict[str, list[Any]]:
    """DJKH-2026 as the demo computed it, then published."""
    scheme = (await gql(SCHEME))["data"]["assessmentScheme"]
    published = (await gql(PUBLISH, {"v": scheme["version"]}))["data"]["publishAssessment"]
    assert published["errors"] == [], published
    return {
        "AssessmentScheme.computedAt": [scheme["computedAt"], published["scheme"]["computedAt"]],
        "AssessmentScheme.publishedAt": [published["scheme"]["publishedAt"]],
    }


async def _supervision(gql: GQL, read: dict[str, Any]) -> dict[str, list[Any]]:
    """The demo's spot checks, bulletins and finding histories (`read`), and a checklist run."""
    secretary = f"sec-{RUN_TOWN}"
    start = {"procedureCode": "TOWN-STREET-RULES", "organizationCode": RUN_TOWN}
    run = (await gql(START, {"input": start}, user=secretary))["data"]["startChecklistRun"]["run"]
    version = run["version"]
    for number in range(1, 7):
        answer = {
            "runId": run["id"],
            "stepCode": f"S0{number}",
            "answer": "DONE",
            "note": "",
            "expectedVersion": version,
        }
        done = (await gql(ANSWER, {"input": answer}, user=secretary))["data"]
        assert done["answerChecklistStep"]["errors"] == [], done
        version = done["answerChecklistStep"]["run"]["version"]
    finish = {"runId": run["id"], "expectedVersion": version}
    finished = (await gql(COMPLETE, {"input": finish}, user=secretary))["data"]
    completed = finished["completeChecklistRun"]["run"]
    return {
        "SpotCheck.drawnAt": [e["node"]["drawnAt"] for e in read["spotChecks"]["edges"]],
        "Bulletin.publishedAt": [e["node"]["publishedAt"] for e in read["bulletins"]["edges"]],
        "FindingStep.at": [
            step["at"] for e in read["findings"]["edges"] for step in e["node"]["history"]
        ],
        "ChecklistRun.startedAt": [run["startedAt"], completed["startedAt"]],
        "ChecklistRun.completedAt": [completed["completedAt"]],
        "ChecklistAnswer.answeredAt": [a["answeredAt"] for a in completed["answers"]],
    }


def test_every_datetime_field_serialises_through_the_offset_scalar() -> None:
    """One DateTime scalar in the schema, the project's: whatever domain or plugin a field
    comes from, its value leaves with an offset (UTC for a naive value)."""
    from core.graphql.scalars import serialize_datetime
    from gateway.app import create_runtime
    from tests.conftest import settings_for

    runtime = create_runtime(settings_for("sqlite+aiosqlite:///:memory:"))
    scalar = runtime.schema._schema.type_map["DateTime"]
    assert getattr(scalar, "serialize", None) is serialize_datetime
    assert len(datetime_fields(runtime)) >= 20  # every domain's and plugin's fields
    naive = dt.datetime(2026, 3, 30, 9, 0)
    aware = dt.datetime(2026, 3, 30, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert offset_of(serialize_datetime(naive)) == dt.timedelta(0)
    assert dt.datetime.fromisoformat(serialize_datetime(aware)) == aware
    assert offset_of(serialize_datetime(aware)) is not None
