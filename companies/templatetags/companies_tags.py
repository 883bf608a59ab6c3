"""Template tags that let other apps' pages (the dashboards) show registry figures without importing us."""

from django import template

from ..models import ChangeRequest

register = template.Library()


@register.simple_tag
def pending_change_request_count() -> int:
    return ChangeRequest.objects.filter(status=ChangeRequest.Status.PENDING).count()
