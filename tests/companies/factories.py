from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from asfportal.accounts.models import Membership, Role
from companies.models import Assessment, Company, Representative
from tests.accounts.factories import UserFactory


def luhn_complete(stem: str) -> str:
    """Append the Luhn check digit to a nine-digit stem, giving a valid organisationsnummer."""
    total = 0
    for index, char in enumerate(reversed(stem)):
        digit = int(char) * (2 if index % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    digits = stem + str((10 - total % 10) % 10)
    return f"{digits[:6]}-{digits[6:]}"


class CompanyFactory(DjangoModelFactory):
    class Meta:
        model = Company
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Socialt företag {n} ekonomisk förening")
    # 7 = ekonomisk förening; third digit 6 keeps it apart from personnummer.
    org_number = factory.Sequence(lambda n: luhn_complete(f"769{n:06d}"))
    legal_form = Company.LegalForm.EKONOMISK_FORENING
    status = Company.Status.UNDER_ASSESSMENT
    description = "Vi driver café och catering och erbjuder arbetsträning."
    employees_total = 10
    employees_integration = 6
    work_training_places = 3

    class Params:
        verified = factory.Trait(
            status=Company.Status.VERIFIED,
            verified_until=factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=200)),
        )


class RepresentativeFactory(DjangoModelFactory):
    class Meta:
        model = Representative
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, role="company_representative", organisation=None)
    company = factory.SubFactory(CompanyFactory)

    @factory.post_generation
    def _membership(obj, create, extracted, **kwargs):
        # The Representative row mirrors the person's active company membership (accounts.Membership).
        if create:
            Membership.objects.get_or_create(
                user=obj.user, role=Role.COMPANY_REPRESENTATIVE, company=obj.company, revoked_at=None
            )


def assessment_fields(**overrides) -> dict:
    """Form-shaped fields of an assessment in which every criterion is met."""
    fields = {
        "assessed_on": timezone.localdate(),
        "c1_verdict": Assessment.Verdict.MET,
        "c1_employees": 8,
        "c1_participants": 5,
        "c1_target_group_hires": 2,
        "c1_note": "Anställer ur målgruppen varje år.",
        "c2_verdict": Assessment.Verdict.MET,
        "c2_revised_on": timezone.localdate() - timedelta(days=100),
        "c2_note": "Delaktighetsdokument finns.",
        "c3_verdict": Assessment.Verdict.MET,
        "c3_annual_report_year": timezone.localdate().year - 1,
        "c3_salary_ratio": None,
        "c3_note": "Ingen vinstutdelning enligt stadgarna.",
        "c4_verdict": Assessment.Verdict.MET,
        "c4_owners": "Medlemmarna (anställda).",
        "c4_public_owner": False,
        "c4_public_supervisor": False,
        "c4_note": "",
        "note": "",
    }
    return {**fields, **overrides}
