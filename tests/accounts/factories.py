import factory
from factory.django import DjangoModelFactory

from asfportal.accounts.models import ORGANISATION_ROLES, Membership, Organisation, Role, User

PASSWORD = "Korrekt-Häst-Batteri-7"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.SUPPORT_ORGANISATION
    code = ""

    class Params:
        # Codes 9000+ are unused by SCB, so factories never collide with the shipped reference data.
        kommun = factory.Trait(
            kind=Organisation.Kind.KOMMUN,
            name=factory.Sequence(lambda n: f"Testkommun {n}"),
            code=factory.Sequence(lambda n: f"{9000 + n % 1000:04d}"),
        )
        samordningsforbund = factory.Trait(
            kind=Organisation.Kind.SAMORDNINGSFORBUND,
            name=factory.Sequence(lambda n: f"Samordningsförbund {n}"),
        )


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.se")
    full_name = factory.Faker("name", locale="sv_SE")
    role = Role.COORDINATOR
    organisation = factory.SubFactory(OrganisationFactory, kommun=True)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def _membership(obj, create, extracted, **kwargs):
        # As in the portal, the role a person acts in is a membership they hold (the mirrored columns name it):
        # recipients, the switcher and the access history read the memberships. A company's membership comes
        # with the Representative row (RepresentativeFactory). Created directly, not through the service, so a
        # test's audit trail holds only what the test did.
        if create and obj.role in ORGANISATION_ROLES and obj.organisation_id:
            Membership.objects.get_or_create(
                user=obj, role=obj.role, organisation_id=obj.organisation_id, revoked_at=None
            )


class MembershipFactory(DjangoModelFactory):
    """A further, not active membership of an existing person (activate it with services.membership_activate)."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.COORDINATOR
    organisation = factory.SubFactory(OrganisationFactory, kommun=True)
