"""One way to write dates and amounts in the Swedish UI."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import translation


def _render(text: str, **context) -> str:
    with translation.override("sv"):
        return Template("{% load portal_format %}" + text).render(Context(context))


def test_dates_read_as_in_swedish_running_text():
    moment = datetime(2026, 12, 6, 12, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
    assert _render("{{ d|date }}", d=date(2026, 12, 6)) == "6 december 2026"
    assert _render('{{ d|date:"SHORT_DATE_FORMAT" }}', d=date(2026, 12, 6)) == "6 december 2026"
    assert _render('{{ m|date:"SHORT_DATETIME_FORMAT" }}', m=moment) == "6 december 2026 kl. 12:00"
    assert _render("{{ m|date:'DATETIME_FORMAT' }}", m=moment) == "6 december 2026 kl. 12:00"


def test_amounts_have_a_space_between_thousands():
    assert _render("{{ v|sek }}", v=1250000) == "1\xa0250\xa0000\xa0kr"
    assert _render("{{ v|thousands }}", v=12.5) == "12,50"
    assert _render("{{ v|sek }}", v=None) == "\u2013"
    assert _render("{{ year }}", year=2026) == "2026"  # years are never grouped
