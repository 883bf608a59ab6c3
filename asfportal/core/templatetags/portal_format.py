"""Amounts as Swedish readers write them: `{{ tender.estimated_value|sek }}` → "1 250 000 kr" (non-breaking
spaces between thousands and before "kr"); `{{ n|thousands }}` → "1 250 000"."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.numberformat import format as number_format

register = template.Library()


@register.filter
def thousands(value) -> str:
    if value in (None, ""):
        return "\u2013"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    places = 0 if number == number.to_integral_value() else 2
    return number_format(number, ",", places, grouping=3, thousand_sep="\xa0", force_grouping=True)


@register.filter
def sek(value) -> str:
    text = thousands(value)
    return text if text == "\u2013" else f"{text}\xa0kr"


@register.filter
def audit_label(code: str) -> str:
    """`{{ entry.action|audit_label }}` → "Upphandling publicerad" (core/audit_labels.py)."""
    from asfportal.core.audit_labels import audit_label as label

    return label(code)
