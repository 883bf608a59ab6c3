"""Bad input never crashes and never half-writes (issue 9): every view that takes a POST is fed generated data.

Every URL pattern whose view accepts a POST has an entry in REGISTRY (who posts it, the URL's arguments, a valid
post to start from); a pattern whose view answers a POST with anything but 405 and has no entry fails
test_every_view_that_accepts_a_post_is_fuzzed, so a form added later is fuzzed from its first day.

For each entry the valid post is first shown to be accepted as it is; then every "killer" value (past each integer
column, -1, NaN, 9999-12-31, 0001-01-01, NUL, 100,000 characters) goes into every field of its kind at once and,
for numbers and dates, into each field alone; then Hypothesis spoils the valid post at random (a few fields, every
field of one kind, or everything): nasty values (control characters and bidi overrides, huge strings, markup and
script, SQL-looking text, impossible and extreme dates and times, negative and huge numbers, raw bytes that are not
UTF-8, a file where text is expected and text where a file is), fields left out, repeated, or joined by unknown
fields, sent urlencoded or as multipart. Whatever arrives:

* the answer is never a 500 (the test client re-raises any exception a view lets through);
* a refusal (form errors, an error message, a 4xx page) leaves every table's row count as it was, audit entries
  and notifications included (tests/fuzz.py `row_counts`, one query over every model);
* every message shown is Swedish: it must be one of the Swedish catalogues' translations (tests/fuzz.py
  `is_swedish`), so an English msgid without a translation, or a string never marked for translation, fails;
  an error page is the portal's Swedish page (a post too large to read, a missing or wrong CSRF token too);
* markup sent in is never echoed unescaped.

Each example runs in a savepoint rolled back afterwards, so one example's successful write never meets the next.
The uploads are checked on their own at the end: type by content, size limits, names sanitised, files stored
outside any public URL and served only by the permission-checked views to those allowed.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.backends.cached_db import SessionStore
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from asfportal.accounts.models import Role
from tests import fuzz
from tests.accounts.factories import PASSWORD, OrganisationFactory, UserFactory
from tests.companies.factories import CompanyFactory, RepresentativeFactory, assessment_fields, luhn_complete

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
Y = TODAY.year

FUZZ = {
    "deadline": None,
    "database": None,
    "derandomize": True,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
}


class World:
    """The rows the posts need, made on first use (each test builds only what its entry asks for)."""

    def __init__(self, request):
        self._request = request

    def user(self, who: str):
        return None if who == "anonymous" else getattr(self, who)

    @cached_property
    def coordinator(self):
        return self._request.getfixturevalue("coordinator")

    @cached_property
    def officer(self):
        return self._request.getfixturevalue("officer")

    @cached_property
    def admin_user(self):
        return self._request.getfixturevalue("admin_user")

    @cached_property
    def organisation_admin(self):
        return UserFactory(role=Role.ORGANISATION_ADMINISTRATOR, organisation=self.coordinator.organisation)

    @cached_property
    def api_token(self):
        from asfportal.accounts import api_tokens

        return api_tokens.api_token_create(organisation=self.coordinator.organisation, name="BI", scope="read",
                                           actor=self.organisation_admin).token.pk  # fmt: skip

    @cached_property
    def rep(self):
        company = CompanyFactory(verified=True, name="Kafé Gemenskap")
        company.municipalities.add(self.coordinator.organisation)
        return RepresentativeFactory(company=company).user

    @cached_property
    def company(self):
        return self.rep.representation.company.pk

    @cached_property
    def change_request(self):
        from companies.models import ChangeRequest

        company = self.rep.representation.company
        return ChangeRequest.objects.create(
            company=company,
            requested_by=self.rep,
            old_values={"employees_total": 10},
            new_values={"employees_total": 11},
        ).pk

    @cached_property
    def invitation(self):
        from companies import services

        company = self.rep.representation.company
        return services.representative_invite(
            company=company, email="ny@foretag.example", full_name="Ny Person", actor=self.coordinator
        ).token

    @cached_property
    def open_tender(self):
        from tests.procurement.factories import TenderFactory

        return TenderFactory(buyer=self.officer.organisation, published=True).pk

    @cached_property
    def draft_tender(self):
        from tests.procurement.factories import TenderFactory

        return TenderFactory(buyer=self.officer.organisation).pk

    @cached_property
    def closed_tender(self):
        from procurement.models import Submission
        from tests.procurement.factories import TenderFactory

        closed = TenderFactory(
            buyer=self.officer.organisation,
            status="closed",
            submission_deadline_at=timezone.now() - timedelta(hours=1),
        )
        self.open_submission = Submission.objects.create(
            tender=closed, company=self.rep.representation.company, submitted_by=self.rep, message="Vårt anbud.",
            submitted_at=timezone.now() - timedelta(hours=2),
        ).pk  # fmt: skip
        return closed.pk

    @cached_property
    def award(self):
        """An award whose standstill ended long ago: its contract can be marked signed."""
        from procurement.models import Award, Tender

        tender = Tender.objects.get(pk=self.closed_tender)
        return Award.objects.create(
            tender=tender, company=self.rep.representation.company, value=1000,
            awarded_on=timezone.localdate() - timedelta(days=30),
        ).pk  # fmt: skip

    @cached_property
    def award_submission(self):
        self.closed_tender  # noqa: B018 - makes the submission
        return self.open_submission

    @cached_property
    def question(self):
        from procurement import services
        from procurement.models import Tender

        tender = Tender.objects.get(pk=self.open_tender)
        return services.question_ask(
            tender=tender,
            company=self.rep.representation.company,
            text="Gäller det alla skolor?",
            actor=self.rep,
        ).pk

    @cached_property
    def search(self):
        from procurement.models import SavedSearch

        return SavedSearch.objects.create(user=self.rep, text="städ").pk

    @cached_property
    def offer(self):
        from tests.placements.factories import OfferFactory

        return OfferFactory(
            company=self.rep.representation.company, municipality=self.coordinator.organisation
        ).pk

    @cached_property
    def participant(self):
        from tests.placements.factories import ParticipantFactory

        return ParticipantFactory(organisation=self.coordinator.organisation).pk

    def _placement(self, *, start: bool):
        from placements import services
        from placements.models import Offer, Participant
        from tests.placements.factories import ParticipantFactory

        placement = services.placement_create(
            participant=ParticipantFactory(organisation=self.coordinator.organisation),
            offer=Offer.objects.get(pk=self.offer), actor=self.coordinator,
            fields={"support_measure": "af_work_training", "start_on": TODAY, "planned_end_on": TODAY + timedelta(days=60),
                    "hours_per_week": 20, "goals": "Kassa och servering"},
        )  # fmt: skip
        if start:
            services.placement_start(placement=placement, actor=self.coordinator)
        assert Participant.objects.exists()
        return placement

    @cached_property
    def placement(self):
        return self._placement(start=True).pk

    @cached_property
    def forbund_coordinator(self):
        return UserFactory(role=Role.COORDINATOR, organisation=OrganisationFactory(samordningsforbund=True))

    @cached_property
    def forbund_placement(self):
        from placements import services
        from placements.models import Offer
        from tests.placements.factories import ParticipantFactory

        placement = services.placement_create(
            participant=ParticipantFactory(organisation=self.forbund_coordinator.organisation),
            offer=Offer.objects.get(pk=self.offer), actor=self.forbund_coordinator,
            fields={"support_measure": "af_work_training", "start_on": TODAY, "planned_end_on": TODAY + timedelta(days=60),
                    "hours_per_week": 20, "goals": "Kassa och servering"},
        )  # fmt: skip
        services.placement_start(placement=placement, actor=self.forbund_coordinator)
        return placement.pk

    board_report_kind = "interim"

    @cached_property
    def board_report_period_end(self):
        from policies.models import BoardReport

        return [end for kind, end in BoardReport.periods_due(today=TODAY) if kind == "interim"][
            -1
        ].isoformat()

    @cached_property
    def planned_placement(self):
        return self._placement(start=False).pk

    @cached_property
    def follow_up(self):
        from placements.models import FollowUp

        return FollowUp.objects.filter(placement_id=self.placement).order_by("due_on").first().pk

    @cached_property
    def plan(self):
        from policies.models import ActionPlan, Goal

        plan = ActionPlan.objects.create(
            organisation=self.coordinator.organisation, title="Handlingsplan för sociala företag", start_year=Y - 1,
            end_year=Y + 3, adopted_by="Kommunfullmäktige", adopted_on=TODAY - timedelta(days=30),
        )  # fmt: skip
        Goal.objects.create(plan=plan, title="Fler ASF får uppdrag")
        return plan.pk

    @cached_property
    def goal(self):
        from policies.models import Goal

        return Goal.objects.get(plan_id=self.plan).pk

    @cached_property
    def activity(self):
        from policies import services
        from policies.models import ActionPlan

        organisation = self.coordinator.organisation
        return services.activity_save(
            activity=None, plan=ActionPlan.objects.get(pk=self.plan), actor=self.coordinator,
            fields={"title": "Inspirationsdag", "category": "awareness", "responsible_organisation": organisation,
                    "start_on": TODAY - timedelta(days=50), "end_on": TODAY + timedelta(days=50), "status": "ongoing"},
        ).pk  # fmt: skip

    @cached_property
    def contact(self):
        from policies.models import ContactPerson

        return ContactPerson.objects.create(
            organisation=self.coordinator.organisation, name="Anna Ek", responsibility="external"
        ).pk

    @cached_property
    def draft_policy(self):
        from policies.models import Policy

        return Policy.objects.create(
            organisation=self.coordinator.organisation, title="Utkast till policy"
        ).pk

    @cached_property
    def notification(self):
        from asfportal.core import notifications

        return notifications.notify(
            recipient=self.coordinator, kind="policies.review_due", context={"policy": _Policy()}
        ).pk

    @cached_property
    def uid(self):
        return urlsafe_base64_encode(force_bytes(self.coordinator.pk))

    @cached_property
    def reset_token(self):
        return default_token_generator.make_token(self.coordinator)

    @cached_property
    def totp_device(self):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        return TOTPDevice.objects.create(user=self.coordinator, name="authenticator", confirmed=True)

    @cached_property
    def enrolling_key(self):
        from asfportal.accounts import services

        # The key the set-up page shows this session (put in the session by _enrolling).
        return services.two_factor_enrolment_key()

    @cached_property
    def municipality(self):
        return self.coordinator.organisation.pk

    @cached_property
    def cpv(self):
        from procurement.models import CpvCode

        return CpvCode.objects.get(code="90910000-9").pk

    # Organisation administration (issue 16)
    @cached_property
    def org_admin(self):
        return self._request.getfixturevalue("org_admin")

    @cached_property
    def org_person(self):
        from asfportal.accounts.models import Role
        from tests.conftest import _member

        return _member(Role.COORDINATOR, self.org_admin.organisation).pk

    @cached_property
    def org_membership(self):
        from asfportal.accounts.models import Membership

        return Membership.objects.get(user_id=self.org_person).pk

    def _org_invitation(self):
        from asfportal.accounts import administration
        from asfportal.core.models import Notification

        invitation = administration.invitation_send(
            organisation=self.org_admin.organisation, email="ny.kollega@kommun.example", full_name="Ny Kollega",
            role="coordinator", actor=self.org_admin,
        )  # fmt: skip
        url = Notification.objects.get(
            kind="accounts.organisation_invitation", object_id=str(invitation.pk)
        ).url
        return invitation.pk, url.rstrip("/").rsplit("/", 1)[1]

    @cached_property
    def org_invitation_and_token(self):
        return self._org_invitation()

    @cached_property
    def org_invitation(self):
        return self.org_invitation_and_token[0]

    @cached_property
    def org_token(self):
        return self.org_invitation_and_token[1]

    @cached_property
    def access_review(self):
        from asfportal.accounts.models import AccessReview

        self.org_person  # noqa: B018 - someone besides the administrator on the list
        return AccessReview.objects.create(organisation=self.org_admin.organisation, year=Y, due_on=TODAY).pk

    @cached_property
    def joinable(self):
        from tests.accounts.factories import OrganisationFactory

        return OrganisationFactory(kommun=True, name="Fuzzby kommun", website="https://fuzzby.se").pk

    @cached_property
    def join_application(self):
        from asfportal.accounts.models import JoinApplication, Organisation

        return JoinApplication.objects.create(
            organisation=Organisation.objects.get(pk=self.joinable), administrator_name="Alva",
            administrator_email="alva@fuzzby.se",
        ).pk  # fmt: skip

    @cached_property
    def company_membership(self):
        from asfportal.accounts.models import Role
        from asfportal.accounts.services import membership_grant

        company = self.rep.representation.company
        membership_grant(user=self.rep, role=Role.COMPANY_REPRESENTATIVE, company=company)
        colleague = RepresentativeFactory(company=CompanyFactory()).user
        return membership_grant(
            user=colleague, role=Role.COMPANY_REPRESENTATIVE, company=company, activate=False
        ).pk

    @cached_property
    def cafe(self):
        from companies.models import ServiceCategory

        return ServiceCategory.objects.get(slug="cafe").pk


class _Policy:
    title = "Policy för ASF"
    review_on = None


def _pdf(name="underlag.pdf"):
    return fuzz.Upload(name, b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n", "application/pdf")


IMPORT_CSV = "namn;organisationsnummer;juridisk form;anställda\nCykelköket;{org};ekonomisk förening;4\n"


OMIT = object()  # in a valid post: leave out a field the page shows (another form's, on a page with two)


def _with_valid(baseline: dict[str, list], valid: dict) -> dict[str, list]:
    merged = {
        **baseline,
        **{key: fuzz.form_value(value) for key, value in valid.items() if value is not OMIT},
    }
    return {key: values for key, values in merged.items() if valid.get(key) is not OMIT}


@dataclass(frozen=True)
class Entry:
    """How to post to one URL: as whom, with which URL arguments (World attributes), and a valid post to mutate.

    The fields fuzzed are those of the forms the page shows (a GET as the same person) and those in `valid`
    (inputs a view reads outside a form; all the inputs of a URL without a page). `setup` prepares each
    example's session (and may give another URL, as the password-reset link does). `logs` are models a refused
    post may still add a row to by design (django-axes records every failed login).
    """

    who: str
    args: tuple[str, ...] = ()
    valid: Callable[[World], dict] = lambda world: {}
    page: bool = True
    setup: Callable[[World, Client, str], str] | None = None
    logs: tuple[str, ...] = ()
    examples: int = 15

    def url(self, world: World, name: str) -> str:
        return reverse(name, args=[getattr(world, a) for a in self.args])


def _reads(who: str, *args: str) -> Entry:
    """A page that shows data and takes a POST like a GET (Django answers any method): fuzzed only lightly."""
    return Entry(who, args, page=False, examples=3)


def _action(who: str, *args: str, **valid) -> Entry:
    """A POST-only action (a button): no page, its few inputs (if any) are in `valid`."""
    return Entry(who, args, valid=lambda world: valid, page=False, examples=6)


def _own_membership(user) -> int:
    from asfportal.accounts.models import Membership

    return Membership.objects.get(user=user, revoked_at__isnull=True).pk


def _reset_confirm(world: World, client: Client, url: str) -> str:
    # Django swaps the token in the link for "set-password" in the session before showing the form.
    return client.get(url).url


def _second_step_pending(world: World, client: Client, url: str) -> str:
    """A session that has given the password but not yet the code, of a user with a confirmed app."""
    world.totp_device  # noqa: B018 - made on first use
    return _unverified(world, client, url)


def _unverified(world: World, client: Client, url: str) -> str:
    """A session that has given the password but not yet the second factor."""
    from asfportal.accounts import two_factor

    session = client.session
    session.pop(two_factor.SESSION_KEY, None)
    session.save()
    return url


def _enrolling(world: World, client: Client, url: str) -> str:
    """An unverified session in the middle of setting up its authenticator, with a key the test knows."""
    from asfportal.accounts.views import PENDING_KEY_SESSION_KEY

    _unverified(world, client, url)
    session = client.session
    session[PENDING_KEY_SESSION_KEY] = world.enrolling_key
    session.save()
    return url


def _review_open(world: World, client: Client, url: str) -> str:
    """This year's access review, open (made on first use, outside the examples' savepoints)."""
    world.access_review  # noqa: B018
    return url


def _totp_key(key: str) -> str:
    from django_otp.oath import TOTP

    return f"{TOTP(bytes.fromhex(key)).token():06d}"


def _totp(device) -> str:
    from django_otp.oath import TOTP

    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def _import_uploaded(world: World, client: Client, url: str) -> str:
    org = luhn_complete("769912345")
    client.post(reverse("companies:company-import"), {"file": _csv_file(IMPORT_CSV.format(org=org))})
    return url


def _csv_file(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("foretag.csv", text.encode(), content_type="text/csv")


def _notice_file():
    path = Path(__file__).parent / "procurement" / "eforms_examples" / "cn-social_24.xml"
    return fuzz.Upload("notis.xml", path.read_bytes(), "application/xml")


def _company(**extra):
    return lambda world: {
        "name": "Cykelköket ekonomisk förening", "org_number": luhn_complete("769912345"),
        "legal_form": "ekonomisk_forening", "municipalities": [world.municipality], "city": "Örebro",
        "description": "Vi lagar cyklar.", "employees_total": 5, "employees_integration": 2, "participants": 1,
        "work_training_places": 1, **extra,
    }  # fmt: skip


def _tender(world: World) -> dict:
    now = timezone.localtime()
    return {
        "title": "Städning av förskolor", "description": "Städning av tre förskolor.", "legal_basis": "lou_4_18_1",
        "procurement_id": "UH-2026-9999", "notice_url": "https://annons.example.se/uh", "cpv_codes": [world.cpv],
        "municipalities": [world.municipality], "estimated_value": 500000, "contract_start_on": TODAY + timedelta(days=60),
        "contract_end_on": TODAY + timedelta(days=425), "question_deadline_at": (now + timedelta(days=15)).strftime("%Y-%m-%dT%H:%M"),
        "answers_published_by_at": (now + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"),
        "submission_deadline_at": (now + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"), "places": 2,
        "lots": "Förskola Ängen *\nFörskola Backen",
    }  # fmt: skip


def _activity(world: World) -> dict:
    return {
        "title": "Dialogmöte", "kind": "structural", "category": "awareness", "responsible_organisation": world.municipality,
        "start_on": TODAY, "end_on": TODAY + timedelta(days=30), "status": "planned", "budget": 10000,
    }  # fmt: skip


# Every URL whose view accepts a POST. Names are the URL names; the admin's own forms are Django's (and need
# staff), so they are left out by the check below.
# fmt: off
REGISTRY: dict[str, Entry] = {
    # core
    "core:home": _reads("anonymous"),
    "core:accessibility": Entry("anonymous", valid=lambda w: {"page_url": "/foretag/", "description": "Knappen saknar text.", "contact_email": "a@example.se"}),
    "core:notification-list": _reads("coordinator"),
    "core:notification-open": _reads("coordinator", "notification"),
    "core:notification-mark-all-read": _action("coordinator"),
    "core:notification-preferences": Entry("coordinator"),
    "core:calendar-feed-renew": _action("coordinator"),
    "core:calendar-feed-revoke": _action("coordinator"),
    # accounts
    "accounts:login": Entry("anonymous", valid=lambda w: {"username": w.coordinator.email, "password": PASSWORD},
                            logs=("axes.AccessAttempt", "axes.AccessFailureLog")),
    "accounts:logout": _action("coordinator"),
    "accounts:api-token-list": Entry("organisation_admin", valid=lambda w: {"name": "Treserva", "scope": "tenders"}),
    "accounts:api-token-revoke": _action("organisation_admin", "api_token"),
    "accounts:password-change": Entry("coordinator", valid=lambda w: {"old_password": PASSWORD, "new_password1": "Ny-Lösen-Häst-2026", "new_password2": "Ny-Lösen-Häst-2026"}),
    "accounts:password-reset": Entry("anonymous", valid=lambda w: {"email": w.coordinator.email}),
    "accounts:password-reset-confirm": Entry("anonymous", ("uid", "reset_token"), setup=_reset_confirm,
                                             valid=lambda w: {"new_password1": "Ny-Lösen-Häst-2026", "new_password2": "Ny-Lösen-Häst-2026"}),
    "accounts:two-factor": Entry("coordinator", setup=_second_step_pending, valid=lambda w: {"token": _totp(w.totp_device)},
                                 logs=("core.AuditEntry",)),  # a wrong code is audited, by design
    "accounts:two-factor-setup": Entry("coordinator", setup=_enrolling, valid=lambda w: {"token": _totp_key(w.enrolling_key)}),
    "accounts:two-factor-codes": _action("coordinator"),
    "accounts:dashboard": _reads("coordinator"),
    "accounts:dashboard-coordinator": _reads("coordinator"),
    "accounts:dashboard-procurement": _reads("officer"),
    "accounts:dashboard-company": _reads("rep"),
    "accounts:dashboard-administrator": _reads("admin_user"),
    "accounts:introduction-dismiss": _action("coordinator"),
    # Switching to one's own current membership (the one held, made active again): any other value answers 404.
    "accounts:membership-switch": Entry("coordinator", page=False, examples=6,
                                        valid=lambda w: {"membership": _own_membership(w.coordinator)}),
    "core:help": _reads("anonymous"),
    "core:help-coordinator": _reads("anonymous"),
    "core:help-procurement": _reads("anonymous"),
    "core:help-company": _reads("anonymous"),
    "core:help-administrator": _reads("anonymous"),
    "set_language": _action("anonymous", language="en", next="/foretag/"),
    # organisation administration and joining (issue 16)
    "accounts:dashboard-organisation-administrator": _reads("org_admin"),
    "accounts:organisation-people": _reads("org_admin"),
    "accounts:organisation-invite": Entry("org_admin", valid=lambda w: {"full_name": "Nora Ny", "email": "nora@kommun.example", "role": "coordinator"}),
    "accounts:invitation-withdraw": _action("org_admin", "org_invitation"),
    "accounts:organisation-person": Entry("org_admin", ("org_person",), valid=lambda w: {"role": "procurement_officer"}),
    "accounts:person-deactivate": Entry("org_admin", ("org_person",), valid=lambda w: {"successor": w.org_admin.pk}),
    "accounts:membership-revoke": _action("org_admin", "org_membership"),
    "accounts:access-review": Entry("org_admin", page=False, examples=6, setup=_review_open),
    "accounts:invitation-accept": Entry("anonymous", ("org_token",), valid=lambda w: {"password1": "Ny-Lösen-Häst-2026", "password2": "Ny-Lösen-Häst-2026"}),
    "accounts:join-apply": Entry("anonymous", valid=lambda w: {"organisation": w.joinable, "administrator_name": "Alva Först", "administrator_email": "alva@fuzzby.se"}),
    "accounts:join-apply-done": _reads("anonymous"),
    "accounts:join-application-decide": Entry("admin_user", ("join_application",), valid=lambda w: {"decision": "refuse", "reason": "Ansökan är ofullständig."}),
    # companies
    "companies:company-apply": Entry("anonymous", valid=_company(applicant_name="Eva Ek", applicant_email="eva@example.se")),
    "companies:invitation-accept": Entry("anonymous", ("invitation",), valid=lambda w: {"password1": "Ny-Lösen-Häst-2026", "password2": "Ny-Lösen-Häst-2026"}),
    "companies:company-detail": _reads("anonymous", "company"),
    "companies:company-edit": Entry("rep", ("company",)),
    "companies:company-facts": Entry("rep", ("company",), valid=lambda w: {"employees_total": 12, "employees_integration": 7}),
    "companies:company-people": Entry("rep", ("company",), valid=lambda w: {"full_name": "Kim Kollega", "email": "kim@foretag.example"}),
    "companies:colleague-remove": _action("rep", "company", "company_membership"),
    "companies:my-company": _reads("rep"),
    "companies:registry-list": _reads("coordinator"),
    "companies:company-create": Entry("coordinator", valid=_company()),
    "companies:company-manage": _reads("coordinator", "company"),
    "companies:company-assess": Entry("coordinator", ("company",), valid=lambda w: {**assessment_fields(), "c2_document": _pdf()}),
    "companies:company-invite": Entry("coordinator", ("company",), valid=lambda w: {"full_name": "Per Ek", "email": "per@example.se"}),
    "companies:company-close": Entry("coordinator", ("company",), valid=lambda w: {"reason": "Verksamheten har upphört."}),
    "companies:company-import": Entry("coordinator", valid=lambda w: {"file": fuzz.Upload("foretag.csv", IMPORT_CSV.format(org=luhn_complete("769912345")).encode(), "text/csv")}),
    "companies:company-import-confirm": Entry("coordinator", setup=_import_uploaded, page=False, examples=6),
    "companies:change-request-list": _reads("coordinator"),
    "companies:change-request-decide": Entry("coordinator", ("change_request",), valid=lambda w: {"decision": "approve", "comment": "Stämmer."}),
    # procurement
    "procurement:tender-detail": _reads("rep", "open_tender"),
    "procurement:question-ask": Entry("rep", ("open_tender",), page=False, valid=lambda w: {"text": "Gäller det alla skolor?"}),
    "procurement:submission-submit": Entry("rep", ("open_tender",), valid=lambda w: {"message": "Vi lämnar anbud.", "document": _pdf("anbud.pdf"), "people_occupied": 10, "people_in_target_group": 6}),
    "procurement:submission-decline": Entry("rep", ("open_tender",), valid=lambda w: {"reason": "Vi har inte kapacitet."}),
    "procurement:saved-search-list": Entry("rep", valid=lambda w: {"text": "städ", "cpv_prefix": "9091"}),
    "procurement:saved-search-delete": _action("rep", "search"),
    "procurement:officer-tender-list": _reads("officer"),
    "procurement:tender-create": Entry("officer", valid=_tender),
    "procurement:tender-manage": _reads("officer", "open_tender"),
    "procurement:tender-edit": Entry("officer", ("draft_tender",)),
    "procurement:tender-publish": _action("officer", "draft_tender"),
    "procurement:document-add": Entry("officer", ("open_tender",), page=False, valid=lambda w: {"title": "Bilaga 1", "file": _pdf("bilaga.pdf")}),
    "procurement:tender-amend": Entry("officer", ("open_tender",), valid=lambda w: {"reason": "Ny sista dag.", "submission_deadline_at": (timezone.localtime() + timedelta(days=40)).strftime("%Y-%m-%dT%H:%M")}),
    "procurement:tender-award": Entry("officer", ("closed_tender",), page=False, valid=lambda w: {f"award-0-{w.award_submission}": "on", f"value-0-{w.award_submission}": "300 000", "reasons-0": "Lägsta pris.", "awarded_on": TODAY, "sent_electronically": "on"}),
    "procurement:award-sign": _action("officer", "award"),
    "procurement:tender-follow": _action("rep", "open_tender"),
    "procurement:tender-unfollow": _action("rep", "open_tender"),
    "procurement:tender-cancel": Entry("officer", ("open_tender",), valid=lambda w: {"reason": "Behovet har upphört."}),
    "procurement:question-answer": Entry("officer", ("question",), page=False, valid=lambda w: {"text": "Gäller det alla skolor?", "answer": "Ja, alla tre."}),
    "procurement:submission-detail": _reads("officer", "award_submission"),
    "procurement:tender-import": Entry("officer", valid=lambda w: {"notice": _notice_file()}),
    "procurement:tender-import-review": _reads("officer", "draft_tender"),
    # placements
    "placements:offer-list": _reads("rep"),
    "placements:offer-create": Entry("rep", valid=lambda w: {"work_area": w.cafe, "tasks": "Servering och disk.", "places": 2, "hours_per_week": 20, "supervisor": "Eva Handledare", "municipality": w.municipality, "available_from": TODAY, "is_published": True, "adaptations": ["quiet"]}),
    "placements:offer-edit": Entry("rep", ("offer",)),
    "placements:capacity-search": _reads("coordinator"),
    "placements:offer-detail": _reads("coordinator", "offer"),
    "placements:placement-list": _reads("coordinator"),
    "placements:figures": _reads("coordinator"),
    "placements:participant-list": _reads("coordinator"),
    "placements:participant-create": Entry("coordinator", valid=lambda w: {"initials": "A.K.", "birth_year": 1990, "gender": "woman", "target_group": "long_term_unemployed", "income_before": "none", "occupation_before": "seeking", "consent_given_on": TODAY, "consent_scope": "Arbetsträning", "sus_form_collected": True}),
    "placements:access-log": _reads("coordinator"),
    "placements:participant-detail": _reads("coordinator", "participant"),
    "placements:participant-export": _reads("coordinator", "participant"),
    "placements:participant-erase": _action("coordinator", "participant"),
    "placements:consent-withdraw": _action("coordinator", "participant"),
    "placements:consent-renew": Entry("coordinator", ("participant",), valid=lambda w: {"given_on": TODAY, "valid_until": TODAY + timedelta(days=365), "scope": "Arbetsträning", "sus_form_collected": True}),
    "placements:placement-sus": Entry("forbund_coordinator", ("forbund_placement",), valid=lambda w: {"done_on": TODAY}),
    "placements:placement-create": Entry("coordinator", ("participant",), valid=lambda w: {"offer": w.offer, "support_measure": "af_work_training", "start_on": TODAY, "planned_end_on": TODAY + timedelta(days=60), "hours_per_week": 20, "supervisor": "Eva", "goals": "Kassa"}),
    "placements:placement-start": _action("coordinator", "planned_placement"),
    "placements:placement-end": Entry("coordinator", ("placement",), valid=lambda w: {"ended_on": TODAY, "outcome": "work_at_asf", "end_reason": "Fick anställning.", "income_after": "wage", "occupation_after": "work"}),
    "placements:follow-up-record": Entry("coordinator", ("follow_up",), valid=lambda w: {"held_on": TODAY, "note": "Går bra."}),
    # policies
    "policies:steering": Entry("coordinator", valid=lambda w: {"name": "Anna Ek", "title": "Näringslivsutvecklare", "responsibility": "external", "email": "anna@example.se", "phone": "019-12 34 56"}),
    "policies:contact-delete": _action("coordinator", "contact"),
    "policies:policy-create": Entry("coordinator", valid=lambda w: {"title": "Policy för ASF", "status": "draft", "text": "# Policy", "document": _pdf("policy.pdf")}),
    "policies:policy-edit": Entry("coordinator", ("draft_policy",)),
    "policies:plan-create": Entry("coordinator", valid=lambda w: {"title": "Handlingsplan", "start_year": Y, "end_year": Y + 3, "goals": "Fler ASF\nFler platser"}),
    "policies:plan-manage": _reads("coordinator", "plan"),
    "policies:plan-edit": Entry("coordinator", ("plan",)),
    "policies:goal-edit": Entry("coordinator", ("plan", "goal"), valid=lambda w: {"title": "Fler ASF med uppdrag"}),
    "policies:goal-delete": _action("coordinator", "plan", "goal"),
    "policies:activity-create": Entry("coordinator", ("plan",), valid=_activity),
    "policies:activity-edit": Entry("coordinator", ("plan", "activity")),
    "policies:activity-delete": _action("coordinator", "plan", "activity"),
    "policies:activity-progress": Entry("coordinator", ("activity",), valid=lambda w: {"text": "Tre skolor har anmält sig.", "status": "ongoing", "progress": 60}),
    "policies:activity-followup": Entry("coordinator", ("activity",), valid=lambda w: {"indicators-0-name": "Antal möten", "indicators-0-baseline": "2", "indicators-0-target": "10", "indicators-0-actuals": f"{Y}: 3", "milestones-0-title": "Första mötet", "milestones-0-due_on": TODAY}),
    "policies:board-report-record": Entry("forbund_coordinator", ("board_report_kind", "board_report_period_end"), valid=lambda w: {"submitted_on": TODAY}),
    "policies:reports": Entry("coordinator", valid=lambda w: {"report-year": Y - 1, "year": OMIT, "total_value": OMIT}),
}
# fmt: on


def test_the_swedish_check_tells_a_translation_from_english_or_untranslated_text():
    # Django's catalogue; the project's with its placeholder filled in; a form's errors joined in one message.
    assert fuzz.is_swedish("Detta fält måste fyllas i.")
    assert fuzz.is_swedish("Filen är större än 10 MB.")
    assert fuzz.is_swedish("Detta fält måste fyllas i. Filen är större än 10 MB.")
    # English msgids shown untranslated, and a Swedish text that was never marked for translation.
    assert not fuzz.is_swedish("This field is required.")
    assert not fuzz.is_swedish("The file is larger than 10 MB.")
    assert not fuzz.is_swedish("Ett meddelande som aldrig märktes för översättning.")


# --- Every POST is covered -------------------------------------------------------------------------------------


def _patterns(resolver=None, namespace="", converters=None):
    """(name, {argument: converter}) of every URL pattern, walking included URLconfs."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        inner = {**(converters or {}), **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            yield from _patterns(
                entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace, inner
            )
        elif isinstance(entry, URLPattern):
            yield (
                (f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed {entry.pattern}>"),
                inner,
            )


def _dummy(converter) -> str:
    return "999999" if converter.regex == "[0-9]+" else "x"


def test_every_view_that_accepts_a_post_is_fuzzed(coordinator):
    """A pattern is left out only when its view answers a POST with 405 (signed in, so login is no obstacle)."""
    client = Client()
    client.force_login(coordinator)
    found, missing = set(), []
    for name, converters in _patterns():
        if name.startswith("admin:"):
            continue  # Django's admin: staff only, CSRF-protected, its forms are Django's own
        if name.startswith("api:"):
            continue  # the API takes JSON, not forms: Schemathesis fuzzes it (tests/api/test_schema_fuzz.py)
        found.add(name)
        if name in REGISTRY:
            continue
        assert not name.startswith("<unnamed"), f"give the pattern a name: {name}"
        url = reverse(name, kwargs={arg: _dummy(conv) for arg, conv in converters.items()})
        if client.post(url).status_code != 405:
            missing.append(name)
    assert missing == [], (
        f"views that accept a POST without an entry in tests/test_bad_input.py REGISTRY: {missing}"
    )
    assert sorted(set(REGISTRY) - found) == [], "entries for URL names that no longer exist"


# --- Generated posts ---------------------------------------------------------------------------------------------

# What happens to a field of the valid post that is chosen for mutation.
MUTATIONS = ["junk", "junk", "missing", "repeat", "wrong_type"]


def _post(data, fields: dict, baseline: dict[str, list]) -> tuple[bytes, str]:
    """A body from the valid post, spoilt in one of three ways:

    * "few": one to three fields spoilt, the rest valid, so the bad value gets past the other fields' checks;
    * "kind": every field of one kind (numbers, dates, date-times, choices, text) gets the same value aimed at
      that kind (2147483648 in every number, 9999-12-31 in every date, NUL in every text): cross-field checks
      cannot stop it (the values are equal), so a service that trusts the form meets it;
    * "all": every field at random.
    """
    names = sorted(set(fields) | set(baseline))
    kinds = {name: fuzz.kind_of(fields[name]) if name in fields else "text" for name in names}
    mode = data.draw(st.sampled_from(["few", "few", "kind", "kind", "all"]), label="mode")
    chosen, aimed_kind, aimed = set(), None, None
    if mode == "few" and names:
        chosen = set(data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True)))
    elif mode == "kind" and names:
        aimed_kind = data.draw(st.sampled_from(sorted(set(kinds.values()) - {"file", "bool"} or {"text"})))
        aimed = data.draw(fuzz.junk_for(aimed_kind), label=f"every {aimed_kind}")
    pairs = []
    has_file = False
    for name in names:
        is_file = kinds[name] == "file"
        has_file |= is_file
        keep = [(name, v) for v in baseline.get(name, [])]
        if mode == "all":
            action = data.draw(st.sampled_from(["keep", *MUTATIONS]), label=name)
        elif mode == "few":
            action = data.draw(st.sampled_from(MUTATIONS), label=name) if name in chosen else "keep"
        else:
            action = "aimed" if kinds[name] == aimed_kind else "keep"
        if action == "keep":
            pairs += keep
        elif action == "aimed":
            pairs.append((name, aimed))
        elif action == "junk":
            pairs.append((name, data.draw(fuzz.junk_upload if is_file else fuzz.junk_for(kinds[name]))))
        elif action == "repeat":
            pairs += keep + [(name, data.draw(fuzz.junk_for(kinds[name])))] + keep
        elif action == "wrong_type":  # a file where text is expected, text where a file is
            pairs.append((name, data.draw(fuzz.junk_value if is_file else fuzz.junk_upload)))
            has_file |= not is_file
    pairs += data.draw(
        st.lists(st.tuples(fuzz.junk_name, fuzz.junk_value), max_size=2), label="unknown fields"
    )
    multipart = has_file or data.draw(st.booleans(), label="multipart")
    return fuzz.encode(pairs, multipart=multipart)


