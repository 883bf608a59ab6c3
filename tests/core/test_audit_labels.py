"""Every audit action code the code base writes has a readable, translated label (core/audit_labels.py), and the
administrator's dashboard and the admin's audit pages show that label instead of the code."""

import ast
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from asfportal.core.audit import audit
from asfportal.core.audit_labels import ADMIN_VERBS, AUDIT_LABELS, audit_label
from tests.conftest import PROJECT_DIR

SOURCES = ["asfportal", "companies", "procurement", "placements", "policies"]
# The codes built from a value at run time, with every value the value can take (a new one fails below).
FORMATTED = {
    "companies.change_request.{change_request.status}": ["approved", "rejected"],
    "placements.placement.{placement.status}": ["ended", "interrupted"],
}


def _strings(node: ast.AST) -> list[str]:
    """The codes an expression can be: a literal, either branch of `a if c else b`, or a known f-string."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    if isinstance(node, ast.JoinedStr):
        source = "".join(
            part.value if isinstance(part, ast.Constant) else "{" + ast.unparse(part.value) + "}"
            for part in node.values
        )
        if source.startswith("{obj._meta.label_lower}."):
            return [f"<admin>.{source.rsplit('.', 1)[1]}"]
        assert source in FORMATTED, f"an audit code built at run time needs its values in FORMATTED: {source}"
        prefix = source.split("{", 1)[0]
        return [f"{prefix}{value}" for value in FORMATTED[source]]
    return []


def _codes_in_code_base() -> dict[str, str]:
    codes = {}
    for source in SOURCES:
        for path in (PROJECT_DIR / source).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text())
            for function in [
                n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
            ]:
                assigned: dict[str, list[ast.AST]] = {}
                for node in ast.walk(function):
                    if isinstance(node, ast.Assign):
                        for target in node.targets:
                            if isinstance(target, ast.Name):
                                assigned.setdefault(target.id, []).append(node.value)
                for node in ast.walk(function):
                    if not isinstance(node, ast.Call):
                        continue
                    name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                    if name != "audit" or len(node.args) < 2:
                        continue
                    argument = node.args[1]
                    values = assigned.get(argument.id, []) if isinstance(argument, ast.Name) else [argument]
                    found = [code for value in values for code in _strings(value)]
                    assert found, f"{path}:{node.lineno}: the audit code is not a literal the test can read"
                    for code in found:
                        codes[code] = f"{path.relative_to(PROJECT_DIR)}:{node.lineno}"
    return codes


def test_every_audit_code_in_the_code_base_has_a_label():
    codes = _codes_in_code_base()
    assert len(codes) > 50  # the walk found the services (a broken walk would pass with nothing)
    missing = sorted(f"{code} ({where})" for code, where in codes.items() if code not in AUDIT_LABELS
                     and not (code.startswith("<admin>.") and code.split(".", 1)[1] in ADMIN_VERBS))  # fmt: skip
    assert missing == []


def test_no_label_is_left_over_for_a_code_nobody_writes():
    assert sorted(set(AUDIT_LABELS) - set(_codes_in_code_base())) == []


def test_labels_are_swedish_in_the_swedish_interface_and_english_in_the_english():
    with translation.override("sv"):
        assert audit_label("procurement.tender.published") == "Upphandling publicerad"
        assert audit_label("companies.company.admin_changed") == "Ändring i administrationen: företag"
    with translation.override("en"):
        assert audit_label("procurement.tender.published") == "Tender published"
    assert audit_label("no.such.code") == "no.such.code"  # shown as it is, never hidden


@pytest.mark.parametrize("model", [m for m in admin.site._registry if m._meta.app_label != "auth"])
def test_a_change_in_the_admin_has_a_readable_label_for_every_registered_model(model):
    with translation.override("sv"):
        label = audit_label(f"{model._meta.label_lower}.admin_changed")
    assert "admin_changed" not in label and "i administrationen: " in label
    assert apps.get_model(model._meta.label_lower) is model


@pytest.mark.django_db
def test_the_administrators_dashboard_and_audit_list_show_readable_event_names(client, admin_user):
    audit(admin_user, "procurement.tender.published", admin_user)
    client.force_login(admin_user)
    for url in (reverse("accounts:dashboard-administrator"), reverse("admin:core_auditentry_changelist")):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
        assert "Upphandling publicerad" in html, url
        assert not re.search(r">\s*procurement\.tender\.published\s*<", html), url
