"""CEL expressions over named inputs (validation rules, assessment items, grade matrices).

The CEL engine is `common-expression-language` (Rust bindings): a compiled program runs in
about 4 µs, about 30× faster than the pure-Python `cel-python` measured on the same
expression, and it never calls Python's `eval`.

Every number is a double: CEL does not mix int and double in arithmetic (`x * 2` fails for
a double `x`), so integer literals in a source are read as doubles and integer inputs are
passed as doubles. Names may be dotted (`tasks.on_time_rate`); a source that references a
name outside the allowed set is refused when it is compiled, naming the name.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import cel

MAX_LENGTH = 2000
Value = float | int | bool | str | None

_TOKEN = re.compile(
    r"""(?P<string>[rR]?(?:\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'))
      |(?P<number>0[xX][0-9a-fA-F]+[uU]?|(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?[uU]?)
      |(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)*)
      |(?P<other>\s+|.)""",
    re.VERBOSE,
)
_KEYWORDS = frozenset({"true", "false", "null", "in"})
_BOUND = re.compile(r"\.\s*(?:all|exists|exists_one|map|filter)\s*\(\s*([A-Za-z_]\w*)\s*,")
"""A macro's bound variable (`xs.exists(x, x > 1)`): not an input."""
_FUNCTIONS = frozenset(
    {"has", "size", "int", "uint", "double", "string", "bool", "type", "matches", "all"}
    | {"exists", "exists_one", "map", "filter", "duration", "timestamp", "dyn", "bytes"}
)


class ExpressionError(ValueError):
    """A refused or failed expression: what is wrong, and where (1-based column, or 0)."""

    def __init__(self, message: str, column: int = 0) -> None:
        super().__init__(message if not column else f"{message}（第 {column} 列）")
        self.reason = message
        self.column = column


@dataclass(frozen=True)
class Expression:
    """A compiled expression and the dotted names it reads."""

    source: str
    names: frozenset[str]
    program: Any = field(repr=False, compare=False)

    def evaluate(self, values: Mapping[str, Value]) -> Value:
        """The value of the expression; ExpressionError when evaluation fails."""
        try:
            result: Value = self.program.execute(_nest(values))
        except (RuntimeError, TypeError, ValueError) as exc:
            reason = _first_line(exc)
            raise ExpressionError(f"表达式求值失败 (evaluation failed): {reason}") from None
        if isinstance(result, float) and not math.isfinite(result):
            raise ExpressionError("表达式结果不是有限数 (result is not a finite number)")
        return result


def compile_expression(source: str, *, names: Collection[str]) -> Expression:
    """Compile `source`, allowing only `names` (dotted); ExpressionError names the problem."""
    if not source.strip():
        raise ExpressionError("表达式为空 (empty expression)")
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"表达式超过 {MAX_LENGTH} 个字符 (too long)")
    rewritten, used = _scan(source)
    allowed = set(names)
    for name, column in used:
        if name not in allowed and not any(a.startswith(name + ".") for a in allowed):
            raise ExpressionError(f"未知的输入 {name!r} (unknown input)", column)
    try:
        program = cel.compile(rewritten)
    except (ValueError, RuntimeError, TypeError) as exc:
        raise ExpressionError(f"表达式语法错误 (syntax error): {_first_line(exc)}") from None
    return Expression(source, frozenset(name for name, _ in used), program)


def _scan(source: str) -> tuple[str, list[tuple[str, int]]]:
    """The source with integer literals as doubles, and the names it reads with columns."""
    out: list[str] = []
    used: list[tuple[str, int]] = []
    tokens = list(_TOKEN.finditer(source))
    bound = frozenset(_BOUND.findall(source))
    for index, token in enumerate(tokens):
        text = token.group(0)
        if token.lastgroup == "number" and re.fullmatch(r"\d+", text):
            text += ".0"
        elif token.lastgroup == "name":
            name = re.sub(r"\s+", "", text)
            called = _next_significant(tokens, index) == "("
            after_dot = _previous_significant(tokens, index) == "."
            if called:  # `f(…)` is a function; `a.b.f(…)` calls a method on `a.b`
                name = name.rpartition(".")[0]
            head = name.split(".")[0]
            reserved = _KEYWORDS | _FUNCTIONS | bound
            if name and not after_dot and head not in reserved:
                used.append((name, token.start() + 1))
        out.append(text)
    return "".join(out), used


def _next_significant(tokens: list[re.Match[str]], index: int) -> str:
    for token in tokens[index + 1 :]:
        if not token.group(0).isspace():
            return token.group(0)
    return ""


def _previous_significant(tokens: list[re.Match[str]], index: int) -> str:
    for token in reversed(tokens[:index]):
        if not token.group(0).isspace():
            return token.group(0)
    return ""


def _nest(values: Mapping[str, Value]) -> dict[str, Any]:
    """`{"tasks.on_time_rate": 1}` → `{"tasks": {"on_time_rate": 1.0}}` (numbers as doubles)."""
    root: dict[str, Any] = {}
    for dotted, value in values.items():
        *parents, leaf = dotted.split(".")
        node = root
        for part in parents:
            node = node.setdefault(part, {})
        if isinstance(value, int) and not isinstance(value, bool):
            node[leaf] = float(value)
        else:
            node[leaf] = value
    return root


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:300]
