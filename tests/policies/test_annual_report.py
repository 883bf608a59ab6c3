"""The annual report: figures against a hand-counted dataset, the PDF's text and the workbook agree with them,
frozen versions, the January run, the worker with visible progress, and who may see a report."""

import io
import re
import subprocess
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from asfportal.accounts.models import Organisation
from asfportal.core.exceptions import DomainError
from asfportal.core.models import Notification
from companies import services as company_services
from companies.models import Company
from placements.models import Placement
from policies import services
from policies.models import ActionPlan, Activity, AnnualReport, ContractTotal, Goal, Indicator
from procurement.models import Award, Tender
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.companies.factories import CompanyFactory, RepresentativeFactory, assessment_fields
from tests.matrix import assert_visit
from tests.placements.factories import OfferFactory, ParticipantFactory
from tests.procurement.factories import TenderFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
Y = TODAY.year - 1  # a whole year behind us


def _assess(company, on, coordinator, verified=True):
    fields = assessment_fields(assessed_on=on, c2_revised_on=on - timedelta(days=30))
    if not verified:
        fields["c3_verdict"] = "not_met"
    company_services.assessment_record(company=company, fields=fields, actor=coordinator)


def _placement(organisation, start_on, *, ended_on=None, outcome="", outcome_90="", status=None):
    offer = OfferFactory(municipality=organisation)
    return Placement.objects.create(
        participant=ParticipantFactory(organisation=organisation), offer=offer, company=offer.company,
        referring_organisation=organisation, support_measure="af_work_training", start_on=start_on,
        planned_end_on=start_on + timedelta(days=180), hours_per_week=20,
        status=status or ("ended" if ended_on else "active"), ended_on=ended_on, outcome=outcome,
        outcome_90=outcome_90,
    )  # fmt: skip


def _tender(organisation, officer, basis, published_on):
    tender = TenderFactory(buyer=organisation, created_by=officer, legal_basis=basis, status="awarded")
    Tender.objects.filter(pk=tender.pk).update(
        published_at=datetime(*published_on, 9, tzinfo=timezone.get_current_timezone())
    )
    return tender


