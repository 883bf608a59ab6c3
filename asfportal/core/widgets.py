"""Form widgets tuned for pages that are read often."""

import html

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    """A <select> written in Python instead of one template render per option.

    The municipality filter lists all 290 kommuner: Django's per-option templates cost about 20 ms per render, a
    third of a directory page (make bench). The HTML is the same: attributes, the selected option, optgroups.
    """

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        chosen = {str(v) for v in self.format_value(value)}

        def options(choices):
            # Plain str escaping: labels are names from the database or translated strings, never HTML.
            return "".join(
                f'<option value="{html.escape(str(v))}"{" selected" if str(v) in chosen else ""}>'
                f"{html.escape(str(label))}</option>"
                for v, label in choices
            )

        parts = []
        for group, label in self.choices:
            if isinstance(label, list | tuple):
                parts.append(format_html('<optgroup label="{}">{}</optgroup>', group, options(label)))
            else:
                parts.append(options([(group, label)]))
        # Every value and label in `parts` went through html.escape or format_html above.
        options_html = mark_safe("".join(parts))  # nosec B308, B703  # escaped piece by piece above
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options_html)


class _NameIterator(ModelChoiceIterator):
    """(pk, name) straight from the database, without building a model instance per option."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", "name")


class NameChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField over a model with a `name`, rendered with QuickSelect: a list of 290 kommuner costs
    about 1 ms instead of 8 (make bench). Cleaning still returns the model instance."""

    iterator = _NameIterator
    widget = QuickSelect


class QuickSelectMultiple(QuickSelect):
    """QuickSelect with `multiple`: a profile's 290 kommuner rendered in Python (the per-option templates of
    SelectMultiple made the company profile page 25 times the signed-in floor, make bench)."""

    allow_multiple_selected = True

    def value_from_datadict(self, data, files, name):
        return forms.SelectMultiple.value_from_datadict(self, data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return False  # an empty multiple select is not in the POST at all: it means "none chosen"


class NameMultipleChoiceField(forms.ModelMultipleChoiceField):
    """NameChoiceField for several choices: (pk, name) pairs from the database, QuickSelectMultiple."""

    iterator = _NameIterator
    widget = QuickSelectMultiple
