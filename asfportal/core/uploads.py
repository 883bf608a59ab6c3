"""Uploaded documents: checked by content, not by name, and served only through permission-checked views."""

import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _

# The first bytes of each accepted document type (DOCX, XLSX and ODT are ZIP containers).
MAGIC = {"pdf": b"%PDF", "docx": b"PK\x03\x04", "xlsx": b"PK\x03\x04", "odt": b"PK\x03\x04"}


def check_document(upload, *, max_bytes: int):
    """Refuse a file that is too large or whose content is not the PDF/DOCX/XLSX/ODT its name claims."""
    if upload in (None, False):
        return upload
    if upload.size > max_bytes:
        raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": max_bytes // (1024 * 1024)})
    # The extension as the models' FileExtensionValidator reads it: "pdf" or ".pdf" alone have none.
    extension = Path(upload.name).suffix[1:].lower()
    head = upload.read(8)
    upload.seek(0)
    if extension not in MAGIC or not head.startswith(MAGIC[extension]):
        raise ValidationError(_("The file's content does not match a PDF, DOCX, ODT or XLSX document."))
    if extension in ZIP_MEMBERS and not _zip_holds(upload, extension):
        raise ValidationError(_("The file's content does not match a PDF, DOCX, ODT or XLSX document."))
    return upload


# Any ZIP file starts with the same bytes, so an office document is recognised by the parts its format requires:
# ECMA-376 (Office Open XML) packages name their main part; an OpenDocument text starts with its `mimetype` member.
ZIP_MEMBERS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "odt": "mimetype"}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def _zip_holds(upload, extension: str) -> bool:
    """Whether the ZIP is a document of that kind. Only the directory is read (and ODT's tiny `mimetype`),
    never a whole member, so a ZIP bomb costs nothing."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if extension != "odt":
                return "[Content_Types].xml" in names and ZIP_MEMBERS[extension] in names
            info = archive.getinfo("mimetype") if "mimetype" in names else None
            return info is not None and info.file_size <= 100 and archive.read(info).strip() == ODT_MIMETYPE
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
        return False
    finally:
        upload.seek(0)


def serve(field_file) -> FileResponse:
    """Send a stored file as a download under its own name (the caller has checked permission)."""
    return FileResponse(
        field_file.open("rb"), as_attachment=True, filename=field_file.name.rsplit("/", 1)[-1]
    )