@pytest.fixture
def dataset(settings, coordinator, officer, other_municipality):
    """A kommun's year Y, counted by hand in the comments; the previous year Y-1 beside it."""
    settings.COMPANY_ASSESSMENT_VALID_MONTHS = 12
    organisation = coordinator.organisation
    organisation.name = "Östra Göinge kommun"
    organisation.save()

    def company(name, *municipalities):
        made = CompanyFactory(name=name)
        made.municipalities.set(municipalities or [organisation])
        return made

    # A: verified in Y -> verified at the end of Y, new in Y.
    _assess(company("A"), date(Y, 3, 1), coordinator)
    # B: verified in Y-1, ran out 1 June Y without reassessment -> lapsed in Y; verified and new in Y-1.
    _assess(company("B"), date(Y - 1, 6, 1), coordinator)
    # C: verified in Y-1 and again in Y -> verified at both year ends, new in Y-1 only.
    c = company("C")
    _assess(c, date(Y - 1, 9, 1), coordinator)
    _assess(c, date(Y, 8, 15), coordinator)
    # D: verified in Y, closed in October Y -> closed (not verified) and new in Y.
    d = company("D")
    _assess(d, date(Y, 2, 1), coordinator)
    company_services.company_close(company=d, reason="Upphört", actor=coordinator)
    Company.history.filter(id=d.pk, status="closed").update(
        history_date=datetime(Y, 10, 1, 12, tzinfo=timezone.get_current_timezone())
    )
    # F: assessed in Y without meeting criterion 3 -> counted nowhere but among the assessments.
    _assess(company("F"), date(Y, 5, 1), coordinator, verified=False)
    # E: another municipality's ASF, assessed by someone else -> not counted at all.
    other = UserFactory(role="coordinator", organisation=other_municipality)
    _assess(company("E", other_municipality), date(Y, 4, 1), other)
    # So Y: verified 2 (A, C), new 2 (A, D), lapsed 1 (B), closed 1 (D), assessments 4 (A, C, D, F) of which 3
    # verified. Y-1: verified 2 (B, C), new 2, lapsed 0, closed 0, assessments 2 of which 2 verified.

    # Placements referred by the organisation: 3 started in Y, of which 2 ended in Y (1 in work) -> 50 %; both
    # are past day 90, and the one in work is followed up after 90 days, still in work -> 1 of 1, 100 %.
    # A planned placement and one cancelled before its start have not started: counted nowhere.
    _placement(
        organisation, date(Y, 1, 10), ended_on=date(Y, 4, 10), outcome="work_at_asf", outcome_90="work_at_asf"
    )
    _placement(organisation, date(Y, 2, 1), ended_on=date(Y, 8, 1), outcome="studies")
    _placement(organisation, date(Y, 11, 1))
    _placement(organisation, date(Y, 12, 1), status="planned")
    _placement(organisation, date(Y, 6, 1), status="cancelled", ended_on=date(Y, 5, 20))
    _placement(organisation, date(Y - 1, 5, 1))  # started in Y-1, still active
    _placement(
        other_municipality, date(Y, 3, 1), ended_on=date(Y, 6, 1), outcome="work_elsewhere"
    )  # not ours

    # Tenders: in Y a reserved one (awarded 300 000 kr to A) and one with employment requirements; in Y-1 a
    # direct award (50 000 kr) to A, which was not yet verified then, so it is no value awarded to ASF (the award
    # freezes whether the company was verified ASF on the award date). Another municipality's award does not count.
    reserved = _tender(organisation, officer, Tender.LegalBasis.RESERVED_4_18_1, (Y, 4, 1))
    _tender(organisation, officer, Tender.LegalBasis.EMPLOYMENT_REQUIREMENT, (Y, 9, 1))
    direct = _tender(organisation, officer, Tender.LegalBasis.DIRECT_AWARD, (Y - 1, 11, 1))
    a = Company.objects.get(name="A")
    Award.objects.create(
        tender=reserved, company=a, value=300_000, awarded_on=date(Y, 6, 1), company_was_verified=True
    )
    Award.objects.create(
        tender=direct, company=a, value=50_000, awarded_on=date(Y - 1, 12, 1), company_was_verified=False
    )
    foreign = _tender(other_municipality, UserFactory(role="procurement_officer", organisation=other_municipality),
                      Tender.LegalBasis.RESERVED_4_18_1, (Y, 4, 1))  # fmt: skip
    Award.objects.create(
        tender=foreign, company=a, value=999_000, awarded_on=date(Y, 6, 1), company_was_verified=True
    )
    ContractTotal.objects.create(organisation=organisation, year=Y, total_value=6_000_000)  # -> 5.0 %

    # An action plan for Y..Y+1: one goal with a done activity (indicator 7 of 10 in Y) and a planned one that
    # ended in Y without being done (late) -> the goal is at 50 %, late.
    plan = ActionPlan.objects.create(organisation=organisation, title="Handlingsplan för ASF", start_year=Y,
                                     end_year=Y + 1, adopted_by="Kommunfullmäktige", adopted_on=date(Y, 1, 20))  # fmt: skip
    goal = Goal.objects.create(plan=plan, title="Fler ASF får uppdrag")
    done = Activity.objects.create(plan=plan, goal=goal, title="Dialogmöten med ASF", responsible_organisation=organisation,
                                   start_on=date(Y, 2, 1), end_on=date(Y, 6, 30), status="done")  # fmt: skip
    Indicator.objects.create(
        activity=done, name="Antal dialogmöten", baseline=2, target=10, actuals={str(Y): 7}
    )
    Activity.objects.create(plan=plan, goal=goal, title="Reserverad upphandling av städning",
                            responsible_organisation=organisation, start_on=date(Y, 3, 1), end_on=date(Y, 10, 31))  # fmt: skip
    ActionPlan.objects.create(
        organisation=organisation, title="Gammal plan", start_year=Y - 3, end_year=Y - 2
    )
    return organisation


def _generate(coordinator, year=Y):
    with TestCase.captureOnCommitCallbacks(execute=True):  # the task is sent on commit and runs eagerly
        report = services.report_request(organisation=coordinator.organisation, year=year, actor=coordinator)
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DONE, report.error
    return report


