"""Placement figures for pages of other apps (the coordinator's dashboard, a company's page), without those apps
importing placements: the templates load these tags."""

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from asfportal.accounts import capabilities
from asfportal.core.cache import cached_value, data_versions

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def placement_figures(context) -> dict:
    # Aggregated over every placement the organisation referred (thousands in a large kommun): kept until any
    # placement changes. The labels inside are in the active language, so it is part of the key.
    user = context["request"].user
    today = timezone.localdate()
    parts = ("placement-figures", user.organisation_id, today, data_versions("placements"), get_language())
    return cached_value(
        parts,
        lambda: selectors.placement_figures(
            organisation_id=user.organisation_id, year=today.year, today=today
        ),
    )


@register.inclusion_tag("placements/includes/_company_record.html", takes_context=True)
def company_placement_record(context, company) -> dict:
    """The company as a "plantskola" (README, "Figures"), for coordinators only; nothing for anyone else."""
    if not capabilities.is_coordinator(context["request"].user):
        return {"record": None}
    return {"record": selectors.company_placement_record(company_id=company.pk, today=timezone.localdate())}
