"""The data migration that takes participant codes out of placement entries written before audit_label."""

import importlib

import pytest
from django.apps import apps

from asfportal.core.models import AuditEntry
from placements.models import Placement
from tests.placements.factories import OfferFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

scrub = importlib.import_module("placements.migrations.0004_scrub_participant_codes_from_audit").scrub


def test_old_placement_entries_lose_the_participant_code():
    offer = OfferFactory()
    participant = ParticipantFactory()
    placement = Placement.objects.create(
        participant=participant,
        offer=offer,
        company=offer.company,
        referring_organisation=participant.organisation,
        support_measure=Placement._meta.get_field("support_measure").choices[0][0],
        start_on="2026-01-05",
        planned_end_on="2026-06-30",
        hours_per_week=20,
    )
    code = placement.participant.code
    old = AuditEntry.objects.create(
        action="placements.placement.created",
        object_type="placements.placement",
        object_id=str(placement.pk),
        object_repr=f"{code} @ {placement.company.name}",  # str(placement), as written before audit_label
    )
    gone = AuditEntry.objects.create(
        action="placements.placement.created",
        object_type="placements.placement",
        object_id="999999",
        object_repr="ABC123 @ Gamla Bolaget",
    )
    other = AuditEntry.objects.create(
        action="companies.company.created", object_type="companies.company", object_id="1", object_repr="Kafé"
    )
    scrub(apps, None)
    old.refresh_from_db()
    gone.refresh_from_db()
    other.refresh_from_db()
    assert old.object_repr == f"#{placement.pk} @ {placement.company.name}" and code not in old.object_repr
    assert gone.object_repr == "#999999"
    assert other.object_repr == "Kafé"
