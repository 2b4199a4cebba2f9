"""The assessment domain's contribution to the schema."""

from core.assessment.schema import AssessmentMutation, AssessmentQuery

QUERIES: list[type] = [AssessmentQuery]
MUTATIONS: list[type] = [AssessmentMutation]
EXTENSIONS: dict[str, list[type]] = {}
TYPES: list[type] = []
