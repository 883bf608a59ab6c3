"""`{% error_summary %}` at the top of every page (base.html): after a failed submit, one list of what went wrong,
each field's errors linked to the field (static/js/forms.js moves focus there), form-level errors as text. It
finds the bound forms with errors in the page's context, so every form gets it without its view or template
asking."""

from django import template
from django.forms import BaseForm, BaseFormSet
from django.forms.utils import ErrorList
from django.template.loader import render_to_string

register = template.Library()


def _forms_in(context) -> list[BaseForm]:
    found: list[BaseForm] = []
    seen: set[int] = set()

    def add(form):
        # Only forms the view validated: asking an unvalidated bound form for its errors would validate it here.
        if id(form) not in seen and form.is_bound and form._errors is not None:
            seen.add(id(form))
            found.append(form)

    for value in context.flatten().values():
        if isinstance(value, BaseForm):
            add(value)
        elif isinstance(value, BaseFormSet) and value.is_bound and value._errors is not None:
            for form in value.forms:
                add(form)
            if value.non_form_errors():
                found.append(_FormsetErrors(value.non_form_errors()))
    return found


class _FormsetErrors:
    """A formset's own errors (too many rows ...), shown like a form's non-field errors."""

    def __init__(self, errors: ErrorList):
        self.errors = {"__all__": errors}
        self.fields = {}


def summary_items(context) -> tuple[list[dict], list[str]]:
    """(field errors as {"id", "label", "message"}, form-level messages) of the page's forms."""
    field_items, general = [], []
    for form in _forms_in(context):
        for name, errors in form.errors.items():
            field = form.fields.get(name)
            if field is None or field.widget.is_hidden:
                general.extend(str(e) for e in errors)
                continue
            bound = form[name]
            target = bound.id_for_label or bound.auto_id
            for message in errors:
                field_items.append({"id": target, "label": bound.label, "message": str(message)})
    return field_items, general


@register.simple_tag(takes_context=True)
def error_summary(context) -> str:
    field_items, general = summary_items(context)
    if not field_items and not general:
        return ""
    return render_to_string(
        "includes/_error_summary.html",
        {"field_items": field_items, "general": general, "count": len(field_items) + len(general)},
        context.get("request"),
    )
