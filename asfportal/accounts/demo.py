"""Demo data of organisation administration: Örebro kommun's access review for this year (so the huvudanvändare's
queue shows it), one invitation waiting, and one kommun's application to join for the national administrator."""

from django.utils import timezone

from asfportal.core.demo import demo_seeder

from . import administration
from .models import JoinApplication, Organisation, OrganisationInvitation, Role, User


@demo_seeder
def seed_organisation_administration(stdout) -> None:
    """Idempotent: the sweep makes each review once, and the invitation and application are made only when
    missing."""
    administration.access_reviews_sweep(today=timezone.localdate())
    admin = User.objects.filter(email="huvudanvandare@orebro.example").first()
    invited = OrganisationInvitation.objects.filter(organisation_id=admin and admin.organisation_id).exists()
    if admin is not None and admin.organisation_id and not invited:
        administration.invitation_send(
            organisation=admin.organisation,
            email="ny.samordnare@orebro.example",
            full_name="Nils Nilsson",
            role=Role.COORDINATOR,
            actor=admin,
        )
    lekeberg = Organisation.objects.filter(kind="kommun", code="1814").first()
    joinable = administration.joinable_organisations()
    if (
        lekeberg is not None
        and joinable.filter(pk=lekeberg.pk).exists()
        and not JoinApplication.objects.exists()
    ):
        administration.join_apply(
            organisation=lekeberg,
            administrator_name="Lena Lekström",
            administrator_email="lena.lekstrom@lekeberg.example",
        )
