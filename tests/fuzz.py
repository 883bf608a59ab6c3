"""Helpers for the bad-input tests (tests/test_bad_input.py): nasty values, hand-built request bodies, the forms
a page shows, every table's row count in one query, and the check that a message is Swedish."""

from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import django
import polib
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.sessions.models import Session
from django.db import connection
from django.forms.formsets import BaseFormSet
from django.template.context import Context
from django.test.utils import ContextList
from hypothesis import strategies as st

# --- Values ---------------------------------------------------------------------------------------------------

# Text that has broken web applications before: NUL (PostgreSQL refuses it in text), escapes, right-to-left
# override, markup and script, SQL, impossible and extreme dates, numbers beyond every column, other scripts.
NASTY = [
    "",
    " ",
    "\x00",
    "abc\x00def",
    "\x1b[31mröd\x1b[0m",
    "\u202egnp.exe",
    "\ufeff",
    "\r\n\t",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "'; DROP TABLE companies_company;--",
    "' OR '1'='1",
    "%s%s%s%(x)s{0}",
    "2026-02-30",
    "31/12/99",
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30T25:61",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "-1",
    "0",
    "1e309",
    "-1e309",
    "NaN",
    "Infinity",
    "2147483648",
    "32768",
    "99999999999999999999999",
    "-99999999999999999999999",
    "1,5",
    "٣",  # an Arabic-Indic digit: int() accepts it
    "on",
    "[]",
    "{}",
    "null",
    "../../etc/passwd",
    "Åsa Öberg-Ärlig",
    "名前",
    "🙂",
]
_ALPHABET = st.characters(exclude_categories=("Cs",))  # lone surrogates cannot be sent as UTF-8 at all
_HUGE_PIECES = ["x", "å", "<b>", "9", "\x00", "'; --"]

junk_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(_ALPHABET, max_size=30),
    st.builds(
        lambda piece, n: piece * (n // len(piece)),
        st.sampled_from(_HUGE_PIECES),
        st.integers(10_000, 100_000),
    ),
    st.integers(-(10**25), 10**25).map(str),
    st.floats().map(repr),
    st.dates(date(1, 1, 1), date(9999, 12, 31)).map(date.isoformat),
)
# Values aimed at one kind of field: past each column's range, impossible or extreme dates, a daylight-saving gap
# in Stockholm (02:30 on the last Sunday of March does not exist), choices that are not offered.
NUMBERS = ["-1", "0", "32767", "32768", "2147483647", "2147483648", "-2147483649", "9223372036854775808",
           "99999999999999999999999", "1e309", "NaN", "Infinity", "1.5", "1,5", "٣", " 7 ", "0x10", "1_000"]  # fmt: skip
DATES = ["9999-12-31", "0001-01-01", "1900-01-01", "2099-12-31", "2026-02-30", "2026-13-01", "0000-00-00",
         "31/12/99", "2026-02-28T10:00"]  # fmt: skip
DATETIMES = ["9999-12-31T23:59", "0001-01-01T00:00", "2026-02-30T10:00", "2026-03-29T02:30", "2026-10-25T02:30",
             "2026-05-01T24:00", "2026-05-01", "2026-05-01T10:00+14:00"]  # fmt: skip
KIND_JUNK = {
    "number": st.one_of(
        st.sampled_from(NUMBERS), st.integers(-(10**25), 10**25).map(str), st.decimals().map(str)
    ),
    "date": st.one_of(
        st.sampled_from(DATES), st.dates(date(1, 1, 1), date(9999, 12, 31)).map(date.isoformat)
    ),
    "datetime": st.one_of(
        st.sampled_from(DATETIMES),
        st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M").rjust(16, "0")),
    ),
    "choice": st.sampled_from(["", "999999999", "-1", "0", "1 OR 1=1", "__all__", "None"]),
}


# The values that have broken forms before, tried in every field of their kind on every form before the random
# examples: past the integer, small-integer and bigint columns, negative, NaN, the calendar's ends, NUL, 100k.
KILLERS = {
    "number": ["2147483648", "32768", "-1", "99999999999999999999999", "NaN"],
    "date": ["9999-12-31", "0001-01-01"],
    "datetime": ["9999-12-31T23:59", "0001-01-01T00:00"],
    "choice": ["999999999"],
    "text": ["a\x00b", "x" * 100_000],
}