@functools.cache
def _shared_client(purpose: str = "posts") -> Client:
    # One client per purpose for the whole run: building a client's handler loads every middleware, and
    # WhiteNoise's walks the static files (a third of a second each time).
    return Client()


def _client(world: World, entry: Entry) -> Client:
    """The shared client, cookies cleared (no session, no messages left from before), signed in as `entry.who`."""
    client = _shared_client()
    client.cookies.clear()
    client.handler.enforce_csrf_checks = False
    user = world.user(entry.who)
    if user is not None:
        client.force_login(user)
    return client


class Poster:
    """Posts as the entry's person, each example from the same signed-in session, in a savepoint of its own."""

    def __init__(self, world: World, entry: Entry, url: str):
        self.world, self.entry, self.url = world, entry, url
        self.client = _client(world, entry)  # signed in once, outside every example
        self.cookies = {key: morsel.value for key, morsel in self.client.cookies.items()}

    def post(self, body: bytes, content_type: str):
        """(row counts just before, response); the cookies are those of the fresh session, nothing left over."""
        self.client.cookies.clear()
        for key, value in self.cookies.items():
            self.client.cookies[key] = value
        target = self.entry.setup(self.world, self.client, self.url) if self.entry.setup else self.url
        before = fuzz.row_counts()
        return before, self.client.post(target, data=body, content_type=content_type)

    @contextlib.contextmanager
    def example(self):
        savepoint = transaction.savepoint()
        try:
            with translation.override("sv"):
                yield
        finally:
            transaction.savepoint_rollback(savepoint)
            # The session's row is rolled back with the savepoint; its cached copy is dropped here.
            if settings.SESSION_COOKIE_NAME in self.cookies:
                cache.delete(SessionStore(self.cookies[settings.SESSION_COOKIE_NAME]).cache_key)


