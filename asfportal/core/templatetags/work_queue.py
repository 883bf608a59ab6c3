"""The work queue's rows (core/queue.py) rendered in Python: `{% load work_queue %}{% queue_rows group.items %}`.

A large procurement officer's queue has some 200 items, and the template language resolves a dozen variables a
row (some 25 ms of a dashboard at national scale); format_html gives the same markup, escaped the same way."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

register = template.Library()

ROW = (
    '<tr class="queue-item{}">\n'
    "        <td>{}{}</td>\n"
    "        <td>{}</td>\n"
    "        <td>{}</td>\n"
    '        <td><a class="btn btn-sm btn-outline-primary text-nowrap" href="{}">{}'
    '<span class="visually-hidden">: {}</span></a></td>\n'
    "      </tr>\n"
)


@register.simple_tag
def queue_rows(items) -> str:
    overdue = format_html('<span class="badge text-bg-warning">{}</span> ', gettext("Overdue"))
    default_action = gettext("Open")
    return format_html_join(
        "      ",
        ROW,
        (
            (
                " queue-overdue" if item.overdue else "",
                overdue if item.overdue else "",
                item.what,
                item.whom,
                format_html('<time datetime="{}">{}</time>', item.due_iso, item.due_label)
                if item.due
                else "\u2013",  # an en dash: no date
                item.url,
                item.action or default_action,
                item.whom,
            )
            for item in items
        ),
    )
