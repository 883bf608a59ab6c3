"""Tenders in the open API: open and awarded tenders for everyone; with a tenders key, an organisation's own
system writes drafts, publishes, answers questions and records awards through the same services as the pages
(the same rules, audit entries and notifications). Another organisation's tender is not found (404)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from asfportal.accounts.api_auth import TokenScope
from asfportal.accounts.models import ApiToken, Organisation
from asfportal.core.api.errors import perform, validated
from asfportal.core.api.views import ApiView, ReadViewSet
from companies.models import Company

from . import selectors, services
from .models import Award, CpvCode, Lot, Question, Tender

# --- Reading -------------------------------------------------------------------------------------------------


class BuyerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "code"]


class LotSerializer(serializers.ModelSerializer):
    class Meta:
        model = Lot
        fields = ["id", "number", "title", "is_reserved"]


class AwardCompanySerializer(serializers.ModelSerializer):
    class Meta:
        model = Company
        fields = ["id", "name", "org_number"]


class AwardSerializer(serializers.ModelSerializer):
    company = AwardCompanySerializer(read_only=True)

    class Meta:
        model = Award
        fields = ["id", "lot", "company", "value", "awarded_on", "contract_start_on", "contract_end_on",
                  "signed_on"]  # fmt: skip


class TenderSerializer(serializers.ModelSerializer):
    buyer = BuyerSerializer(read_only=True)
    cpv_codes = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    municipalities = BuyerSerializer(many=True, read_only=True)
    lots = LotSerializer(many=True, read_only=True)
    awards = AwardSerializer(many=True, read_only=True)

    class Meta:
        model = Tender
        fields = [
            "id", "title", "description", "buyer", "legal_basis", "status", "procurement_id", "notice_url",
            "cpv_codes", "municipalities", "estimated_value", "contract_start_on", "contract_end_on",
            "question_deadline_at", "answers_published_by_at", "submission_deadline_at", "published_at",
            "lots", "awards", "updated_at",
        ]  # fmt: skip


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = ["id", "text", "answer", "answered_at"]


class OwnTenderSerializer(TenderSerializer):
    """The organisation's own tender: its questions too (never who asked)."""

    questions = QuestionSerializer(many=True, read_only=True)

    class Meta(TenderSerializer.Meta):
        fields = [*TenderSerializer.Meta.fields, "questions"]


class TenderFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[("open", "open"), ("awarded", "awarded"), ("all", "all")],
        required=False,
        help_text="open (default), awarded, or all public tenders.",
    )
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=200)


@extend_schema_view(
    list=extend_schema(
        summary="Open and awarded tenders", parameters=[TenderFilterSerializer], tags=["tenders"]
    ),
    retrieve=extend_schema(summary="A public tender", tags=["tenders"]),
)
class TenderViewSet(ReadViewSet):
    serializer_class = TenderSerializer
    queryset = Tender.objects.none()
    # Tenders with their buyers' and awarded companies' names.
    cache_datasets = ("tenders", "companies", "organisations")

    def cache_period(self):
        # A tender leaves the open list when its deadline passes (the close task saves it within the minute).
        return timezone.now().replace(second=0, microsecond=0)

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.tender_api_list(status="all")
        filters = validated(TenderFilterSerializer, self.request.query_params)
        return selectors.tender_api_list(status=filters.get("status") or "open")


# --- The organisation's own tenders (a key) -------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="The key's organisation's tenders, drafts included", tags=["own tenders"]),
    retrieve=extend_schema(summary="One of the organisation's tenders", tags=["own tenders"]),
)
class OwnTenderViewSet(ReadViewSet):
    serializer_class = OwnTenderSerializer
    queryset = Tender.objects.none()
    permission_classes = [IsAuthenticated, TokenScope]
    required_scope = ApiToken.Scope.READ

    def get_queryset(self):
        return selectors.own_tenders_api(organisation_id=self.request.auth.organisation_id)


class LotInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    is_reserved = serializers.BooleanField(default=False)


class CodeField(serializers.SlugRelatedField):
    """A code looked up by value; a NUL byte is refused as an unknown code, since PostgreSQL cannot even
    compare a text with one (the lookup would fail with a server error)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value="\\x00")
        return super().to_internal_value(data)


class DraftSerializer(serializers.ModelSerializer):
    """A draft's terms, the fields of the page's form; the model's and the service's rules apply."""

    cpv_codes = CodeField(many=True, slug_field="code", queryset=CpvCode.objects.all())
    municipalities = CodeField(
        many=True, slug_field="code", queryset=Organisation.objects.municipalities(), required=False
    )
    lots = LotInputSerializer(many=True, required=False)

    class Meta:
        model = Tender
        fields = [
            "title", "description", "legal_basis", "procurement_id", "notice_url", "cpv_codes",
            "municipalities", "estimated_value", "direct_award_reason", "contract_start_on", "contract_end_on",
            "options", "question_deadline_at", "answers_published_by_at", "submission_deadline_at",
            "is_accelerated", "evaluation_criteria", "target_group", "employment_form", "places",
            "matching_contact", "lots",
        ]  # fmt: skip
        validators = []  # uniqueness is the service's (clean_or_raise), answered on its field


def _own_tender(request, pk: int) -> Tender:
    """The key's organisation's tender; another organisation's is not found."""
    return get_object_or_404(Tender, pk=pk, buyer_id=request.auth.organisation_id)