def test_the_figures_match_the_hand_counted_dataset(dataset, coordinator):
    figures = _generate(coordinator).figures
    current, previous = figures["current"], figures["previous"]
    assert current["companies"] == {"total": 5, "verified": 2, "new": 2, "lapsed": 1, "closed": 1,
                                    "assessments": 4, "assessments_verified": 3}  # fmt: skip
    assert previous["companies"] == {"total": 5, "verified": 2, "new": 2, "lapsed": 0, "closed": 0,
                                     "assessments": 2, "assessments_verified": 2}  # fmt: skip
    placements = current["placements"]
    assert (placements["started"], placements["ended"], placements["employed"], placements["employment_share"]) == (
        3, 2, 1, 50,
    )  # fmt: skip
    assert sorted(n for _, n in placements["outcomes"]) == [1, 1]
    # The dataset had no planned placement, so it could not show that "started" counted planned ones; nor did it
    # check the 90-day share, "active now" (only for the running year; Y is over) or the per-company figures.
    assert (placements["past_90"], placements["followed_90"], placements["employed_90"]) == (2, 1, 1)
    assert placements["employment_share_90"] == 100
    assert placements["active"] is None
    assert sorted((row["employed"], row["ended"], row["employment_share"]) for row in placements["by_company"]) == [
        (0, 1, 0), (1, 1, 100)
    ]  # fmt: skip
    assert previous["placements"]["started"] == 1
    procurement = current["procurement"]
    assert procurement["published_total"] == 2
    assert (procurement["published_reserved"], procurement["published_employment_requirement"]) == (1, 1)
    assert (procurement["awarded_total"], procurement["awarded_reserved"]) == (1, 1)
    assert (procurement["asf_value"], procurement["total_value"], procurement["asf_share"]) == (
        300_000,
        6_000_000,
        5.0,
    )
    assert previous["procurement"]["published_direct_award"] == 1
    assert (previous["procurement"]["asf_value"], previous["procurement"]["asf_share"]) == (0, None)
    (plan,) = figures["plans"]  # the old plan does not cover Y
    (goal,) = plan["goals"]
    assert (goal["percent"], goal["light"]) == (50, "late")
    titles = {a["title"]: a for a in goal["activities"]}
    assert titles["Dialogmöten med ASF"]["indicators"] == [
        {"name": "Antal dialogmöten", "baseline": 2, "target": 10, "actual": 7}
    ]
    assert titles["Reserverad upphandling av städning"]["light"] == "late"


def _pdf_text(report) -> str:
    with report.pdf.open("rb") as fh:
        result = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=fh.read(), capture_output=True, check=True
        )
    return re.sub(r"[ \t\xa0]+", " ", result.stdout.decode())


def test_the_pdf_shows_the_same_figures_in_swedish(dataset, coordinator):
    text = _pdf_text(_generate(coordinator))
    assert f"Årsrapport {Y}: Östra Göinge kommun" in text
    for line in [
        "Verifierade vid årets slut 2",
        "Nyverifierade under året 2",
        "Verifieringen löpte ut under året 1",
        "Avvecklade under året 1",
        "Bedömningar gjorda av organisationen 4",
        "Påbörjade under året 3",
        "Andel avslutade placeringar som ledde till anställning 50 %",
        "Tilldelat ASF 300 000 kr",
        "ASF:s andel av allt kontraktsvärde 5,0 %",
        "Dialogmöten med ASF Genomförd 100 %",
        "Antal dialogmöten: 7 / 10 (2)",
    ]:
        assert line in text, line
    assert "Försenad" in text  # the late activity's signal, in words and not only as a colour


def test_the_workbook_agrees_with_the_page(dataset, coordinator, client):
    report = _generate(coordinator)
    with report.xlsx.open("rb") as fh:
        workbook = load_workbook(io.BytesIO(fh.read()))
    summary = {
        row[0]: row[1:] for row in workbook.worksheets[0].iter_rows(values_only=True) if row and row[0]
    }
    assert summary["Verifierade ASF vid årets slut"][:3] == (2, 2, 0)
    assert summary["Avtalsvärde tilldelat ASF (kr)"][:3] == (300_000, 0, 300_000)
    assert summary["ASF:s andel av allt kontraktsvärde (%)"][0] == 5.0
    activities = list(workbook["Aktiviteter"].iter_rows(values_only=True))
    assert ("Handlingsplan för ASF", "Fler ASF får uppdrag", "Dialogmöten med ASF", "Genomförd", 100, "Enligt plan",
            "Antal dialogmöten", 2, 10, 7) in activities  # fmt: skip
    client.force_login(coordinator)
    page = client.get(reverse("policies:report-detail", args=[report.pk])).content.decode()
    assert 'role="img"' in page and "Tilldelat ASF" in page and "300" in page


def test_a_report_is_frozen_and_regenerated_as_a_new_version(dataset, coordinator):
    first = _generate(coordinator)
    CompanyFactory(name="G").municipalities.set([dataset])
    _assess(Company.objects.get(name="G"), date(Y, 12, 1), coordinator)
    first.refresh_from_db()
    assert first.figures["current"]["companies"]["verified"] == 2
    second = _generate(coordinator)
    assert (second.version, second.figures["current"]["companies"]["verified"]) == (2, 3)
    first.refresh_from_db()
    assert first.figures["current"]["companies"]["verified"] == 2 and first.pdf.name != second.pdf.name