def kind_of(field: forms.Field) -> str:
    """The kind of value a form field takes, for aiming junk at it."""
    if isinstance(field, forms.FileField):
        return "file"
    if isinstance(field, forms.BooleanField):
        return "bool"
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return "number"
    if isinstance(field, forms.DateTimeField):
        return "datetime"
    if isinstance(field, forms.DateField):
        return "date"
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField | forms.ModelMultipleChoiceField):
        return "choice"
    return "text"


def junk_for(kind: str):
    """Junk for a field of this kind: mostly aimed at it, sometimes anything at all."""
    aimed = KIND_JUNK.get(kind)
    return st.one_of(aimed, aimed, junk_value) if aimed is not None else junk_value


# Raw bytes, invalid UTF-8 included: a browser (or an attacker) can send any.
junk_bytes = st.binary(min_size=1, max_size=12)
junk_value = st.one_of(junk_text, junk_text, junk_text, junk_bytes)
junk_name = st.one_of(
    st.text(string.ascii_letters + "-_", min_size=1, max_size=12),
    st.sampled_from(["csrfmiddlewaretoken", "id", "pk", "organisation", "is_staff", "status", "__proto__"]),
)


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart body; the name is sent exactly as given (the test client would strip paths)."""

    name: str
    content: bytes
    content_type: str = "application/octet-stream"


# File names that have broken upload handling elsewhere: traversal, hidden files, control characters, bidi
# overrides, reserved Windows names, very long names, names without an extension, other scripts.
NASTY_FILE_NAMES = [
    "../../etc/passwd.pdf",
    "..\\..\\windows\\win.ini.pdf",
    "/etc/passwd.pdf",
    "....pdf",
    ".pdf",
    "pdf",
    "a\x00b.pdf",
    "a\x1b[31m.pdf",
    "faktura\u202efdp.exe",
    "CON.pdf",
    "x" * 300 + ".pdf",
    "Årsredovisning 2025 (slutlig) — godkänd.pdf",
    "報告.pdf",
    "<script>alert(1)</script>.pdf",
    "a&quot;b.pdf",
    "rapport.PDF",
    "rapport.pdf.exe",
    "rapport.docx",
    "rapport.xlsx",
    "rapport.odt",
    "rapport.csv",
    "rapport.html",
]
file_names = st.one_of(
    st.sampled_from(NASTY_FILE_NAMES),
    st.builds(
        lambda stem, ext: f"{stem}.{ext}",
        st.text(_ALPHABET, max_size=40),
        st.sampled_from(["pdf", "docx", "xlsx", "odt", "csv", "txt", "exe", "PDF"]),
    ),
)
MAGIC = {"pdf": b"%PDF-1.7\n", "docx": b"PK\x03\x04", "xlsx": b"PK\x03\x04", "odt": b"PK\x03\x04"}
file_contents = st.one_of(
    st.builds(
        lambda magic, rest: magic + rest, st.sampled_from(sorted(set(MAGIC.values()))), st.binary(max_size=64)
    ),
    st.binary(max_size=64),
    st.sampled_from([b"", b"<html><script>alert(1)</script></html>", b"MZ\x90\x00", b"%PD", b"namn;org\n"]),
)
junk_upload = st.builds(Upload, file_names, file_contents)


# --- Request bodies -------------------------------------------------------------------------------------------

BOUNDARY = "fuzzboundary7MA4YWxkTrZu0gW"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
URLENCODED = "application/x-www-form-urlencoded"


def _bytes(value) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()


def encode(pairs: list[tuple[str, object]], *, multipart: bool) -> tuple[bytes, str]:
    """A request body from (name, value) pairs, names repeated as given; values are str, bytes or Upload."""
    if not multipart:
        from urllib.parse import quote_from_bytes

        body = "&".join(f"{quote_from_bytes(_bytes(k))}={quote_from_bytes(_bytes(v))}" for k, v in pairs)
        return body.encode(), URLENCODED
    lines = []
    for name, value in pairs:
        lines.append(f"--{BOUNDARY}".encode())
        if isinstance(value, Upload):
            # The name goes out raw (quotes escaped as browsers do), so the server's own sanitising is tested.
            filename = value.name.replace('"', "%22").replace("\r", "").replace("\n", "")
            lines.append(
                f'Content-Disposition: form-data; name="{name}"; filename="{filename}"'.encode(
                    errors="replace"
                )
            )
            lines.append(f"Content-Type: {value.content_type}".encode())
            lines.append(b"")
            lines.append(value.content)
        else:
            lines.append(f'Content-Disposition: form-data; name="{name}"'.encode())
            lines.append(b"")
            lines.append(_bytes(value))
    lines.append(f"--{BOUNDARY}--".encode())
    lines.append(b"")
    return b"\r\n".join(lines), MULTIPART


def form_value(value):
    """A Python value as a browser would post it (None is an empty input, a list is a repeated field)."""
    if value is None:
        return [""]
    if isinstance(value, list | tuple):
        return [v for item in value for v in form_value(item)]
    if isinstance(value, bool):
        return ["on"] if value else []
    if hasattr(value, "pk"):
        return [str(value.pk)]
    if isinstance(value, Upload):
        return [value]
    return [str(value)]


# --- What a response shows -------------------------------------------------------------------------------------


def _context_values(response):
    context = response.context
    if context is None:
        return
    for ctx in context if isinstance(context, ContextList) else [context]:
        for layer in ctx.dicts if isinstance(ctx, Context) else [ctx]:
            yield from layer.values()


def forms_in(response) -> list:
    """Every form and formset in the templates' context, once each."""
    found, seen = [], set()
    for value in _context_values(response):
        if isinstance(value, forms.BaseForm | BaseFormSet) and id(value) not in seen:
            seen.add(id(value))
            found.append(value)
    return found


