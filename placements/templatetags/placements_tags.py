"""Placement figures for the coordinator's dashboard, without the accounts app importing us."""

from django import template
from django.utils import timezone

from ..selectors import placement_figures as _placement_figures

register = template.Library()


@register.simple_tag(takes_context=True)
def placement_figures(context) -> dict:
    user = context["request"].user
    return _placement_figures(organisation_id=user.organisation_id, year=timezone.localdate().year)
