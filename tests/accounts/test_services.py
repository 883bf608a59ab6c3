"""Services for people and organisations: user creation and the reference data."""

import pytest
from django.core.management import call_command

from asfportal.accounts import services
from asfportal.accounts.models import Organisation, Role, User
from asfportal.core.exceptions import DomainError
from asfportal.core.management.commands.seed_demo import DEMO_USERS
from asfportal.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_user_create_normalises_email_and_audits(municipality, admin_user):
    user = services.user_create(
        email="Anna.Andersson@Kommun.SE",
        full_name="Anna Andersson",
        role=Role.COORDINATOR,
        organisation=municipality,
        password="Ett-Långt-Lösenord-1",
        actor=admin_user,
    )
    assert user.email == "anna.andersson@kommun.se"
    assert user.check_password("Ett-Långt-Lösenord-1")
    assert not user.is_staff
    entry = AuditEntry.objects.get(action="accounts.user.created")
    assert (entry.actor, entry.object_id) == (admin_user, str(user.pk))


def test_user_create_refuses_a_taken_email_whatever_its_case(coordinator):
    with pytest.raises(DomainError) as error:
        services.user_create(
            email=coordinator.email.upper(), full_name="Dubblett", role=Role.COMPANY_REPRESENTATIVE
        )
    assert "finns redan" in error.value.message
    assert User.objects.filter(email__iexact=coordinator.email).count() == 1


def test_user_create_gives_administrators_the_admin():
    user = services.user_create(email="admin@example.se", full_name="Admin", role=Role.ADMINISTRATOR)
    assert user.is_staff and user.is_superuser


def test_reference_data_has_every_municipality_and_region_and_loads_once():
    assert services.reference_organisations_load()["created"] == 290 + 21
    assert services.reference_organisations_load() == {"created": 0, "updated": 0}
    assert Organisation.objects.municipalities().count() == 290
    assert Organisation.objects.regions().count() == 21
    orebro = Organisation.objects.get(kind="kommun", code="1880")
    assert orebro.name == "Örebro kommun"
    assert orebro.region.name == "Region Örebro län"
    names = dict(Organisation.objects.municipalities().values_list("code", "name"))
    # Official names from the reference data, not a rule adding a genitive s ("Kalmars kommun" was wrong, and
    # so was "Mölndals kommun": it is Mölndals stad).
    assert (names["1885"], names["1481"], names["2080"], names["2514"]) == (
        "Lindesbergs kommun",
        "Mölndals stad",
        "Falu kommun",
        "Kalix kommun",
    )
    assert (names["0880"], names["0180"], names["0980"], names["1421"], names["1480"]) == (
        "Kalmar kommun",
        "Stockholms stad",
        "Region Gotland",
        "Orust kommun",
        "Göteborgs Stad",
    )
    assert len(set(names.values())) == 290


def test_loading_again_corrects_a_name_built_by_the_old_rule():
    services.reference_organisations_load()
    Organisation.objects.filter(kind="kommun", code="0880").update(name="Kalmars kommun")
    assert services.reference_organisations_load() == {"created": 0, "updated": 1}
    assert Organisation.objects.get(kind="kommun", code="0880").name == "Kalmar kommun"


def test_the_migration_corrects_names_the_old_rule_built_and_leaves_others():
    import importlib

    from django.apps import apps

    services.reference_organisations_load()
    Organisation.objects.filter(kind="kommun", code="0880").update(name="Kalmars kommun")
    Organisation.objects.filter(kind="kommun", code="0180").update(name="Stockholm (ändrat av admin)")
    importlib.import_module("asfportal.accounts.migrations.0005_official_municipality_names").correct(
        apps, None
    )
    names = dict(Organisation.objects.municipalities().values_list("code", "name"))
    assert (names["0880"], names["0180"]) == ("Kalmar kommun", "Stockholm (ändrat av admin)")


def test_seed_demo_is_idempotent_and_prints_a_login_per_role(capsys):
    call_command("seed_demo", "--allow-production")
    counts = (User.objects.count(), Organisation.objects.count())
    call_command("seed_demo", "--allow-production")
    out = capsys.readouterr().out
    assert (User.objects.count(), Organisation.objects.count()) == counts
    demo_users = User.objects.filter(email__in=[row[0] for row in DEMO_USERS])
    assert {u.role for u in demo_users} == set(Role.values)
    for user in demo_users:
        assert user.email in out
        assert user.check_password("Demo-ASF-2026!")
    forbund = Organisation.objects.get(kind="samordningsforbund")
    assert {o.kind for o in forbund.members.all()} == {"kommun", "region", "state_agency"}


def test_seed_demo_refuses_to_run_in_production():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()
