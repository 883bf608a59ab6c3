"""Placement figures for the coordinator's dashboard, without the accounts app importing us."""

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from asfportal.core.cache import cached_value, data_versions

from ..selectors import placement_figures as _placement_figures

register = template.Library()


@register.simple_tag(takes_context=True)
def placement_figures(context) -> dict:
    # Aggregated over every placement the organisation referred (thousands in a large kommun): kept until any
    # placement changes. The labels inside are in the active language, so it is part of the key.
    user = context["request"].user
    year = timezone.localdate().year
    parts = ("placement-figures", user.organisation_id, year, data_versions("placements"), get_language())
    return cached_value(parts, lambda: _placement_figures(organisation_id=user.organisation_id, year=year))
