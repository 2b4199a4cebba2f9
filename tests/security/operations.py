"""The client contract as a table: every operation with the variables to try per subject.

Each operation of `../shared/contract/*.graphql` gets a `Case`: what kind of record it
points at (an organisation, a plugin, a task, or nothing) and how to build its variables
for a subject. `CASES` is keyed by operation name; an operation that validates against the
schema but has no case makes `test_every_built_operation_is_in_the_matrix` fail.
`EXTRA` adds the mutations outside the contract that take an organisation code.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphql import DocumentNode, GraphQLSchema, OperationDefinitionNode, parse, validate

from core.graphql import ids
from tests.conftest import city_today
from tests.security.world import Subject

Variables = Callable[[Subject], dict[str, Any]]

ORG = "organization"
PLUGIN = "plugin"
TASK = "task"
NONE = "none"
YEAR = {"from": "2026-01-01", "to": "2026-12-31"}


@dataclass(frozen=True)
class Operation:
    file: str
    name: str
    mutation: bool
    document: DocumentNode


@dataclass(frozen=True)
class Case:
    """How to point an operation at a subject; `found` tells whether the own case worked."""

    target: str
    variables: Variables
    found: Callable[[dict[str, Any]], bool] = lambda data: True
    needs: str | None = None


def _path(*keys: str) -> Callable[[dict[str, Any]], bool]:
    def found(data: dict[str, Any]) -> bool:
        value: Any = data
        for key in keys:
            if not isinstance(value, dict) or value.get(key) is None:
                return False
            value = value[key]
        return value not in ([], 0)

    return found


def _no_errors(field: str) -> Callable[[dict[str, Any]], bool]:
    return lambda data: data.get(field) is not None and data[field]["errors"] == []


def _not_refused_for_scope(field: str) -> Callable[[dict[str, Any]], bool]:
    """Answered, and not refused as not found or forbidden (a business refusal, such as an
    organisation the form does not expect, is still an answer about one's own record)."""

    def found(data: dict[str, Any]) -> bool:
        payload = data.get(field)
        if payload is None:
            return False
        return not {e["code"] for e in payload["errors"]} & {"NOT_FOUND", "FORBIDDEN"}

    return found


def _org_not_refused(field: str) -> Callable[[dict[str, Any]], bool]:
    """Answered, and the organisation not refused as not found or forbidden (a record the
    organisation is checked against may itself be out of the account's sight)."""

    def found(data: dict[str, Any]) -> bool:
        payload = data.get(field)
        if payload is None:
            return False
        return not any(
            e["field"] == "organizationCode" and e["code"] in {"NOT_FOUND", "FORBIDDEN"}
            for e in payload["errors"]
        )

    return found


def _open_quarter() -> str:
    """The PROGRESS period that takes values today."""
    today = city_today()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


CHILD_CATEGORY = {
    "CITY": "DISTRICT",
    "DISTRICT": "TOWN",
    "TOWN": "COMMUNITY",
    "STREET": "COMMUNITY",
    "SOE_GROUP": "SOE_SUBSIDIARY",
    "SOE_SUBSIDIARY": "SOE_SUBSIDIARY",
}
"""A category that fits under a subject's category (the rest take an institution)."""

CASES: dict[str, Case] = {
    # orgs.graphql
    "OrgByCode": Case(ORG, lambda s: {"code": s.code}, _path("organization", "code")),
    "OrgSearch": Case(
        ORG,
        lambda s: {"filter": {"withinCode": s.code}, "first": 100},
        _path("organizations", "totalCount"),
    ),
    "OrgNode": Case(ORG, lambda s: {"id": s.global_id}, _path("node", "id")),
    "ForceMap": Case(ORG, lambda s: {"code": s.code}, _path("forceMap", "organizations")),
    "Viewer": Case(NONE, lambda s: {}, _path("viewer", "username")),
    "Plugins": Case(NONE, lambda s: {}, _path("plugins")),
    "EnablePlugin": Case(
        PLUGIN, lambda s: {"name": s.code}, _no_errors("enablePlugin"), "plugins.manage"
    ),
    "DisablePlugin": Case(
        PLUGIN, lambda s: {"name": s.code}, _no_errors("disablePlugin"), "plugins.manage"
    ),
    "RenameOrganization": Case(
        ORG,
        lambda s: {"id": s.global_id, "name": f"改名测试 {s.kind}", "expectedVersion": 1},
        _no_errors("updateOrganization"),
        "orgs.manage",
    ),
    # audit.graphql
    "AuditTrail": Case(ORG, lambda s: {"entityId": s.global_id}, _path("auditTrail")),
    # calendar.graphql
    "MyTasks": Case(NONE, lambda s: dict(YEAR), _path("viewer", "tasks")),
    "CompleteTask": Case(
        TASK,
        lambda s: {"id": s.global_id, "expectedVersion": 1, "note": "权限矩阵测试"},
        _no_errors("completeTask"),
        "tasks.complete",
    ),
    "MyReminders": Case(NONE, lambda s: {}, _path("viewer")),
    "TaskProgress": Case(ORG, lambda s: {"code": s.code, **YEAR}, _path("taskProgress")),
    # duties.graphql
    "MyDuties": Case(NONE, lambda s: {}, _path("viewer", "duties")),
    "CategoryDuties": Case(ORG, lambda s: {"code": s.code}, _path("organization", "category")),
    "PositionManual": Case(NONE, lambda s: {"code": "TOWN_SECRETARY"}, lambda data: True),
    # assessment.graphql, reports.graphql, supervision.graphql: organisation-scoped reads
    "Ranking": Case(
        ORG,
        lambda s: {"schemeCode": "DJKH-2026", "categoryCode": "TOWN", "withinCode": s.code},
    ),
    "AssessmentResult": Case(ORG, lambda s: {"schemeCode": "DJKH-2026", "code": s.code}),
    # public: any account (or none) may rate a community; each call is a new device
    "RateService": Case(
        NONE,
        lambda s: {
            "input": {
                "organizationCode": "330106001001",
                "score": 5,
                "deviceToken": uuid.uuid4().hex,
                "comment": "<b>不是 HTML</b>",
            }
        },
        _no_errors("rateService"),
    ),
    "ReportForms": Case(NONE, lambda s: {}),
    "ReportFlags": Case(
        ORG,
        lambda s: {
            "reportCode": "DJBB",
            "period": "2026Q1",
            "phase": "PROGRESS",
            "withinCode": s.code,
        },
        _path("reportFlags"),
    ),
    "FlagImprovement": Case(
        NONE,
        lambda s: {
            "reportCode": "DJBB",
            "fromPeriod": "2026Q1",
            "toPeriod": "2026Q2",
            "phase": "PROGRESS",
        },
        _path("flagImprovement"),
    ),
    "ReportCompleteness": Case(
        ORG,
        lambda s: {"reportCode": "DJBB", "period": "2026Q1", "phase": "PROGRESS", "code": s.code},
        _path("reportCompleteness"),
    ),
    "SubmitReportValues": Case(
        ORG,
        lambda s: {
            "input": {
                "reportCode": "DJBB",
                "period": _open_quarter(),
                "phase": "PROGRESS",
                "organizationCode": s.code,
                "values": [{"indicatorCode": "members_total", "value": 50}],
            }
        },
        _not_refused_for_scope("submitReportValues"),
        "reports.submit",
    ),
    # supervision.graphql: the demo's spot checks are 1 (city-wide, published) and 2 (西湖区)
    "DrawSpotCheck": Case(
        ORG,
        lambda s: {
            "input": {
                "title": "矩阵测试抽查",
                "withinCode": s.code,
                "sampleSize": 1,
                "seed": "1",
                "excludeCheckedWithinMonths": 0,
            }
        },
        _not_refused_for_scope("drawSpotCheck"),
        "supervision.manage",
    ),
    "RecordFinding": Case(
        ORG,
        lambda s: {
            "input": {
                "spotCheckId": ids.encode("SpotCheck", 2),
                "organizationCode": s.code,
                "severity": "LOW",
                "description": "矩阵测试问题",
                "rectifyBy": "2099-12-31",
            }
        },
        _org_not_refused("recordFinding"),
        "supervision.inspect",
    ),
    "AdvanceFinding": Case(
        NONE,
        lambda s: {
            "id": ids.encode("Finding", 1),
            "status": "RECTIFYING",
            "note": "矩阵测试",
            "expectedVersion": 1,
        },
    ),
    "PublishBulletin": Case(NONE, lambda s: {"spotCheckId": ids.encode("SpotCheck", 2)}),
    "Bulletins": Case(NONE, lambda s: {}),
    # EXTRA: mutations outside the contract that take a code
    "CreateOrganization": Case(
        ORG,
        lambda s: {
            "input": {
                "code": f"N-{s.code}",
                "name": "矩阵测试新组织",
                "categoryCode": CHILD_CATEGORY.get(s.category or "", "PUBLIC_INSTITUTION"),
                "parentCode": s.code,
            }
        },
        _no_errors("createOrganization"),
        "orgs.manage",
    ),
    "AssignPosition": Case(
        ORG,
        lambda s: {
            "input": {
                "personCode": "NO-SUCH-PERSON",
                "positionCode": "TOWN_SECRETARY",
                "organizationCode": s.code,
                "since": "2026-01-01",
            }
        },
    ),
}

EXTRA = """
mutation CreateOrganization($input: CreateOrganizationInput!) {
  createOrganization(input: $input) {
    organization { id code parent { code } ancestors { code } }
    errors { field message code }
  }
}

mutation AssignPosition($input: AssignPositionInput!) {
  assignPosition(input: $input) {
    assignment { id organization { code } }
    errors { field message code }
  }
}
"""
"""Mutations outside the contract that take an organisation code."""


def contract_operations(shared: Path) -> list[Operation]:
    """Every named operation of the contract documents, one document each."""
    found = []
    for path in sorted((shared / "contract").glob("*.graphql")):
        document = parse(path.read_text(encoding="utf-8"))
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode) and definition.name is not None:
                found.append(
                    Operation(
                        path.name,
                        definition.name.value,
                        definition.operation.value == "mutation",
                        DocumentNode(definitions=(definition,)),
                    )
                )
    return found


def extra_operations() -> list[Operation]:
    """The `EXTRA` documents as operations of a pseudo file `extra`."""
    document = parse(EXTRA)
    return [
        Operation("extra", d.name.value, True, DocumentNode(definitions=(d,)))
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode) and d.name is not None
    ]


def validation_errors(schema: GraphQLSchema, operation: Operation) -> list[str]:
    """Why an operation does not validate yet (empty when it does)."""
    return [error.message for error in validate(schema, operation.document)]
