"""core.expressions: CEL over named inputs, checked when compiled."""

from __future__ import annotations

import pytest

from core.expressions import ExpressionError, compile_expression

NAMES = ["tasks.on_time_rate", "tasks.overdue", "acc", "econ", "DJ01", "DJ02", "xs"]


def test_numbers_mix_int_and_double() -> None:
    expr = compile_expression("DJ01 * 2 >= DJ02 + 1 && DJ01 / 4 == 0.75", names=NAMES)
    assert expr.evaluate({"DJ01": 3, "DJ02": 5.0}) is True


def test_dotted_inputs_and_the_names_read() -> None:
    expr = compile_expression("tasks.on_time_rate >= 0.9 && tasks.overdue < 3", names=NAMES)
    assert expr.names == {"tasks.on_time_rate", "tasks.overdue"}
    assert expr.evaluate({"tasks.on_time_rate": 0.95, "tasks.overdue": 2}) is True
    assert expr.evaluate({"tasks.on_time_rate": 0.5, "tasks.overdue": 0}) is False


def test_grade_condition() -> None:
    expr = compile_expression("acc >= 90 && econ >= 85", names=NAMES)
    assert expr.evaluate({"acc": 91, "econ": 85}) is True
    assert expr.evaluate({"acc": 91, "econ": 84.9}) is False


@pytest.mark.parametrize(
    ("source", "column", "words"),
    [
        ("tasks.on_tim_rate > 1", 1, "tasks.on_tim_rate"),
        ("acc > 1 && unknown_input < 2", 12, "unknown_input"),
        ("acc >", 0, "语法错误"),
        ("", 0, "为空"),
        ("acc" + " + acc" * 400, 0, "超过"),
    ],
)
def test_refused_when_compiled(source: str, column: int, words: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        compile_expression(source, names=NAMES)
    assert caught.value.column == column
    assert words in str(caught.value)


def test_strings_functions_and_macro_variables_are_not_inputs() -> None:
    expr = compile_expression('xs.exists(v, v > 1) && size("acc.x") == 5', names=NAMES)
    assert expr.names == {"xs"}
    assert expr.evaluate({"xs": [0, 2]}) is True


def test_evaluation_failures_are_expression_errors() -> None:
    with pytest.raises(ExpressionError, match="有限数"):
        compile_expression("acc / 0", names=NAMES).evaluate({"acc": 1})
    with pytest.raises(ExpressionError, match="求值失败"):
        compile_expression("acc > 1", names=NAMES).evaluate({})
