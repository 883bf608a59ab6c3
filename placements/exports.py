"""The coordinator's caseload lists as Excel workbooks, formatted like the registry's export (companies/exports.py):
bold frozen headings, column widths, an autofilter, ISO dates, text never run as a formula."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from asfportal.core.exports import xlsx_response

from .models import Participant, Placement


def _label(model, field: str) -> str:
    return capfirst(model._meta.get_field(field).verbose_name)


def placements_xlsx(placements: Iterable[Placement], *, on_row: Callable[[Placement], None]) -> HttpResponse:
    """The filtered placement list; `on_row` sees each placement written (the access log)."""
    statuses = dict(Placement.Status.choices)
    columns = [
        (_label(Participant, "code"), 18),
        (_label(Placement, "company"), 36),
        (_("Work area"), 24),
        (_label(Placement, "status"), 18),
        (_label(Placement, "support_measure"), 28),
        (_label(Placement, "start_on"), 12),
        (_label(Placement, "planned_end_on"), 12),
        (_label(Placement, "ended_on"), 12),
        (_label(Placement, "hours_per_week"), 10),
        (_("Next follow-up"), 14),
        (_label(Placement, "outcome"), 30),
    ]

    def rows():
        for p in placements:
            on_row(p)
            yield [
                p.participant.code, p.company.name, str(p.offer.work_area), str(statuses.get(p.status, p.status)),
                p.get_support_measure_display(), p.start_on, p.planned_end_on, p.ended_on, p.hours_per_week,
                p.next_follow_up_on, p.get_outcome_display(),
            ]  # fmt: skip

    return xlsx_response(_("Placements"), columns, rows(), "placeringar")


def participants_xlsx(
    participants: Iterable[Participant], *, on_row: Callable[[Participant], None]
) -> HttpResponse:
    """The filtered participant list, with each one's latest placement and next follow-up."""
    statuses = dict(Placement.Status.choices)
    columns = [
        (_label(Participant, "code"), 18),
        (_label(Participant, "initials"), 10),
        (_label(Participant, "birth_year"), 10),
        (_("Latest placement at"), 36),
        (_label(Placement, "status"), 18),
        (_label(Placement, "start_on"), 12),
        (_label(Placement, "planned_end_on"), 12),
        (_("Next follow-up"), 14),
        (_("Registered"), 12),
    ]

    def rows():
        for p in participants:
            on_row(p)
            yield [
                p.code, p.initials, p.birth_year, p.latest_company or "",
                str(statuses.get(p.latest_status, "")) if p.latest_status else "", p.latest_start_on,
                p.latest_end_on, p.next_follow_up_on, timezone.localdate(p.created_at),
            ]  # fmt: skip

    return xlsx_response(_("Participants"), columns, rows(), "deltagare")