def test_a_report_for_a_future_year_or_a_state_agency_is_refused(coordinator):
    with pytest.raises(DomainError):
        services.report_request(organisation=coordinator.organisation, year=TODAY.year + 1, actor=coordinator)
    agency = OrganisationFactory(kind=Organisation.Kind.STATE_AGENCY)
    with pytest.raises(DomainError):
        services.report_request(organisation=agency, year=Y, actor=coordinator)
    assert not AnnualReport.objects.exists()


def test_the_january_run_makes_one_report_per_organisation_and_announces_it(
    coordinator, django_capture_on_commit_callbacks
):
    forbund = OrganisationFactory(samordningsforbund=True)
    forbund_coordinator = UserFactory(role="coordinator", organisation=forbund)
    region = OrganisationFactory(kind=Organisation.Kind.REGION, code="98", name="Testregionen")
    # Every active kommun, region and förbund gets one; any others are set inactive to keep the test quick.
    Organisation.objects.exclude(pk__in=[coordinator.organisation_id, forbund.pk, region.pk]).update(
        is_active=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        queued = services.reports_january_run(year=Y)
    reporting = Organisation.objects.filter(kind__in=services.REPORTING_KINDS, is_active=True).count()
    assert queued == reporting == 3
    assert AnnualReport.objects.filter(year=Y, status="done", requested_by=None).count() == reporting
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reports_january_run(year=Y) == 0  # already made: nothing new
    for person in (coordinator, forbund_coordinator):
        assert Notification.objects.filter(recipient=person, kind="policies.report_ready").count() == 1


def test_the_contract_total_form_saves_and_replaces_a_year(client, coordinator):
    client.force_login(coordinator)
    url = reverse("policies:reports")
    client.post(url, {"year": Y, "total_value": "1000000"})
    client.post(url, {"year": Y, "total_value": "2500000"})
    assert ContractTotal.objects.get(organisation=coordinator.organisation, year=Y).total_value == Decimal(
        2_500_000
    )
    response = client.post(url, {"year": Y, "total_value": "-5"})
    assert response.status_code == 200 and "större än eller lika med 0" in response.content.decode()
    assert ContractTotal.objects.get(organisation=coordinator.organisation, year=Y).total_value == Decimal(
        2_500_000
    )


def test_a_bad_year_gets_a_clear_message_and_saves_nothing(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("policies:reports"), {"report-year": TODAY.year + 1})
    assert response.status_code == 200
    assert "En rapport kan bara göras för i år eller ett tidigare år." in response.content.decode()
    assert not AnnualReport.objects.exists()


@pytest.fixture
def other_rep(other_municipality):
    """A representative of a company in another organisation's area (company_rep has no company)."""
    company = CompanyFactory(verified=True)
    company.municipalities.add(other_municipality)
    return RepresentativeFactory(company=company).user


# Reports and follow-ups are the coordinator's organisation's: another organisation's coordinator gets 404 for them
# (not theirs); every other role, representatives included, gets 403 (only coordinators go there).
VISITORS = ["anonymous", "coordinator", "outsider", "officer", "company_rep", "admin_user", "other_rep"]
MATRIX = {
    "reports": ["login", 200, 200, 403, 403, 403, 403],
    "report-detail": ["login", 200, 404, 403, 403, 403, 403],
    "report-status": ["login", 200, 404, 403, 403, 403, 403],
    "report-download": ["login", 200, 404, 403, 403, 403, 403],
    "activity-followup": ["login", 200, 404, 403, 403, 403, 403],
}


@pytest.mark.parametrize("name", list(MATRIX))
@pytest.mark.parametrize("visitor_index", range(len(VISITORS)))
def test_only_the_organisations_coordinators_see_its_reports(
    client, request, coordinator, name, visitor_index
):
    report = _generate(coordinator)
    activity = Activity.objects.create(
        plan=ActionPlan.objects.create(
            organisation=coordinator.organisation, title="P", start_year=Y, end_year=Y
        ),
        title="A",
        responsible_organisation=coordinator.organisation,
        start_on=date(Y, 1, 1),
        end_on=date(Y, 2, 1),
    )
    args = {"report-download": [report.pk, "pdf"], "reports": [], "activity-followup": [activity.pk]}.get(
        name, [report.pk]
    )
    assert_visit(
        client,
        request,
        reverse(f"policies:{name}", args=args),
        VISITORS[visitor_index],
        MATRIX[name][visitor_index],
    )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_generates_the_report_with_visible_progress(start_worker, settings, client, coordinator):
    start_worker(MEDIA_ROOT=str(settings.MEDIA_ROOT))
    client.force_login(coordinator)
    response = client.post(reverse("policies:reports"), {"report-year": Y})
    report = AnnualReport.objects.get()
    assert response.url == reverse("policies:report-detail", args=[report.pk])
    status_url = reverse("policies:report-status", args=[report.pk])
    seen = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        data = client.get(status_url).json()
        seen.append(data["progress"])
        if data["finished"]:
            break
        time.sleep(0.05)
    assert data["status"] == "done" and data["progress"] == 100
    assert seen == sorted(seen)  # progress only moves forward
    download = client.get(reverse("policies:report-download", args=[report.pk, "pdf"]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_indicators_and_milestones_are_edited_all_or_nothing(client, coordinator):
    organisation = coordinator.organisation
    plan = ActionPlan.objects.create(organisation=organisation, title="Plan", start_year=Y, end_year=Y + 1)
    activity = Activity.objects.create(plan=plan, title="Dialog", responsible_organisation=organisation,
                                       start_on=date(Y, 1, 1), end_on=date(Y, 12, 31))  # fmt: skip
    client.force_login(coordinator)
    url = reverse("policies:activity-followup", args=[activity.pk])
    management = {"indicators-TOTAL_FORMS": "1", "indicators-INITIAL_FORMS": "0",
                  "milestones-TOTAL_FORMS": "1", "milestones-INITIAL_FORMS": "0"}  # fmt: skip
    good = {**management, "indicators-0-name": "Antal ASF", "indicators-0-baseline": "4", "indicators-0-target": "8",
            "indicators-0-kolada_id": "N00945", "indicators-0-actuals": f"{Y}: 5, {Y + 1}: 6,5",
            "milestones-0-title": "Första dialogmötet", "milestones-0-due_on": f"{Y}-03-01"}  # fmt: skip
    bad = {
        **good,
        "indicators-0-name": "Annat",
        "milestones-0-done_on": (TODAY + timedelta(days=5)).isoformat(),
    }
    response = client.post(url, bad)
    assert "Ett delmål kan inte vara klart ett framtida datum." in response.content.decode()
    assert not Indicator.objects.exists()  # the indicator was not kept when the milestone was refused
    response = client.post(url, {**good, "indicators-0-actuals": "förra året: många"})
    assert "Skriv varje värde som år: värde, till exempel 2025: 12." in response.content.decode()
    assert client.post(url, good).status_code == 302
    indicator = Indicator.objects.get(activity=activity)
    assert indicator.actuals == {str(Y): 5, str(Y + 1): 6.5}
    assert activity.milestones.get().title == "Första dialogmötet"
    page = client.get(url).content.decode()
    assert f"{Y}: 5, {Y + 1}: 6.5" in page
    outsider = UserFactory(role="coordinator", organisation=OrganisationFactory(kommun=True))
    client.force_login(outsider)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("plans", [1, 6])
def test_the_report_pages_use_constant_queries(client, coordinator, django_assert_num_queries, plans):
    organisation = coordinator.organisation
    for n in range(plans):
        plan = ActionPlan.objects.create(
            organisation=organisation, title=f"Plan {n}", start_year=Y, end_year=Y
        )
        goal = Goal.objects.create(plan=plan, title="Mål")
        Activity.objects.create(plan=plan, goal=goal, title="A", responsible_organisation=organisation,
                                start_on=date(Y, 1, 1), end_on=date(Y, 2, 1))  # fmt: skip
        report = _generate(coordinator)
    client.force_login(coordinator)
    # The page reads only the frozen figures, so its queries do not grow with the plans or the data behind them;
    # one of them is the header's list of the person's memberships, cached from then on (as the unread count).
    with django_assert_num_queries(6):
        assert client.get(reverse("policies:report-detail", args=[report.pk])).status_code == 200
    # The header's unread count is cached per person (core/cache.py): counted on the first page above, it is
    # read from the cache here, leaving this page's own queries (the session's user, the organisation, the
    # reports and the totals, inside the request's savepoint).
    with django_assert_num_queries(6):
        assert client.get(reverse("policies:reports")).status_code == 200
