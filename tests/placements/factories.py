from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from companies.models import ServiceCategory
from placements.models import Consent, Offer, Participant
from tests.accounts.factories import OrganisationFactory
from tests.companies.factories import CompanyFactory


class OfferFactory(DjangoModelFactory):
    class Meta:
        model = Offer

    company = factory.SubFactory(CompanyFactory, verified=True)
    work_area = factory.LazyFunction(lambda: ServiceCategory.objects.get(slug="cafe"))
    tasks = "Servering, disk och kassa."
    places = 2
    hours_per_week = 20
    supervisor = "Eva Handledare"
    municipality = factory.SubFactory(OrganisationFactory, kommun=True)
    available_from = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1000))


class ParticipantFactory(DjangoModelFactory):
    class Meta:
        model = Participant
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory, kommun=True)
    code = factory.Sequence(lambda n: f"P-TEST-{n:05d}")
    birth_year = 1990
    gender = "woman"
    target_group = "long_term_unemployed"

    @factory.post_generation
    def consent(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            Consent.objects.create(participant=obj, given_on=timezone.localdate(), scope="Arbetsträning")
