"""A builtin template library (settings TEMPLATES OPTIONS "builtins"): `{% csrf_token %}` also writes the form's
one-time token (asfportal/core/form_tokens.py), so every POST form, crispy's included, gets one unasked."""

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html

from asfportal.core.form_tokens import FIELD_NAME, token_for

register = template.Library()


class CsrfAndFormTokenNode(CsrfTokenNode):
    def render(self, context):
        csrf = super().render(context)
        request = context.get("request")
        if request is None or not csrf:
            return csrf
        return csrf + format_html(
            '<input type="hidden" name="{}" value="{}">', FIELD_NAME, token_for(request)
        )


@register.tag
def csrf_token(parser, token):
    return CsrfAndFormTokenNode()