def _inputs(response):
    """(form, field name, field) of every input the page's forms render, formsets' management fields included."""
    for item in forms_in(response):
        for form in [item.management_form, *item.forms] if isinstance(item, BaseFormSet) else [item]:
            for name, field in form.fields.items():
                yield form, name, field


def fields_of(response) -> dict[str, forms.Field]:
    """{posted name: field} of the forms a page shows."""
    return {form.add_prefix(name): field for form, name, field in _inputs(response)}


def initial_of(response) -> dict[str, list]:
    """What the browser would post unchanged: each field's current value as the page shows it."""
    values = {}
    for form, name, field in _inputs(response):
        value = form[name].value()
        if value is None and isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            value = []  # nothing ticked: the browser sends nothing
        values.setdefault(form.add_prefix(name), form_value(value))
    return values


def refusals(response) -> list[str]:
    """The error texts a response shows: form and formset errors, error messages, a page's own error list."""
    texts = []
    for item in forms_in(response):
        if isinstance(item, BaseFormSet):
            if item.is_bound:
                texts += list(item.non_form_errors())
                item = item.forms
            else:
                continue
        for form in item if isinstance(item, list) else [item]:
            if form.is_bound:
                texts += [str(message) for errors in form.errors.values() for message in errors]
    if response.context is not None:  # a page's own list of errors (policies: indicators and milestones)
        try:
            page_errors = response.context["errors"]
        except KeyError:
            page_errors = None
        if isinstance(page_errors, list):
            texts += [str(text) for text in page_errors]
    texts += [
        str(m.message) for m in messages.get_messages(response.wsgi_request) if m.level >= messages.ERROR
    ]
    return texts


def all_messages(response) -> list[str]:
    """Every message the response carries (success and warnings too): they must be Swedish as well."""
    return [str(m.message) for m in messages.get_messages(response.wsgi_request)]


def row_errors(response) -> list[str]:
    """The errors an import preview shows beside its rows ("label: message" or a message alone)."""
    if response.context is None:
        return []
    try:
        rows = response.context["rows"]
    except KeyError:
        return []
    return [str(error) for row in rows or [] for error in getattr(row, "errors", [])]


# --- Rows ------------------------------------------------------------------------------------------------------


