"""Every CheckConstraint and UniqueConstraint of the portal's models speaks Swedish when it is broken: a custom
violation_error_message (an English msgid translated in the Swedish catalogue), never Django's default sentence
with the constraint's name in it ("Begränsningen “offer_period_in_order” överträds")."""

import polib
import pytest
from django.apps import apps
from django.db.models import CheckConstraint, UniqueConstraint
from django.utils import translation

from tests.core.test_translations import CATALOGUE

PORTAL_APPS = {"core", "accounts", "companies", "procurement", "placements", "policies"}


def _constraints():
    for model in apps.get_models():
        if model._meta.app_label not in PORTAL_APPS:
            continue
        for constraint in model._meta.constraints:
            if isinstance(constraint, CheckConstraint | UniqueConstraint):
                yield pytest.param(model, constraint, id=f"{model._meta.label}.{constraint.name}")


@pytest.mark.parametrize(("model", "constraint"), list(_constraints()))
def test_constraint_has_its_own_message_in_the_swedish_catalogue(model, constraint):
    message = constraint.violation_error_message
    assert message and message != constraint.default_violation_error_message, "no violation_error_message"
    with translation.override("en"):
        msgid = str(message)
    translated = {e.msgid: e.msgstr for e in polib.pofile(str(CATALOGUE)) if e.translated()}
    assert msgid in translated, f"{msgid!r} is not translated in the Swedish catalogue"
    assert constraint.name not in translated[msgid]


def test_the_walk_finds_the_constraints():
    assert len(list(_constraints())) > 20
