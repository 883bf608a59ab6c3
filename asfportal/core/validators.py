"""Number limits people can read: a column's range (2147483647 for an integer column, 9223372036854775807 for a
big one) is the database's business, so a number past it is "too large", not "at most 2147483647"."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection
from django.utils.translation import gettext_lazy as _

TOO_LARGE = _("The number is too large.")
TOO_SMALL = _("The number is too small.")


def _column_limits() -> set[int]:
    limits = set()
    for internal_type in (
        "SmallIntegerField",
        "IntegerField",
        "BigIntegerField",
        "PositiveSmallIntegerField",
    ):
        low, high = connection.ops.integer_field_range(internal_type)
        limits.update(limit for limit in (low, high) if limit not in (None, 0))
    # The widest ranges of every backend, so a message is plain whichever database checks it.
    return limits | {2**15 - 1, -(2**15), 2**31 - 1, -(2**31), 2**63 - 1, -(2**63)}


def is_column_limit(validator) -> bool:
    return (
        isinstance(validator, MinValueValidator | MaxValueValidator)
        and validator.limit_value in _column_limits()
    )


def plain_validator(validator):
    """The same check with a plain message when it is only a column's range; other validators unchanged."""
    if not is_column_limit(validator):
        return validator
    if isinstance(validator, MaxValueValidator):
        return MaxValueValidator(validator.limit_value, message=TOO_LARGE)
    return MinValueValidator(validator.limit_value, message=TOO_SMALL)


def plain_number_limits(errors: list[ValidationError]) -> list[ValidationError]:
    """Model validation errors with a column's range told as "too large"/"too small"."""
    plain = []
    for error in errors:
        limit = (error.params or {}).get("limit_value")
        if error.code in ("max_value", "min_value") and limit in _column_limits():
            message = TOO_LARGE if error.code == "max_value" else TOO_SMALL
            error = ValidationError(message, code=error.code)
        plain.append(error)
    return plain
