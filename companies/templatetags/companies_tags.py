"""Template tags that let other apps' pages (the dashboards) show registry figures without importing us."""

from django import template

from asfportal.accounts import capabilities

from .. import selectors

register = template.Library()


@register.inclusion_tag("companies/includes/_application_status.html", takes_context=True)
def company_application_status(context) -> dict:
    """The representative's company's status in the registry (an application waiting, verified until ...), for
    their dashboard: `{% load companies_tags %}{% company_application_status %}`."""
    user = context["request"].user
    return {"application": selectors.application_status(company_id=capabilities.represented_company_id(user))}
