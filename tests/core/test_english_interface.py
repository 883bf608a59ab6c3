"""The English interface is complete: on every main page of every role, with English chosen, no Swedish text of
the interface shows. Two checks over the pages of tests/main_pages.py (the demo data behind them):

- no translation from the Swedish catalogue appears in the page's text (a string rendered without the English
  language active, or a template that hard-codes the Swedish wording next to a translated one);
- the interface's own elements (headings of tables, labels, buttons, legends, captions, the menu, the footer and
  the accessible names in aria-label and placeholder) hold no Swedish letters å, ä, ö. The page's content (an
  enterprise's or municipality's name, a tender written in Swedish) is data, not the interface, and is left alone.
"""

import html as html_lib
import re

import polib
import pytest
from django.utils import formats, translation

from tests.core.test_translations import CATALOGUE
from tests.main_pages import ROLES, fetch_html, main_pages, seed_portal

pytestmark = pytest.mark.django_db

# Swedish translations too short or too close to English to tell anything ("Status", "Policy", "Start").
MIN_WORDS = 2
INTERFACE_ELEMENTS = r"th|label|button|legend|caption|summary|option|dt"
SWEDISH_LETTERS = re.compile(r"[åäöÅÄÖ]")
# Names of the portal's parts that are the same in both languages.
PROPER_NAMES = {"ASF-portalen", "Svenska", "samordningsförbund", "Samordningsförbund"}


def _swedish_strings() -> list[str]:
    strings = set()
    for entry in polib.pofile(str(CATALOGUE)):
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            parts = re.split(r"%\(\w+\)s|%s|%d|\{\w*\}", text) if "%" in text or "{" in text else [text]
            for part in parts:
                part = " ".join(part.split()).strip(" .,:;\u2013-")
                if len(part.split()) >= MIN_WORDS and part != entry.msgid and SWEDISH_LETTERS.search(part):
                    strings.add(part)
    return sorted(strings, key=len, reverse=True)


def _text(page_html: str) -> str:
    page_html = re.sub(r"<(script|style)\b.*?</\1>", " ", page_html, flags=re.DOTALL)
    page_html = re.sub(r'<[^>]*\blang="sv"[^>]*>.*?</[^>]+>', " ", page_html, flags=re.DOTALL)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", page_html)).split())


def _data_strings() -> list[str]:
    """Every text stored in the database (names of organisations and enterprises, tender titles, policy texts, the
    frozen figures of an annual report): data, written in whatever language its author wrote it. Notifications are
    left out: they are written for their recipient in the recipient's language, and so are checked."""
    from django.apps import apps
    from django.db.models import CharField, JSONField, TextField

    from asfportal.core.models import AuditEntry, Notification

    found = set()
    for model in apps.get_models():
        if model in (Notification, AuditEntry):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, CharField | TextField):
                found.update(v for v in model.objects.values_list(field.name, flat=True).distinct() if v)
            elif isinstance(field, JSONField):
                for value in model.objects.values_list(field.name, flat=True):
                    found.update(_json_strings(value))
    # As the page shows them: whitespace run together, and each line of a longer text on its own (paragraphs).
    pieces = {" ".join(line.split()) for value in found for line in [value, *value.splitlines()]}
    return sorted((v for v in pieces if len(v) >= 3 and SWEDISH_LETTERS.search(v)), key=len, reverse=True)


def _json_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [s for item in value for s in _json_strings(item)]
    return []


def _without_data(text: str, data: list[str]) -> str:
    for value in data:
        if value in text:
            text = text.replace(value, " ")
    return text


def _interface_texts(page_html: str, data: list[str]) -> list[str]:
    texts = []
    page_html = re.sub(r"<(script|style)\b.*?</\1>", " ", page_html, flags=re.DOTALL)
    chrome = "".join(re.findall(r"<(?:header|footer)\b.*?</(?:header|footer)>", page_html, flags=re.DOTALL))
    for element in re.findall(rf"<({INTERFACE_ELEMENTS})\b[^>]*>(.*?)</\1>", page_html, flags=re.DOTALL):
        texts.append(element[1])
    texts.append(chrome)
    texts += re.findall(r'(?:aria-label|placeholder|title)="([^"]*)"', page_html)
    found = []
    for text in texts:
        text = re.sub(r'<[^>]*\blang="sv"[^>]*>.*?</[^>]+>', " ", text, flags=re.DOTALL)
        plain = " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", text)).split())
        if not SWEDISH_LETTERS.search(plain):
            continue
        plain = _without_data(plain, data)
        # A Swedish term in brackets after the English one is there on purpose: "Economic association (ekonomisk
        # förening)" names the legal form as the Swedish registers do.
        plain = re.sub(r"\([^)]*\)", "", plain)
        for name in PROPER_NAMES:
            plain = plain.replace(name, "")
        if SWEDISH_LETTERS.search(plain):
            found.append(plain[:120])
    return found


def test_no_swedish_interface_text_on_any_main_page_in_english(client, coordinator, outsider, officer, company_rep,
                                                                admin_user):  # fmt: skip
    users = {"anonymous": None, "coordinator": coordinator, "outsider": outsider, "officer": officer,
             "company_rep": company_rep, "admin_user": admin_user}  # fmt: skip
    for user in users.values():  # people who chose English (the switcher keeps the choice on their account)
        if user is not None:
            user.language = "en"
            user.save(update_fields=["language"])
    pages = main_pages(seed_portal(users))
    swedish = _swedish_strings()
    data = _data_strings()
    problems, checked = [], 0
    for role in ROLES:
        found, _broken = fetch_html(client, role, users[role], pages, language="en")
        for page, page_html in found:
            checked += 1
            assert '<html lang="en">' in page_html, page.url
            text = _text(page_html)
            if leaks := [s for s in swedish if s in text]:
                text = _without_data(text, data)  # only when needed: the data is long
                leaks = [s for s in leaks if s in text]
            leaks += [f"(interface element) {t}" for t in _interface_texts(page_html, data)]
            if leaks:
                problems.append(f"{page.label} as {role} ({page.url}): " + " | ".join(dict.fromkeys(leaks)))
    assert checked > 50
    assert problems == [], f"{len(problems)} pages show Swedish in the English interface:\n" + "\n".join(
        problems
    )


def test_dates_in_the_english_interface_read_day_month_year():
    import datetime

    day = datetime.date(2026, 12, 6)
    with translation.override("en"):
        assert formats.date_format(day) == "6 December 2026"
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "6 December 2026"
        moment = datetime.datetime(2026, 12, 6, 12, 0)
        assert formats.date_format(moment, "DATETIME_FORMAT") == "6 December 2026, 12:00"
    with translation.override("sv"):
        assert formats.date_format(day) == "6 december 2026"
