"""The coordinator's caseload lists as Excel workbooks, formatted like the registry's export (companies/exports.py):
bold frozen headings, column widths, an autofilter, ISO dates, text never run as a formula."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .models import Participant, Placement

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(sheet, value):
    """Text stays text in Excel: never a formula ("=..."), never a number, no visible apostrophe."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def _workbook(
    title: str, columns: list[tuple[str, int]], rows: Iterable[list], filename: str
) -> HttpResponse:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    for index, (_heading, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    headings = []
    for heading, _width in columns:
        cell = WriteOnlyCell(sheet, value=str(heading))
        cell.font = bold
        headings.append(cell)
    sheet.append(headings)
    count = 0
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}-{timezone.localdate()}.xlsx"'
    return response


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

    return _workbook(_("Placements"), columns, rows(), "placeringar")


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

    return _workbook(_("Participants"), columns, rows(), "deltagare")
