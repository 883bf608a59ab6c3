"""Template filters of the steering pages."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def figure(value) -> str:
    """A baseline, target or actual value as people write it: a dash when none is given (never 0), no trailing
    decimals (12, not 12,00), a decimal comma and thousands separators in Swedish."""
    if value is None or value == "":
        return "\u2013"
    number = Decimal(str(value))
    places = max(0, -number.normalize().as_tuple().exponent)
    return number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)
