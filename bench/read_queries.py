"""The queries `make bench` compares, each as dutygraph and PostGraphile 5 ask it.

PostGraphile answers the same rows through its generated relations (`condition` on any
column: its index-only filter behaviour is off). MyTasks has no exact equivalent there (no
viewer; `task` has no foreign keys, so no joins): it reads the town's own tasks by due date,
ids instead of joined codes — less work than ours. The force map is an aggregate
PostGraphile has no equivalent of: dutygraph only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

NESTED = """{ organization(code: "330106") { code name children(first: 50) { edges { node {
  code name category { code name }
  assignments(current: true) { edges { node { person { name } position { name } } } } } } } } }"""
NESTED_PG = """{ organizationByCode(code: "330106") { code name
  organizationsByParentId(first: 50) { edges { node { code name
    orgCategoryByCategoryId { code name }
    assignmentsByOrganizationId(condition: {until: null}) { edges { node {
      personByPersonId { name } positionByPositionId { name } } } } } } } } }"""
BY_CODE = """{ organization(code: "330106") { id code name depth version
  category { code name } parent { code name } } }"""
BY_CODE_PG = """{ organizationByCode(code: "330106") { id code name depth version
  orgCategoryByCategoryId { code name } organizationByParentId { code name } } }"""
MY_TASKS = """query MyTasks($from: Date!, $to: Date!, $first: Int = 100) {
  viewer { tasks(from: $from, to: $to, first: $first) { totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id title dueOn status version organization { code } duty { code } } } } } }"""
MY_TASKS_PG = """query MyTasks($org: Int!) {
  allTasks(condition: {organizationId: $org, positionId: null}, first: 100, orderBy: DUE_ON_ASC) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id title dueOn status version organizationId dutyId } } }"""
FORCE_MAP = """{ forceMap(withinCode: "330106") { organizations positions filled vacant
  understaffed(first: 50) { totalCount edges { node { organization { code name }
    framework { code name } missing { code name } } } } } }"""


@dataclass(frozen=True)
class Pair:
    """One query as each server asks it; `expect` must appear in every answer."""

    name: str
    ours: dict[str, object]
    user: str
    expect: str
    theirs: dict[str, object] | None = None
    their_expect: str = ""


def pairs(town_code: str, town_id: int) -> list[Pair]:
    """The four queries (MyTasks as the secretary of a town of 西湖区, this year)."""
    year = dt.date.today().year
    span = {"from": f"{year}-01-01", "to": f"{year}-12-31"}
    return [
        Pair(
            "nested org page",
            {"query": NESTED},
            "admin",
            '"330106D01"',
            {"query": NESTED_PG},
            '"330106D01"',
        ),
        Pair(
            "organisation by code",
            {"query": BY_CODE},
            "admin",
            '"330100"',
            {"query": BY_CODE_PG},
            '"330100"',
        ),
        Pair(
            "MyTasks (town secretary)",
            {"query": MY_TASKS, "variables": span},
            f"sec-{town_code}",
            f'"{town_code}"',
            {"query": MY_TASKS_PG, "variables": {"org": town_id}},
            f'"organizationId":{town_id}',
        ),
        Pair("force map (district)", {"query": FORCE_MAP}, "xihu", '"filled"'),
    ]
