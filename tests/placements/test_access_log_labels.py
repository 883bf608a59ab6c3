"""The participant access log reads in the interface language: every action the code writes has a label."""

import ast

import pytest
from django.urls import reverse
from django.utils import translation

from placements.choices import ACCESS_LOG_ACTIONS
from placements.models import AccessLogEntry
from tests.conftest import PROJECT_DIR


def _written_actions() -> set[str]:
    actions = set()
    for path in (PROJECT_DIR / "placements").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            name = getattr(getattr(node, "func", None), "id", None) or getattr(
                getattr(node, "func", None), "attr", None
            )
            if isinstance(node, ast.Call) and name == "log_access":
                (action,) = [k.value for k in node.keywords if k.arg == "action"]
                assert isinstance(action, ast.Constant), f"{path}:{node.lineno}: the action is not a literal"
                actions.add(action.value)
    return actions


def test_every_access_log_action_in_the_code_has_a_label_and_no_label_is_left_over():
    written = _written_actions()
    assert "viewed" in written
    assert written == set(ACCESS_LOG_ACTIONS)


def test_the_label_is_swedish_in_the_swedish_interface_and_english_in_the_english():
    entry = AccessLogEntry(action="viewed")
    with translation.override("sv"):
        assert entry.action_label == "Visade uppgifterna"
    with translation.override("en"):
        assert entry.action_label == "Viewed the record"
    assert AccessLogEntry(action="something new").action_label == "something new"


@pytest.mark.django_db
def test_the_access_log_page_shows_the_label_not_the_stored_value(client, coordinator):
    AccessLogEntry.objects.create(
        organisation=coordinator.organisation, participant_code="ABC-123", user=coordinator, action="exported"
    )
    client.force_login(coordinator)
    html = client.get(reverse("placements:access-log")).content.decode()
    assert "Exporterade registerutdraget" in html and "<td>exported</td>" not in html
