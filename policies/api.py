"""Steering in the open API: organisations with their ASF contact persons, adopted policies, adopted action
plans with progress; with a steering key, an organisation's system records activity progress and indicator
values through the same services as the pages. Another organisation's activity is not found (404).

Organisations are served here rather than by accounts, because their ASF contact persons are policies' data
and accounts imports no app."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from asfportal.accounts.api_auth import TokenScope
from asfportal.accounts.models import ApiToken, Organisation
from asfportal.core.api.errors import perform, validated
from asfportal.core.api.views import ApiView, ReadViewSet

from . import selectors, services
from .models import ActionPlan, Activity, ContactPerson, Indicator, Milestone, Policy


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactPerson
        fields = ["name", "title", "responsibility", "email", "phone"]


class OrganisationSerializer(serializers.ModelSerializer):
    contacts = ContactSerializer(many=True, read_only=True, source="asf_contacts")

    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "code", "org_number", "email", "website", "contacts", "updated_at"]


class PolicySerializer(serializers.ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Policy
        fields = [
            "id",
            "organisation",
            "title",
            "adopted_by",
            "adopted_on",
            "review_on",
            "text",
            "updated_at",
        ]


class IndicatorSerializer(serializers.ModelSerializer):
    actuals = serializers.DictField(child=serializers.FloatField(), read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "name", "baseline", "target", "kolada_id", "actuals"]


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "due_on", "done_on"]


class ActivitySerializer(serializers.ModelSerializer):
    percent = serializers.SerializerMethodField()
    indicators = IndicatorSerializer(many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = Activity
        fields = ["id", "goal", "title", "kind", "category", "status", "start_on", "end_on", "percent",
                  "indicators", "milestones"]  # fmt: skip

    def get_percent(self, activity: Activity) -> int:
        return activity.effective_progress()


class PlanSerializer(serializers.ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(read_only=True)
    percent = serializers.SerializerMethodField()
    signal = serializers.SerializerMethodField()
    activities = ActivitySerializer(many=True, read_only=True)

    class Meta:
        model = ActionPlan
        fields = ["id", "organisation", "policy", "title", "start_year", "end_year", "adopted_by", "adopted_on",
                  "percent", "signal", "activities", "updated_at"]  # fmt: skip

    def _summary(self, plan: ActionPlan) -> tuple[int, str]:
        if not hasattr(plan, "_api_summary"):
            plan._api_summary = selectors.plan_summary(plan, today=timezone.localdate())
        return plan._api_summary

    def get_percent(self, plan: ActionPlan) -> int:
        return self._summary(plan)[0]

    @extend_schema_field(
        serializers.ChoiceField(choices=["on_track", "at_risk", "late", "postponed", "cancelled"])
    )
    def get_signal(self, plan: ActionPlan) -> str:
        return self._summary(plan)[1]


class PageFilterSerializer(serializers.Serializer):
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200)


class _Paged(ReadViewSet):
    def list(self, request, *args, **kwargs):
        validated(PageFilterSerializer, request.query_params)
        return super().list(request, *args, **kwargs)


@extend_schema_view(
    list=extend_schema(summary="Organisations with their ASF contact persons", parameters=[PageFilterSerializer],
                       tags=["steering"]),
    retrieve=extend_schema(summary="An organisation with its ASF contact persons", tags=["steering"]),
)  # fmt: skip
class OrganisationViewSet(_Paged):
    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.none()
    cache_datasets = ("organisations", "steering")

    def get_queryset(self):
        return selectors.organisations_with_contacts()


@extend_schema_view(
    list=extend_schema(summary="Adopted policies", parameters=[PageFilterSerializer], tags=["steering"]),
    retrieve=extend_schema(summary="An adopted policy", tags=["steering"]),
)
class PolicyViewSet(_Paged):
    serializer_class = PolicySerializer
    queryset = Policy.objects.none()
    cache_datasets = ("steering",)

    def get_queryset(self):
        return selectors.adopted_policies()


@extend_schema_view(
    list=extend_schema(summary="Adopted action plans with progress", parameters=[PageFilterSerializer],
                       tags=["steering"]),
    retrieve=extend_schema(summary="An adopted action plan with progress", tags=["steering"]),
)  # fmt: skip
class PlanViewSet(_Paged):
    serializer_class = PlanSerializer
    queryset = ActionPlan.objects.none()
    # The day too: an activity's signal turns "late" or "at risk" with the date alone.
    cache_datasets = ("steering",)

    def get_queryset(self):
        return selectors.adopted_plans()


# --- Writes with a steering key -------------------------------------------------------------------------------


class ProgressSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000, allow_blank=True, help_text="What has happened.")
    status = serializers.ChoiceField(choices=Activity.Status.choices, required=False, allow_blank=True)
    progress = serializers.IntegerField(min_value=0, max_value=100, required=False, allow_null=True)


class ProgressNoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    noted_on = serializers.DateField()
    text = serializers.CharField()
    activity = ActivitySerializer()


class IndicatorValueSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    value = serializers.FloatField()


class SteeringWrite(ApiView):
    permission_classes = [IsAuthenticated, TokenScope]
    required_scope = ApiToken.Scope.STEERING


class ActivityProgress(SteeringWrite):
    @extend_schema(summary="Record an activity's progress", request=ProgressSerializer,
                   responses={201: ProgressNoteSerializer}, tags=["own steering"])  # fmt: skip
    def post(self, request, pk: int):
        activity = get_object_or_404(Activity, pk=pk, plan__organisation_id=request.auth.organisation_id)
        data = validated(ProgressSerializer, request.data)
        note = perform(services.progress_record, activity=activity, actor=request.user, text=data["text"],
                       status=data.get("status") or "", progress=data.get("progress"))  # fmt: skip
        note.activity.refresh_from_db()
        return Response(ProgressNoteSerializer(note).data, status=201)


class IndicatorValue(SteeringWrite):
    @extend_schema(summary="Record an indicator's actual value for a year", request=IndicatorValueSerializer,
                   responses={200: IndicatorSerializer}, tags=["own steering"])  # fmt: skip
    def post(self, request, pk: int):
        indicator = get_object_or_404(
            Indicator.objects.select_related("activity"),
            pk=pk,
            activity__plan__organisation_id=request.auth.organisation_id,
        )
        data = validated(IndicatorValueSerializer, request.data)
        actuals = dict(indicator.actuals) if isinstance(indicator.actuals, dict) else {}
        actuals[str(data["year"])] = data["value"]
        row = {"id": indicator, "name": indicator.name, "baseline": indicator.baseline, "target": indicator.target,
               "kolada_id": indicator.kolada_id, "actuals": actuals}  # fmt: skip
        perform(services.activity_followup_save, activity=indicator.activity, indicators=[row], milestones=[],
                actor=request.user)  # fmt: skip
        indicator.refresh_from_db()
        return Response(IndicatorSerializer(indicator).data)
