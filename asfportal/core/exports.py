"""Excel workbooks as the portal writes them (the registry's and the caseload lists' exports): bold frozen
headings, column widths, an autofilter, ISO dates, text never run as a formula."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text_cell(sheet, value):
    """Text stays text in Excel: never a formula ("=..."), never a number, no visible apostrophe."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def xlsx_response(
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
        sheet.append([text_cell(sheet, value) for value in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}-{timezone.localdate()}.xlsx"'
    return response
