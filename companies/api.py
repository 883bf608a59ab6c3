"""The registry in the open API: verified companies (the public directory's filters and search) and a company.
Reads through the selectors, so the API lists exactly what the directory lists."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from asfportal.accounts.models import Organisation
from asfportal.core.api.errors import validated
from asfportal.core.api.views import ReadViewSet

from . import selectors
from .models import Company, ServiceCategory


class MunicipalitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "code"]


class ServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceCategory
        fields = ["slug", "name", "name_en"]


class CompanySerializer(serializers.ModelSerializer):
    municipalities = MunicipalitySerializer(many=True, read_only=True)
    services = ServiceSerializer(many=True, read_only=True, source="service_categories")

    class Meta:
        model = Company
        fields = [
            "id", "name", "org_number", "legal_form", "visiting_address", "postal_code", "city", "website",
            "description", "description_en", "municipalities", "services", "work_training_places",
            "verified_until", "skoopi_certified_until", "updated_at",
        ]  # fmt: skip


class CompanyFilterSerializer(serializers.Serializer):
    """The directory's filters: a municipality by its official code, a service by its code."""

    q = serializers.CharField(required=False, max_length=200, allow_blank=True, help_text="Search text.")
    kommun = serializers.RegexField(r"^\d{4}$", required=False, help_text="Municipality code, e.g. 1880.")
    service = serializers.SlugField(required=False, max_length=50, help_text="Service code.")
    legal_form = serializers.ChoiceField(choices=Company.LegalForm.choices, required=False)
    has_places = serializers.BooleanField(required=False, help_text="Only companies offering places.")
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200)

    def validate_kommun(self, code: str) -> Organisation:
        municipality = Organisation.objects.municipalities().filter(code=code).first()
        if municipality is None:
            raise serializers.ValidationError(_("No municipality has this code."))
        return municipality

    def validate_service(self, slug: str) -> ServiceCategory:
        category = ServiceCategory.objects.filter(slug=slug).first()
        if category is None:
            raise serializers.ValidationError(_("No service has this code."))
        return category


@extend_schema_view(
    list=extend_schema(
        summary="Verified companies", parameters=[CompanyFilterSerializer], tags=["companies"]
    ),
    retrieve=extend_schema(summary="A verified company", tags=["companies"]),
)
class CompanyViewSet(ReadViewSet):
    serializer_class = CompanySerializer
    queryset = Company.objects.none()
    # Companies with their municipalities' names; the day, since a company leaves when its assessment runs out.
    cache_datasets = ("companies", "organisations")

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.directory_list()
        filters = validated(CompanyFilterSerializer, self.request.query_params)
        return selectors.directory_list(
            text=filters.get("q") or "",
            municipality=filters.get("kommun"),
            category=filters.get("service"),
            legal_form=filters.get("legal_form") or "",
            has_places=bool(filters.get("has_places")),
        )