@functools.cache
def _count_query() -> tuple[str, list[str]]:
    # Sessions are not domain data: a login writes one, and messages may be kept there.
    models = [
        m
        for m in apps.get_models(include_auto_created=True)
        if not m._meta.proxy and m._meta.managed and m is not Session
    ]
    labels = [m._meta.label for m in models]
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in models)
    return sql, labels


def row_counts() -> dict[str, int]:
    """Rows per model (many-to-many tables included) of every installed app, in one query."""
    sql, labels = _count_query()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(labels, cursor.fetchone(), strict=True))


def changed(before: dict[str, int], after: dict[str, int], *, allowed=()) -> dict[str, tuple[int, int]]:
    return {k: (before[k], after[k]) for k in before if before[k] != after[k] and k not in allowed}


# --- Swedish ---------------------------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrx]|%%")
_BRACE = re.compile(r"\{[^{}]*\}")


def _catalogues() -> list[Path]:
    """The Swedish catalogues Django itself would look in: the project's, every installed app's, Django's."""
    paths = [Path(p) / "sv" / "LC_MESSAGES" / "django.po" for p in settings.LOCALE_PATHS]
    paths += [Path(c.path) / "locale" / "sv" / "LC_MESSAGES" / "django.po" for c in apps.get_app_configs()]
    paths.append(Path(django.__file__).parent / "conf" / "locale" / "sv" / "LC_MESSAGES" / "django.po")
    return [p for p in dict.fromkeys(paths) if p.exists()]


def _pieces(text: str, brace: bool) -> tuple[str, ...]:
    """The literal parts of a translation around its placeholders (which may stand for any text)."""
    placeholder = re.compile(f"{_PLACEHOLDER.pattern}|{_BRACE.pattern}") if brace else _PLACEHOLDER
    pieces, current, last = [], "", 0
    for match in placeholder.finditer(text):
        current += text[last : match.start()]
        if match.group() == "%%":
            current += "%"
        else:
            pieces.append(current)
            current = ""
        last = match.end()
    pieces.append(current + text[last:])
    return tuple(pieces)


def _matches(pieces: tuple[str, ...], text: str) -> bool:
    """Whether text is the translation with its placeholders filled in: a wildcard match, linear in the text
    (a regular expression with several lazy groups is quadratic on the 100k-character values the fuzz sends)."""
    if len(pieces) == 1:
        return text == pieces[0]
    first, *middle, last = pieces
    if not (text.startswith(first) and text.endswith(last)) or len(text) < len(first) + len(last):
        return False
    position, end = len(first), len(text) - len(last)
    for piece in middle:
        found = text.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True


@functools.cache
def swedish_patterns() -> list[tuple[str, ...]]:
    """The literal parts of every Swedish translation that has some words of its own."""
    patterns = set()
    for path in _catalogues():
        for entry in polib.pofile(str(path)):
            if entry.obsolete or "fuzzy" in entry.flags or not entry.translated():
                continue
            brace = "python-brace-format" in entry.flags
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                pieces = _pieces(text, brace)
                # "%(a)s: %(b)s" would match nearly anything: a translation must have words of its own.
                if sum(c.isalpha() for c in "".join(pieces)) >= 3:
                    patterns.add(pieces)
    return sorted(patterns)


@functools.lru_cache(maxsize=4096)
def is_swedish(message: str) -> bool:
    """True when the message is one of the Swedish catalogues' translations (placeholders filled in any way).

    An English msgid that no catalogue translates, or a string the code never marked for translation, matches no
    Swedish msgstr and is caught; so is an English text shown where its Swedish translation should have been.
    Messages joined with spaces (one view shows all of a form's errors in one message) are split at the joins.
    """
    message = message.strip()
    patterns = swedish_patterns()

    def whole(text: str) -> bool:
        return any(_matches(pieces, text) for pieces in patterns)

    if whole(message):
        return True
    # A join of several translations: try each split at a sentence end followed by a space.
    ends = [m.end() for m in re.finditer(r"[.!?] ", message)]
    reachable = {0}
    for end in [*ends, len(message) + 1]:
        if any(whole(message[start : end - 1]) for start in reachable if start < end - 1):
            reachable.add(end)
    return len(message) + 1 in reachable