def _save_draft(request, tender: Tender | None) -> Tender:
    data = dict(validated(DraftSerializer, request.data))
    cpv, municipalities = data.pop("cpv_codes"), data.pop("municipalities", [])
    lots = [dict(lot) for lot in data.pop("lots", [])]
    return perform(
        services.tender_save_draft,
        tender=tender, fields=data, cpv_codes=cpv, municipalities=municipalities, lots=lots, actor=request.user,
    )  # fmt: skip


class TenderWrite(ApiView):
    permission_classes = [IsAuthenticated, TokenScope]
    required_scope = ApiToken.Scope.TENDERS

    def own(self, tender: Tender, code=status.HTTP_200_OK) -> Response:
        tender = selectors.own_tenders_api(organisation_id=self.request.auth.organisation_id).get(
            pk=tender.pk
        )
        return Response(OwnTenderSerializer(tender).data, status=code)


class DraftCreate(TenderWrite):
    @extend_schema(summary="Create a draft", request=DraftSerializer, responses={201: OwnTenderSerializer},
                   tags=["own tenders"])  # fmt: skip
    def post(self, request):
        return self.own(_save_draft(request, None), status.HTTP_201_CREATED)


class DraftUpdate(TenderWrite):
    @extend_schema(summary="Change a draft (all its terms)", request=DraftSerializer,
                   responses={200: OwnTenderSerializer}, tags=["own tenders"])  # fmt: skip
    def put(self, request, pk: int):
        return self.own(_save_draft(request, _own_tender(request, pk)))


class TenderPublish(TenderWrite):
    @extend_schema(summary="Publish a draft", request=None, responses={200: OwnTenderSerializer},
                   tags=["own tenders"])  # fmt: skip
    def post(self, request, pk: int):
        tender = perform(services.tender_publish, tender=_own_tender(request, pk), actor=request.user)
        return self.own(tender)


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=4000, allow_blank=True)
    text = serializers.CharField(
        max_length=2000, required=False, help_text="The question as published (a name taken out)."
    )


class QuestionAnswer(TenderWrite):
    @extend_schema(summary="Answer a question to one of the organisation's tenders", request=AnswerSerializer,
                   responses={200: QuestionSerializer}, tags=["own tenders"])  # fmt: skip
    def post(self, request, pk: int):
        question = get_object_or_404(Question, pk=pk, tender__buyer_id=request.auth.organisation_id)
        data = validated(AnswerSerializer, request.data)
        question = perform(services.question_answer, question=question, actor=request.user, **data)
        return Response(QuestionSerializer(question).data)


class AwardItemSerializer(serializers.Serializer):
    company = serializers.PrimaryKeyRelatedField(queryset=Company.objects.all())
    lot = serializers.PrimaryKeyRelatedField(queryset=Lot.objects.all(), allow_null=True, required=False)
    value = serializers.DecimalField(max_digits=14, decimal_places=0, min_value=0)
    reasons = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class AwardDecisionSerializer(serializers.Serializer):
    awarded_on = serializers.DateField()
    sent_electronically = serializers.BooleanField(default=True)
    awards = AwardItemSerializer(many=True)


class TenderAward(TenderWrite):
    @extend_schema(summary="Record the award decision", request=AwardDecisionSerializer,
                   responses={200: OwnTenderSerializer}, tags=["own tenders"])  # fmt: skip
    def post(self, request, pk: int):
        tender = _own_tender(request, pk)
        data = validated(AwardDecisionSerializer, request.data)
        awards = [
            {"company": item["company"], "lot": item.get("lot"), "value": item["value"],
             "reasons": item.get("reasons", ""), "awarded_on": data["awarded_on"],
             "contract_start_on": tender.contract_start_on, "contract_end_on": tender.contract_end_on}
            for item in data["awards"]
        ]  # fmt: skip
        perform(services.tender_award, tender=tender, awards=awards, actor=request.user,
                sent_electronically=data["sent_electronically"])  # fmt: skip
        return self.own(tender)
