"""The portal's main pages for each role, derived from the permission matrices, with realistic data behind them.

Shared by tests/test_html_valid.py (the Nu HTML Checker) and tests/browser/test_every_page_accessible.py (axe-core).
Every matrix entry that answers some visitor 200 is a candidate page, so a page added to a matrix is checked here
too without further work. Its URL arguments come from `seed_portal`: the demo data (`manage.py seed_demo`, every
registry, tender and placement state), plus the few objects the matrix tests set up that the demo lacks. Downloads
(PDF, XLSX, CSV, JSON, iCalendar) are left out by their content type.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from asfportal.accounts import services as account_services
from asfportal.accounts import two_factor
from asfportal.accounts.models import Organisation, Role
from asfportal.core import notifications
from asfportal.core.calendars import selectors as calendar_selectors
from asfportal.core.calendars import services as calendar_services
from companies import services as company_services
from companies.models import ChangeRequest, Company
from placements.models import FollowUp, Offer, Placement
from policies.models import ActionPlan, AnnualReport, BoardReport, ContactPerson, Policy
from procurement import services as procurement_services
from procurement.models import SavedSearch, Submission, Tender, TenderDocument
from tests import test_url_matrix as core_matrix
from tests.companies import test_views as companies_matrix
from tests.companies.factories import CompanyFactory, assessment_fields
from tests.placements import test_views as placements_matrix
from tests.policies import test_annual_report as reports_matrix
from tests.policies import test_policies as policies_matrix
from tests.procurement import test_views as procurement_matrix
from tests.procurement.factories import TenderFactory

# The visitors of the issue: anonymous and the role fixtures of tests/conftest.py. `outsider` (a coordinator of
# another organisation, without data of its own) sees the organisation pages' empty states.
ROLES = ["anonymous", "coordinator", "outsider", "officer", "company_rep", "admin_user"]
# The app matrices call the company representative of the data "rep".
ALIASES = {"company_rep": ["company_rep", "rep"]}
# (namespace, matrix module, name of its matrix); the report matrix has no argument names, see REPORT_ARGS.
MATRICES = [
    ("", core_matrix, "CORE_AND_ACCOUNTS"),
    ("companies", companies_matrix, "MATRIX"),
    ("procurement", procurement_matrix, "MATRIX"),
    ("placements", placements_matrix, "MATRIX"),
    ("policies", policies_matrix, "MATRIX"),
    ("policies", reports_matrix, "MATRIX"),
]
REPORT_ARGS = {"reports": [], "report-download": ["report", "format"], "activity-followup": ["activity"]}
# Searches that find nothing: the lists' empty states next to their full ones.
EMPTY_SEARCHES = {
    "companies:company-directory": "q=Ingen+tr%C3%A4ff+alls",
    "companies:registry-list": "q=Ingen+tr%C3%A4ff+alls",
    "procurement:tender-list": "q=Ingen+tr%C3%A4ff+alls",
    "procurement:officer-tender-list": "q=Ingen+tr%C3%A4ff+alls",
    "placements:participant-list": "q=INGEN",
    "placements:placement-list": "q=INGEN",
}
HTML = "text/html"


@dataclass
class Page:
    label: str  # the matrix entry, e.g. "procurement:tender-detail-draft"
    url: str
    # role -> the matrix's answer for it; a role the matrix has no column for is absent
    expected: dict[str, object] = field(default_factory=dict)

    def candidate_for(self, role: str) -> bool:
        """The matrix promises this role a 200, or has no column for the role and promises someone a 200."""
        if role in self.expected:
            return self.expected[role] == 200
        return 200 in self.expected.values()


def _url_name(namespace: str, name: str, known: set[str]) -> str:
    """The URL name of a matrix entry; variants such as "tender-detail-draft" name the data, not the URL."""
    full = f"{namespace}:{name}" if namespace else name
    while full not in known and "-" in full:
        full = full.rsplit("-", 1)[0]
    return full


def main_pages(values: dict[str, dict[str, object]] | None) -> list[Page]:
    """Every matrix entry some visitor may GET with a 200, with its URL built from `values` (see seed_portal);
    without values, only the entries whose URL takes no arguments."""
    known = set(core_matrix._patterns())
    pages = []
    for namespace, module, attribute in MATRICES:
        visitors = module.VISITORS
        for name, entry in getattr(module, attribute).items():
            arg_names, answers = (
                entry if isinstance(entry, tuple) else (REPORT_ARGS.get(name, ["report"]), entry)
            )
            if 200 not in answers or (values is None and arg_names):
                continue
            bucket = values["reports" if module is reports_matrix else namespace or "core"] if values else {}
            url_name = _url_name(namespace, name, known)
            expected = {}
            for role in ROLES:
                column = next((c for c in ALIASES.get(role, [role]) if c in visitors), None)
                if column is not None:
                    expected[role] = answers[visitors.index(column)]
            label = f"{namespace}:{name}" if namespace else name
            url = reverse(url_name, args=[bucket[a] for a in arg_names])  # a new argument needs a value below
            pages.append(Page(label, url, expected))
            if url_name in EMPTY_SEARCHES:
                pages.append(Page(f"{label} (no hits)", f"{url}?{EMPTY_SEARCHES[url_name]}", expected))
    return pages


def fetch_html(
    client, role: str, user, pages: list[Page], *, language: str | None = None
) -> tuple[list[tuple[Page, str]], list[str]]:
    """GET each page the role may see (in `language` when given, as the header's switcher chooses it); returns the
    HTML pages with their text, and broken promises of the matrix (a page it says answers 200 that does not:
    missing data here would otherwise shrink the check unnoticed)."""
    client.logout()
    if user is not None:
        client.force_login(user)
    if language is not None:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    found, broken = [], []
    for page in pages:
        if not page.candidate_for(role):
            continue
        response = client.get(page.url)
        if response.streaming:  # a download: reading it to the end closes its file (the test client's way)
            b"".join(response.streaming_content)
        if page.expected.get(role) == 200 and response.status_code != 200:
            broken.append(f"{role} on {page.label} ({page.url}): {response.status_code}, the matrix says 200")
        if response.status_code == 200 and response["Content-Type"].startswith(HTML):
            found.append((page, response.content.decode()))
    return found, broken


def file_name(role: str, page: Page) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{role}--{page.label}") + ".html"


def seed_portal(users: dict[str, object]) -> dict[str, dict[str, object]]:
    """Load the demo data, attach the role fixtures to it, and return the URL arguments per matrix.

    The fixtures' coordinator and officer join Örebro kommun (the demo's organisation) and the company
    representative joins Kafé Gemenskap (the demo's representative's company), so their pages are full;
    the outsider keeps an organisation of its own, with nothing in it.
    """
    call_command("seed_demo", "--allow-production", stdout=io.StringIO())
    orebro = Organisation.objects.get(kind="kommun", code="1880")
    coordinator, officer, rep = users["coordinator"], users["officer"], users["company_rep"]
    for user in (coordinator, officer):
        # Moved to Örebro as the portal does it: a membership there, made the active one.
        account_services.membership_grant(user=user, role=user.role, organisation=orebro, activate=True)
    for user in users.values():
        # Signed in users of the roles that need a second factor have set up their authenticator app.
        if user is not None and two_factor.is_required(user):
            TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    company = Company.objects.get(name="Kafé Gemenskap ekonomisk förening")
    rep_membership = account_services.membership_grant(
        user=rep, role=Role.COMPANY_REPRESENTATIVE, company=company, activate=True
    )
    now = timezone.now()

    notes = {
        role: notifications.notify(
            recipient=user,
            kind="policies.review_due",
            context={"policy": _Policy()},
            key=f"main-pages-{role}",
        )
        for role, user in users.items()
        if user is not None
    }

    # Companies: evidence on file, a pending change request and an open invitation (the demo has none of these).
    assessment = company_services.assessment_record(
        company=company,
        fields=assessment_fields(c2_document=SimpleUploadedFile("delaktighet.pdf", b"%PDF-1.4 test")),
        actor=coordinator,
    )
    change_request = ChangeRequest.objects.create(
        company=company,
        requested_by=rep,
        old_values={"employees_total": 12},
        new_values={"employees_total": 14},
    )
    invitation = company_services.representative_invite(
        company=company,
        email="ny.representant@kafe-gemenskap.example",
        full_name="Nils Nyberg",
        actor=coordinator,
    )
    unlisted = Company.objects.exclude(pk__in=Company.objects.listed()).first() or CompanyFactory()

    # Procurement: the demo's open tender with questions; a draft and a tender closed for evaluation are added.
    open_tender = Tender.objects.filter(buyer=orebro, status=Tender.Status.PUBLISHED).order_by(
        "pk"
    ).first() or TenderFactory(buyer=orebro, created_by=officer, published=True)
    draft = TenderFactory(buyer=orebro, created_by=officer, title="Fönsterputs i förskolor")
    closed = TenderFactory(
        buyer=orebro, created_by=officer, title="Catering till kommunens möten", status=Tender.Status.CLOSED,
        published_at=now - timedelta(days=40), submission_deadline_at=now - timedelta(hours=1),
        question_deadline_at=now - timedelta(days=10), answers_published_by_at=now - timedelta(days=5),
    )  # fmt: skip
    sealed = Submission.objects.create(tender=open_tender, company=company, submitted_by=rep,
                                       message="Vi kan börja i augusti.", submitted_at=now)  # fmt: skip
    opened = Submission.objects.create(tender=closed, company=company, submitted_by=rep,
                                       message="Lunch och fika för 20 till 60 personer.",
                                       submitted_at=now - timedelta(hours=2))  # fmt: skip
    document = TenderDocument.objects.create(
        tender=open_tender, title="Förfrågningsunderlag", file=SimpleUploadedFile("fu.pdf", b"%PDF-1.4")
    )
    question = procurement_services.question_ask(
        tender=open_tender, company=company, text="Ingår fönsterputs?", actor=rep
    )
    search = SavedSearch.objects.create(user=rep, text="catering")

    # Placements: the demo's offer of the representative's company, an active placement and its follow-up.
    placement = Placement.objects.filter(
        participant__organisation=orebro, status=Placement.Status.ACTIVE
    ).first()
    # A meeting at the representative's company: its calendar file is both the coordinator's and the company's.
    follow_up = FollowUp.objects.filter(placement__referring_organisation=orebro, placement__company=company,
                                        kind=FollowUp.Kind.REGULAR).order_by("pk").first()  # fmt: skip
    plan = ActionPlan.objects.filter(organisation=orebro).order_by("pk").first()
    feed = calendar_services.calendar_feed_renew(user=coordinator, actor=coordinator)
    return {
        "core": {
            "notification": notes["coordinator"].pk,
            "uid": "MQ",
            "token": "set-password",
            "calendar_token": calendar_selectors.feed_token(feed),
        },
        "companies": {
            "pk": company.pk,
            "membership_pk": rep_membership.pk,
            "unlisted_pk": unlisted.pk,
            "cr_pk": change_request.pk,
            "assessment_pk": assessment.pk,
            "field": "c2_document",
            "token": invitation.token,
        },
        "procurement": {
            "open": open_tender.pk,
            "ocid": f"ocds-asfprt-{open_tender.pk}",
            "draft": draft.pk,
            "closed": closed.pk,
            "document": document.pk,
            "search": search.pk,
            "question": question.pk,
            "sealed_submission": sealed.pk,
            "open_submission": opened.pk,
        },
        "placements": {
            "offer": Offer.objects.filter(company=company).order_by("pk").first().pk,
            "participant": placement.participant_id,
            "placement": placement.pk,
            "follow_up": (follow_up or placement.follow_ups.order_by("pk").first()).pk,
        },
        "policies": {
            "org": orebro.pk,
            "plan": plan.pk,
            "goal": plan.goals.order_by("pk").first().pk,
            "activity": plan.activities.order_by("pk").first().pk,
            "contact": ContactPerson.objects.filter(organisation=orebro).first().pk,
            "adopted_policy": Policy.objects.filter(organisation=orebro, status="adopted").first().pk,
            "draft_policy": Policy.objects.filter(organisation=orebro, status="draft").first().pk,
            # The latest reporting period to the board (a municipality's page says only a förbund reports here).
            "kind": BoardReport.periods_due(today=timezone.localdate())[-1][0],
            "period_end": BoardReport.periods_due(today=timezone.localdate())[-1][1].isoformat(),
        },
        "reports": {
            "report": AnnualReport.objects.filter(organisation=orebro).first().pk,
            "format": "pdf",
            "activity": plan.activities.order_by("pk").first().pk,
        },
    }


class _Policy:
    title = "Policy för arbetsintegrerande sociala företag"
    review_on = None
