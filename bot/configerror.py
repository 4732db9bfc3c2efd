"""Configuration problems, collected and worded for a person, never a traceback."""

from __future__ import annotations

from pydantic import ValidationError


class ConfigError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def describe_validation_error(exc: ValidationError, prefix: str = "") -> list[str]:
    """One plain line per problem, naming the field, e.g. `stages.test.end: ...`."""
    lines = []
    for err in exc.errors():
        where = ".".join(str(part) for part in err["loc"]) or "(top level)"
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            message = "is required but missing"
        elif err["type"] == "extra_forbidden":
            message = "is not a known setting (check the spelling)"
        lines.append(f"{prefix + ': ' if prefix else ''}{where}: {message}")
    return lines
