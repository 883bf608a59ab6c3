from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from procurement.models import CpvCode, Tender
from tests.accounts.factories import OrganisationFactory, UserFactory


class TenderFactory(DjangoModelFactory):
    class Meta:
        model = Tender
        skip_postgeneration_save = True

    buyer = factory.SubFactory(OrganisationFactory, kommun=True)
    created_by = factory.SubFactory(
        UserFactory, role="procurement_officer", organisation=factory.SelfAttribute("..buyer")
    )
    title = factory.Sequence(lambda n: f"Städning av skolor {n}")
    description = "Städning av tre skolor i kommunen, reserverad för arbetsintegrerande sociala företag."
    legal_basis = Tender.LegalBasis.RESERVED_4_18_1
    procurement_id = factory.Sequence(lambda n: f"UH-2026-{n:04d}")
    notice_url = "https://annons.example.se/uh"
    estimated_value = 900_000
    submission_deadline_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    answers_published_by_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=20))
    question_deadline_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=15))

    class Params:
        published = factory.Trait(
            status=Tender.Status.PUBLISHED, published_at=factory.LazyFunction(timezone.now)
        )

    @factory.post_generation
    def cpv(obj, create, extracted, **kwargs):
        if create:
            obj.cpv_codes.set(extracted or [CpvCode.objects.get(code="90910000-9")])

    @factory.post_generation
    def ocds(obj, create, extracted, **kwargs):
        # A public tender made here went through no service: it gets the one release a backfilled tender has, so
        # its open data exists as for any tender the public sees.
        if create and obj.status != Tender.Status.DRAFT:
            from procurement.services.ocds import ocds_releases_backfill, tenders_for_releases

            ocds_releases_backfill(tenders_for_releases(Tender.objects.filter(pk=obj.pk)))
