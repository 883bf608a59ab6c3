"""Form widgets tuned for pages that are read often, and the searchable combobox for long choices."""

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


# The attribute static/js/combobox.js looks for: a <select> carrying it becomes a searchable combobox (Tom Select,
# vendored in static/vendor/tom-select/). Without JavaScript it stays the plain <select> it is, and the form still
# works; with it, typing filters the options (ignoring case and accents: "ore" finds Örebro).
COMBOBOX_ATTRS = {"data-combobox": "true"}


class Combobox(QuickSelect):
    """A <select> that becomes a searchable combobox: for every long choice (290 kommuner, ~400 organisations,
    CPV codes). The label stays the field's own; Tom Select gives the typed input the label and the roles
    (combobox, listbox, option) and keeps the original select in step, so the value sent is the select's."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({**COMBOBOX_ATTRS, **(attrs or {})}, choices)


class _NameIterator(ModelChoiceIterator):
    """(pk, name) straight from the database, without building a model instance per option."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", "name")


class NameChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField over a model with a `name`, rendered in Python as a searchable combobox: a list of 290
    kommuner costs about 1 ms instead of 8 (make bench). Cleaning still returns the model instance."""

    iterator = _NameIterator
    widget = Combobox


class QuickSelectMultiple(QuickSelect):
    """QuickSelect with `multiple`: a profile's 290 kommuner rendered in Python (the per-option templates of
    SelectMultiple made the company profile page 25 times the signed-in floor, make bench)."""

    allow_multiple_selected = True

    def value_from_datadict(self, data, files, name):
        return forms.SelectMultiple.value_from_datadict(self, data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return False  # an empty multiple select is not in the POST at all: it means "none chosen"


class ComboboxMultiple(QuickSelectMultiple):
    """Several choices out of a long list (a company's municipalities, a tender's CPV codes): chosen ones show as
    removable items; without JavaScript a plain multiple <select>."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({**COMBOBOX_ATTRS, "size": 8, **(attrs or {})}, choices)


class NameMultipleChoiceField(forms.ModelMultipleChoiceField):
    """NameChoiceField for several choices: (pk, name) pairs from the database, as a combobox."""

    iterator = _NameIterator
    widget = ComboboxMultiple
