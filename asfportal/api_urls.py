"""The open API, version 1 (issue 19): each app's endpoints from its own api.py, the schema and its page.

Here and not in asfportal.core, because the core imports no app. Every view is reachable without a login
session (LoginRequiredMiddleware): the API authenticates by organisation key alone.
"""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from asfportal.core.api.views import api_docs, api_not_found
from companies import api as companies_api
from policies import api as policies_api
from procurement import api as procurement_api

app_name = "api"

router = SimpleRouter()
router.register("companies", companies_api.CompanyViewSet, basename="company")
router.register("tenders", procurement_api.TenderViewSet, basename="tender")
router.register("organisations", policies_api.OrganisationViewSet, basename="organisation")
router.register("policies", policies_api.PolicyViewSet, basename="policy")
router.register("action-plans", policies_api.PlanViewSet, basename="plan")
router.register("own/tenders", procurement_api.OwnTenderViewSet, basename="own-tender")

urlpatterns = [
    *router.urls,
    path("own/drafts/", procurement_api.DraftCreate.as_view(), name="draft-create"),
    path("own/drafts/<int:pk>/", procurement_api.DraftUpdate.as_view(), name="draft-update"),
    path("own/tenders/<int:pk>/publish/", procurement_api.TenderPublish.as_view(), name="tender-publish"),
    path("own/tenders/<int:pk>/award/", procurement_api.TenderAward.as_view(), name="tender-award"),
    path("own/questions/<int:pk>/answer/", procurement_api.QuestionAnswer.as_view(), name="question-answer"),
    path(
        "own/activities/<int:pk>/progress/", policies_api.ActivityProgress.as_view(), name="activity-progress"
    ),
    path("own/indicators/<int:pk>/values/", policies_api.IndicatorValue.as_view(), name="indicator-value"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", api_docs, name="docs"),
    re_path(r"^(?P<rest>.*)$", api_not_found, name="not-found"),
]
# Every API view is public to the login middleware: the key, not a session, decides.
for pattern in urlpatterns:
    pattern.callback.login_required = False
