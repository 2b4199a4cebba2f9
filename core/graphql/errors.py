"""Payload errors (Saleor style) and the coded top-level errors."""

from __future__ import annotations

import enum

import strawberry
from graphql import GraphQLError


@strawberry.enum(description="Why a mutation input was refused.")
class ErrorCode(enum.Enum):
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    DUPLICATE = "DUPLICATE"
    FORBIDDEN = "FORBIDDEN"


@strawberry.type(description="One reason a mutation was refused; `field` names the input field.")
class UserError:
    field: str | None
    message: str
    code: ErrorCode


def not_found(field: str, message: str = "记录不存在或不可见 (not found)") -> list[UserError]:
    """The payload errors for an id or code that is missing or outside the caller's scope."""
    return [UserError(field=field, message=message, code=ErrorCode.NOT_FOUND)]


class ServiceError(Exception):
    """A business-rule refusal raised by a service; becomes a payload `UserError`."""

    def __init__(self, code: ErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def as_user_error(self) -> UserError:
        """The payload form of this error."""
        return UserError(field=self.field, message=self.message, code=self.code)


class CodedError(GraphQLError):
    """A top-level error with `extensions.code` (authentication, limits)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message, extensions={"code": code})


def unauthenticated() -> CodedError:
    """The error for a request without a valid bearer token."""
    return CodedError("需要登录：请求缺少有效的令牌 (authentication required)", "UNAUTHENTICATED")
