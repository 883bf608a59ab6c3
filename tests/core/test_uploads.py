"""Uploaded documents are judged by their content: an office document must be the kind of ZIP its format requires."""

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from asfportal.core.uploads import check_document

LIMIT = 5 * 1024 * 1024


def _zip(members: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(zipfile.ZipInfo(stored_first), members.pop(stored_first))
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Kafé Gemenskap"
    workbook.save(buffer)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = _zip(
    {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office:document-content/>"},
    stored_first="mimetype",
)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("beslut.pdf", b"%PDF-1.7\n%\xe2\xe3\n"),
        ("plan.docx", DOCX),
        ("lista.xlsx", _xlsx()),
        ("text.odt", ODT),
    ],
)
def test_real_documents_are_accepted(name, content):
    upload = SimpleUploadedFile(name, content)
    assert check_document(upload, max_bytes=LIMIT) is upload
    assert upload.read() == content  # left at the start for the storage


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("plan.docx", _zip({"evil.exe": b"MZ\x90\x00"})),  # any ZIP named .docx
        ("plan.docx", _xlsx()),  # a workbook is not a Word document
        ("lista.xlsx", DOCX),
        (
            "text.odt",
            _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}, stored_first="mimetype"),
        ),
        ("text.odt", _zip({"mimetype": b"x" * 10_000}, stored_first="mimetype")),
        ("plan.docx", b"PK\x03\x04" + b"\x00" * 60),  # the right first bytes, no archive behind them
        ("beslut.pdf", DOCX),
        ("plan.docx", b"%PDF-1.7\n"),
        ("program.exe", b"MZ\x90\x00"),
    ],
)
def test_disguised_files_are_refused_in_swedish(name, content):
    from django.utils import translation

    with translation.override("sv"), pytest.raises(ValidationError) as refused:
        check_document(SimpleUploadedFile(name, content), max_bytes=LIMIT)
    assert refused.value.messages == [
        "Filens innehåll motsvarar inte ett PDF-, DOCX-, ODT- eller XLSX-dokument."
    ]


def test_a_zip_bomb_is_refused_without_being_unpacked():
    # 200 MB of zeros compresses to a few hundred kB; only the directory is read, so this is quick and small.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("bomb.bin", "w", force_zip64=True) as member:
            for _ in range(200):
                member.write(b"\x00" * 1024 * 1024)
    with pytest.raises(ValidationError):
        check_document(SimpleUploadedFile("plan.docx", buffer.getvalue()), max_bytes=LIMIT)