def _check_answer(response, before: dict, entry: Entry, case: str = "") -> None:
    """The promises of the module docstring, for one response."""
    assert response.status_code in (200, 302, 400, 403, 404, 410), (response.status_code, case)
    refused = fuzz.refusals(response)
    with translation.override("sv"):
        shown = refused + fuzz.all_messages(response)
        english = [text[:200] for text in shown if not fuzz.is_swedish(text)]
        for text in fuzz.row_errors(response):
            label, _colon, message = text.partition(": ")
            # A row error names its column by the field's verbose_name with a capital first letter (capfirst),
            # e.g. "Webbplats" for the catalogue's "webbplats".
            label_swedish = fuzz.is_swedish(label) or fuzz.is_swedish(label[:1].lower() + label[1:])
            if not (fuzz.is_swedish(text) or (message and label_swedish and fuzz.is_swedish(message))):
                english.append(text[:200])
    assert english == [], f"messages that are not Swedish ({case}): {english}"
    if refused or response.status_code >= 400:
        wrote = fuzz.changed(before, fuzz.row_counts(), allowed=entry.logs)
        assert wrote == {}, f"a refused post wrote ({case}): {wrote}; refusal: {[t[:200] for t in refused]}"
    if response.status_code >= 400:
        assert b'lang="sv"' in response.content, f"the error page is not the portal's Swedish page ({case})"
    for markup in (b"<script>alert(1)</script>", b"<img src=x onerror=alert(1)>"):
        assert markup not in response.content, f"markup echoed unescaped ({case})"


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_generated_posts_never_crash_or_half_write(request, name):
    entry = REGISTRY[name]
    world = World(request)
    url = entry.url(world, name)
    fields, baseline = {}, {}
    # Everything the examples use is made here, outside their savepoints (a row made inside one is rolled back).
    client = _client(world, entry)
    page_url = entry.setup(world, client, url) if entry.setup else url
    if entry.page:
        page = client.get(page_url)
        assert page.status_code == 200, f"{name}: the page to fill in answers {page.status_code}"
        fields, baseline = fuzz.fields_of(page), fuzz.initial_of(page)
    baseline = _with_valid(baseline, entry.valid(world))

    poster = Poster(world, entry, url)
    # The post the fuzz starts from is accepted as it is, so a spoilt field is the only thing wrong with each example.
    with poster.example():
        body, content_type = fuzz.encode(
            [(k, v) for k, values in baseline.items() for v in values], multipart=True
        )
        _before, response = poster.post(body, content_type)
        assert response.status_code in (200, 302) and fuzz.refusals(response) == [], fuzz.refusals(response)

    # Every killer value in every field of its kind at once (the values are equal, so no cross-field check stops
    # them), then the random examples.
    kinds = {name: fuzz.kind_of(field) for name, field in fields.items()}
    sweeps = []
    for kind, values in fuzz.KILLERS.items():
        aimed = {name for name, field_kind in kinds.items() if field_kind == kind}
        sweeps += [(aimed, value) for value in values if aimed]
        if kind in ("number", "date"):  # and one field at a time, as another field's check may stop the lot
            sweeps += [({name}, values[0]) for name in sorted(aimed) if len(aimed) > 1]
    for aimed, value in sweeps:
        pairs = [(k, v) for k, vs in baseline.items() if k not in aimed for v in vs]
        body, content_type = fuzz.encode(pairs + [(name, value) for name in sorted(aimed)], multipart=True)
        where = next(iter(aimed)) if len(aimed) == 1 else f"every {kinds[next(iter(aimed))]} field"
        case = f"{where} = {value[:20]!r}"
        with poster.example():
            try:
                before, response = poster.post(body, content_type)
            except Exception as error:
                raise AssertionError(f"{name} crashed with {case}") from error
            _check_answer(response, before, entry, case)

    @hypothesis_settings(max_examples=entry.examples, **FUZZ)
    @given(data=st.data())
    def post_generated(data):
        body, content_type = _post(data, fields, baseline)
        with poster.example():
            before, response = poster.post(body, content_type)
            _check_answer(response, before, entry)

    post_generated()


@pytest.mark.parametrize(
    "pairs",
    [
        [("description", "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))],
        [(f"f{n}", "1") for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)],
    ],
    ids=["larger than DATA_UPLOAD_MAX_MEMORY_SIZE", "more than DATA_UPLOAD_MAX_NUMBER_FIELDS fields"],
)
@pytest.mark.parametrize("multipart", [False, True], ids=["urlencoded", "multipart"])
def test_a_post_too_large_to_read_is_refused_with_the_swedish_page(request, pairs, multipart):
    """Django refuses to read such a body (400); the visitor gets the portal's page in Swedish, nothing is saved."""
    entry = REGISTRY["core:accessibility"]
    poster = Poster(World(request), entry, reverse("core:accessibility"))
    with poster.example():
        before, response = poster.post(*fuzz.encode(pairs, multipart=multipart))
        assert response.status_code == 400
        with translation.override("sv"):
            heading = translation.gettext("The request could not be read")
        assert heading != "The request could not be read" and heading in response.content.decode()
        _check_answer(response, before, entry)


# --- CSRF --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_a_post_without_a_valid_csrf_token_is_refused_with_the_swedish_page(request, name):
    entry = REGISTRY[name]
    world = World(request)
    client = _client(world, entry)
    url = entry.url(world, name)
    url = entry.setup(world, client, url) if entry.setup else url
    data = {key: fuzz.form_value(value) for key, value in entry.valid(world).items()}
    data = {k: [v for v in values if not isinstance(v, fuzz.Upload)] for k, values in data.items()}
    with translation.override("sv"):
        heading = translation.gettext("The form could not be sent")
    assert heading != "The form could not be sent", "the CSRF page's heading has no Swedish translation"
    before = fuzz.row_counts()
    client.handler.enforce_csrf_checks = True
    try:
        no_token = client.post(url, data)
        client.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32
        wrong_token = client.post(url, {**data, "csrfmiddlewaretoken": "b" * 32})
    finally:
        client.handler.enforce_csrf_checks = False
    for response in (no_token, wrong_token):
        assert response.status_code == 403
        body = response.content.decode()
        assert heading in body and 'lang="sv"' in body
        # Rendered with the request (settings.CSRF_FAILURE_VIEW): a signed-in visitor still sees their menu.
        assert ("Logga ut" in body) == (world.user(entry.who) is not None), entry.who
    assert fuzz.changed(before, fuzz.row_counts()) == {}


# --- Uploads -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadField:
    """One file input whose file is kept: where it lands and what it may be."""

    url_name: str
    field: str
    model: str
    attribute: str
    directory: str  # the stored name's folder, as a regular expression
    max_bytes: int
    extensions: tuple[str, ...] = ("pdf", "docx", "xlsx", "odt")
    download: Callable | None = field(default=None, compare=False)


UPLOADS = [
    UploadField("companies:company-assess", "c2_document", "companies.Assessment", "c2_document",
                r"evidence/\d+/[0-9a-f]{32}/", 10 * 1024 * 1024,
                download=lambda row: reverse("companies:evidence-download", args=[row.pk, "c2_document"])),
    UploadField("procurement:submission-submit", "document", "procurement.Submission", "document",
                r"tenders/\d+/[0-9a-f]{32}/", 20 * 1024 * 1024),
    UploadField("procurement:document-add", "file", "procurement.TenderDocument", "file",
                r"tenders/\d+/[0-9a-f]{32}/", 20 * 1024 * 1024,
                download=lambda row: reverse("procurement:document-download", args=[row.pk])),
    UploadField("policies:policy-create", "document", "policies.Policy", "document", r"policies/", 20 * 1024 * 1024,
                extensions=("pdf",)),
]  # fmt: skip


def _upload_setup(request, upload: UploadField):
    from django.apps import apps

    entry = REGISTRY[upload.url_name]
    world = World(request)
    url = entry.url(world, upload.url_name)
    baseline = {}
    if entry.page:
        baseline = fuzz.initial_of(_client(world, entry).get(url))
    baseline = _with_valid(baseline, entry.valid(world))
    baseline.pop(upload.field)
    return Poster(world, entry, url), baseline, apps.get_model(upload.model)


def _post_file(poster: Poster, baseline: dict, upload: UploadField, file: fuzz.Upload):
    pairs = [(k, v) for k, values in baseline.items() for v in values] + [(upload.field, file)]
    return poster.post(*fuzz.encode(pairs, multipart=True))


def _check_stored(upload: UploadField, model, file: fuzz.Upload, client, row) -> None:
    stored = getattr(row, upload.attribute)
    name = stored.name
    assert re.match(upload.directory, name), name
    basename = name[re.match(upload.directory, name).end() :]
    assert basename and "/" not in basename and "\\" not in basename and basename not in (".", "..")
    assert all(c.isprintable() for c in basename), f"control characters kept in {basename!r}"
    assert len(name) <= model._meta.get_field(upload.attribute).max_length
    path = Path(default_storage.path(name)).resolve()
    assert path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert path.read_bytes() == file.content
    # The type was judged by content: the stored name's extension agrees with the first bytes.
    extension = basename.rsplit(".", 1)[-1].lower()
    assert extension in upload.extensions and file.content.startswith(fuzz.MAGIC[extension][:4])
    # No public URL serves it, whatever MEDIA_URL is; the permission-checked view does.
    for prefix in {settings.MEDIA_URL or "/", "/media/", "/"}:
        public = "/" + (prefix.strip("/") + "/" + name).lstrip("/")
        assert client.get(public).status_code == 404, public
        anonymous = _shared_client("anonymous")
        anonymous.cookies.clear()
        assert anonymous.get(public).status_code in (302, 404), public
    if upload.download is not None:
        response = client.get(upload.download(row))
        assert response.status_code == 200 and b"".join(response.streaming_content) == file.content


@pytest.mark.parametrize("upload", UPLOADS, ids=lambda u: u.url_name)
def test_uploads_are_judged_by_content_and_stored_under_a_safe_name(request, upload):
    poster, baseline, model = _upload_setup(request, upload)

    outcomes = {"stored": 0, "refused": 0}

    @hypothesis_settings(max_examples=25, **FUZZ)
    @given(file=fuzz.junk_upload)
    def post_file(file):
        with poster.example():
            before_rows = model.objects.count()
            before, response = _post_file(poster, baseline, upload, file)
            _check_answer(response, before, poster.entry, file.name)
            if model.objects.count() > before_rows:
                row = model.objects.exclude(**{upload.attribute: ""}).latest("pk")
                _check_stored(upload, model, file, poster.client, row)
                outcomes["stored"] += 1
            else:
                assert fuzz.refusals(response), "an upload neither stored nor refused with a message"
                outcomes["refused"] += 1

    post_file()
    # Both ways were tried: some generated files were good enough to keep, and some were refused.
    assert outcomes["stored"] and outcomes["refused"], outcomes


@pytest.mark.parametrize("upload", UPLOADS, ids=lambda u: u.url_name)
def test_a_good_file_is_kept_and_an_oversized_or_disguised_one_refused_in_swedish(request, upload):
    poster, baseline, model = _upload_setup(request, upload)
    magic = fuzz.MAGIC[upload.extensions[0]]
    good = fuzz.Upload(
        f"../../Årsredovisning 2025\x1b.{upload.extensions[0]}", magic + "innehåll".encode().ljust(64, b".")
    )
    with poster.example():
        before = model.objects.count()
        _counts, response = _post_file(poster, baseline, upload, good)
        assert response.status_code == 302 and model.objects.count() == before + 1, fuzz.refusals(response)
        row = model.objects.exclude(**{upload.attribute: ""}).latest("pk")
        _check_stored(upload, model, good, poster.client, row)

    disguised = fuzz.Upload(f"rapport.{upload.extensions[0]}", b"<html><script>alert(1)</script></html>")
    oversized = fuzz.Upload(
        f"stor.{upload.extensions[0]}", magic + b"\0" * (upload.max_bytes + 1 - len(magic))
    )
    for file, expected in ((disguised, "innehåll"), (oversized, "större än")):
        with poster.example():
            counts, response = _post_file(poster, baseline, upload, file)
            messages = fuzz.refusals(response)
            assert any(expected in message for message in messages), messages
            assert all(fuzz.is_swedish(message) for message in messages), messages
            assert fuzz.changed(counts, fuzz.row_counts()) == {}


def test_the_company_import_refuses_a_disguised_or_oversized_file_in_swedish(request):
    entry = REGISTRY["companies:company-import"]
    poster = Poster(World(request), entry, reverse("companies:company-import"))
    for name, content, expected in (
        ("foretag.xlsx", b"namn;organisationsnummer\n", "Excel"),
        ("foretag.csv", b"\xff\xfe\x00n\x00a\x00m\x00n", "UTF-8"),
        ("foretag.exe", b"MZ\x90\x00", "Filändelsen"),
        ("foretag.csv", b"namn\n" + b"x" * (2 * 1024 * 1024), "2 MB"),
    ):
        with poster.example():
            counts, response = poster.post(
                *fuzz.encode([("file", fuzz.Upload(name, content))], multipart=True)
            )
            messages = fuzz.refusals(response)
            assert response.status_code == 200 and any(expected in m for m in messages), messages
            assert all(fuzz.is_swedish(m) for m in messages), messages
            assert fuzz.changed(counts, fuzz.row_counts()) == {}


def test_answer_documents_and_policy_pdfs_are_served_only_to_those_allowed(request, outsider):
    """The two downloads the permission matrices reach only as pages: an answer's document (sealed until the
    deadline, then the buyer's officers only) and a policy's PDF (public once the policy is adopted, not before)."""
    from procurement.models import Submission, Tender
    from tests.accounts.factories import UserFactory

    world = World(request)
    other_officer = UserFactory(role="procurement_officer", organisation=outsider.organisation)
    visitor = _shared_client("downloads")

    def get(who, url):
        visitor.cookies.clear()
        if who is not None:
            visitor.force_login(who)
        return visitor.get(url)

    answer = Poster(world, REGISTRY["procurement:submission-submit"], reverse("procurement:submission-submit", args=[world.open_tender]))  # fmt: skip
    content = b"%PDF-1.4 anbudet"
    answer.post(*fuzz.encode([("message", "Vårt anbud."), ("people_occupied", "10"), ("people_in_target_group", "6"),
                              ("document", fuzz.Upload("anbud.pdf", content))], multipart=True))  # fmt: skip
    download = reverse("procurement:submission-detail", args=[Submission.objects.get().pk]) + "?download=1"
    assert get(world.officer, download).status_code == 403  # sealed until the deadline
    Tender.objects.filter(pk=world.open_tender).update(
        submission_deadline_at=timezone.now() - timedelta(hours=1)
    )
    response = get(world.officer, download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == content
    assert response["Content-Disposition"].startswith("attachment")
    assert get(other_officer, download).status_code == 404
    assert get(world.rep, download).status_code == 403
    assert get(world.coordinator, download).status_code == 403
    assert get(None, download).status_code == 302  # to the login page

    from policies.models import Policy

    policy = Poster(world, REGISTRY["policies:policy-create"], reverse("policies:policy-create"))
    policy.post(*fuzz.encode([("title", "Policy för ASF"), ("status", "draft"), ("text", "# Policy"),
                              ("document", fuzz.Upload("policy.pdf", content))], multipart=True))  # fmt: skip
    created = Policy.objects.get(title="Policy för ASF")
    pdf = reverse("policies:policy-public", args=[created.pk]) + "?pdf=1"
    assert get(None, pdf).status_code == 404 and get(world.coordinator, pdf).status_code == 404  # a draft
    Policy.objects.filter(pk=created.pk).update(
        status="adopted", adopted_by="Kommunfullmäktige", adopted_on=TODAY
    )
    response = get(None, pdf)
    assert response.status_code == 200 and b"".join(response.streaming_content) == content


def test_an_import_with_bad_rows_is_explained_in_swedish_and_saves_nothing(request):
    """Every row of the file goes through the registration form: junk in the cells is explained row by row in
    Swedish, and neither the preview nor a confirmation saves anything."""
    entry = REGISTRY["companies:company-import"]
    poster = Poster(World(request), entry, reverse("companies:company-import"))
    rows = [
        "namn;organisationsnummer;juridisk form;anställda;kommunkoder;webbplats;e-post",
        f"Kafé\x00;{luhn_complete('769912345')};ekonomisk förening;2147483648;1880;javascript:alert(1);x@",
        "<script>alert(1)</script>;556036-0794;aktiebolag (svb);-1;9999;;",
        f"{'x' * 10_000};'; DROP TABLE x;--;annan;99999999999999999999999;;;",
    ]
    csv_file = fuzz.Upload("foretag.csv", "\n".join(rows).encode(), "text/csv")
    with poster.example():
        before, response = poster.post(*fuzz.encode([("file", csv_file)], multipart=True))
        assert response.status_code == 200 and response.context["has_errors"]
        assert all(row.errors for row in response.context["rows"])
        _check_answer(response, before, entry, "import preview")
        assert fuzz.changed(before, fuzz.row_counts()) == {}
        confirm = poster.client.post(reverse("companies:company-import-confirm"))
        assert confirm.status_code == 302 and fuzz.refusals(confirm), "the rows with errors were imported"
        _check_answer(confirm, before, entry, "import confirmation")
