"""The coordinator's caseload lists: participants and placements filtered by status, company, period and follow-up
state, searched by code, sorted and paged, exported to Excel (and logged), for the own organisation only."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from placements import selectors, services
from placements.models import AccessLogEntry, FollowUp, Placement
from tests.companies.factories import CompanyFactory
from tests.placements.factories import OfferFactory, ParticipantFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _place(coordinator, *, code, company=None, start=TODAY, days=60, started=True, offer=None):
    participant = ParticipantFactory(organisation=coordinator.organisation, code=code)
    offer = offer or OfferFactory(company=company or CompanyFactory(verified=True), places=5)
    placement = services.placement_create(
        participant=participant, offer=offer, actor=coordinator,
        fields={"support_measure": "af_work_training", "start_on": start, "planned_end_on": start + timedelta(days=days),
                "hours_per_week": 20},
    )  # fmt: skip
    if started:
        services.placement_start(placement=placement, actor=coordinator)
    return placement


def _first_follow_up(placement):
    return FollowUp.objects.filter(pk=placement.follow_ups.order_by("due_on").first().pk)


def _codes(response) -> list[str]:
    return [p.participant.code if isinstance(p, Placement) else p.code for p in response.context["page_obj"]]


@pytest.fixture
def caseload(coordinator):
    """Three placements: one active at Kafé with a follow-up overdue, one planned at Städ, one ended."""
    cafe, clean = (
        CompanyFactory(verified=True, name="Kafé Gemenskap"),
        CompanyFactory(verified=True, name="Städ AB"),
    )
    overdue = _place(coordinator, code="P-ORB-AAA111", company=cafe)
    _first_follow_up(overdue).update(due_on=TODAY - timedelta(days=3))
    planned = _place(
        coordinator, code="P-ORB-BBB222", company=clean, start=TODAY + timedelta(days=30), started=False
    )
    ended = _place(
        coordinator, code="P-ORB-CCC333", company=cafe, start=TODAY - timedelta(days=200), started=False
    )
    Placement.objects.filter(pk=ended.pk).update(
        status="ended", ended_on=TODAY - timedelta(days=100), outcome="work_at_asf"
    )
    return {"cafe": cafe, "clean": clean, "overdue": overdue, "planned": planned, "ended": ended}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["P-ORB-BBB222", "P-ORB-AAA111", "P-ORB-CCC333"]),
        ({"status": "active"}, ["P-ORB-AAA111"]),
        ({"status": "planned"}, ["P-ORB-BBB222"]),
        ({"q": "bbb2"}, ["P-ORB-BBB222"]),
        ({"follow_up": "overdue"}, ["P-ORB-AAA111"]),
        ({"follow_up": "none"}, ["P-ORB-BBB222", "P-ORB-CCC333"]),
        ({"period_from": (TODAY + timedelta(days=100)).isoformat()}, []),
        ({"period_to": (TODAY - timedelta(days=150)).isoformat()}, ["P-ORB-CCC333"]),
        (
            {"period_from": (TODAY - timedelta(days=50)).isoformat(), "period_to": TODAY.isoformat()},
            ["P-ORB-AAA111"],
        ),
        ({"sort": "code"}, ["P-ORB-AAA111", "P-ORB-BBB222", "P-ORB-CCC333"]),
        ({"sort": "start"}, ["P-ORB-CCC333", "P-ORB-AAA111", "P-ORB-BBB222"]),
        ({"sort": "-end"}, ["P-ORB-BBB222", "P-ORB-AAA111", "P-ORB-CCC333"]),
        ({"sort": "follow_up"}, ["P-ORB-AAA111", "P-ORB-BBB222", "P-ORB-CCC333"]),
        ({"sort": "drop table"}, ["P-ORB-BBB222", "P-ORB-AAA111", "P-ORB-CCC333"]),
    ],
)
def test_the_placement_list_filters_searches_and_sorts(client, coordinator, caseload, query, expected):
    client.force_login(coordinator)
    response = client.get(reverse("placements:placement-list"), query)
    assert response.status_code == 200
    assert _codes(response) == expected


def test_the_placement_list_filters_by_company(client, coordinator, caseload):
    client.force_login(coordinator)
    response = client.get(reverse("placements:placement-list"), {"company": caseload["clean"].pk})
    assert _codes(response) == ["P-ORB-BBB222"]


def test_the_company_filter_offers_only_companies_the_organisation_placed_at(client, coordinator, caseload):
    CompanyFactory(verified=True, name="Annan Firma")
    client.force_login(coordinator)
    choices = [
        label
        for _value, label in client.get(reverse("placements:placement-list"))
        .context["form"]
        .fields["company"]
        .choices
    ]
    assert choices[1:] == ["Kafé Gemenskap", "Städ AB"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["P-ORB-AAA111", "P-ORB-BBB222", "P-ORB-CCC333"]),
        ({"status": "ended"}, ["P-ORB-CCC333"]),
        ({"q": "ccc"}, ["P-ORB-CCC333"]),
        ({"follow_up": "overdue"}, ["P-ORB-AAA111"]),
        ({"sort": "-code"}, ["P-ORB-CCC333", "P-ORB-BBB222", "P-ORB-AAA111"]),
        ({"sort": "follow_up"}, ["P-ORB-AAA111", "P-ORB-BBB222", "P-ORB-CCC333"]),
    ],
)
def test_the_participant_list_filters_by_placements_searches_and_sorts(
    client, coordinator, caseload, query, expected
):
    client.force_login(coordinator)
    response = client.get(reverse("placements:participant-list"), query)
    assert _codes(response) == expected


def test_the_participant_list_filters_by_company_and_shows_the_latest_placement(
    client, coordinator, caseload
):
    ParticipantFactory(organisation=coordinator.organisation, code="P-ORB-DDD444")  # never placed
    client.force_login(coordinator)
    response = client.get(reverse("placements:participant-list"), {"company": caseload["cafe"].pk})
    assert _codes(response) == ["P-ORB-AAA111", "P-ORB-CCC333"]
    page = response.content.decode()
    assert "Kafé Gemenskap" in page and "Försenad" in page and "P-ORB-DDD444" not in page


def test_a_due_soon_and_a_90_day_follow_up_are_their_own_states(coordinator, caseload):
    _first_follow_up(caseload["overdue"]).update(due_on=TODAY + timedelta(days=10))
    FollowUp.objects.create(
        placement=caseload["ended"], kind="after_90_days", due_on=TODAY - timedelta(days=10)
    )
    org = coordinator.organisation_id

    def codes(state):
        rows = selectors.placement_list(organisation_id=org, filters={"follow_up": state}, today=TODAY)
        return [p.participant.code for p in rows]

    assert codes("due_soon") == ["P-ORB-AAA111"]
    assert codes("due_90") == ["P-ORB-CCC333"]
    assert codes("overdue") == ["P-ORB-CCC333"]  # the 90-day follow-up is overdue too


def test_a_bad_filter_is_shown_on_its_field_and_the_others_still_apply(client, coordinator, caseload):
    client.force_login(coordinator)
    response = client.get(
        reverse("placements:placement-list"), {"status": "active", "period_from": "igår", "company": "x"}
    )
    assert response.status_code == 200
    assert _codes(response) == ["P-ORB-AAA111"]
    assert set(response.context["form"].errors) == {"period_from", "company"}


def test_a_period_that_ends_before_it_starts_is_refused_on_its_field(client, coordinator, caseload):
    client.force_login(coordinator)
    query = {"period_from": TODAY.isoformat(), "period_to": (TODAY - timedelta(days=1)).isoformat()}
    response = client.get(reverse("placements:placement-list"), query)
    assert "period_to" in response.context["form"].errors


def test_another_organisations_caseload_is_absent_from_both_lists(client, coordinator, outsider, caseload):
    client.force_login(outsider)
    for name in ("placements:placement-list", "placements:participant-list"):
        response = client.get(reverse(name))
        assert response.status_code == 200 and _codes(response) == []
        assert "P-ORB-" not in response.content.decode()
    # Nor through the company filter: another organisation's company is not a choice.
    response = client.get(reverse("placements:placement-list"), {"company": caseload["cafe"].pk})
    assert _codes(response) == [] and "company" in response.context["form"].errors


def test_an_htmx_request_gets_the_results_block_alone(client, coordinator, caseload):
    client.force_login(coordinator)
    url = reverse("placements:placement-list")
    partial = client.get(url, {"status": "active"}, headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert (
        body.lstrip().startswith('<section id="results"') and "<html" not in body and "P-ORB-AAA111" in body
    )
    assert "HX-Request" in partial["Vary"]
    restore = client.get(
        url, {"status": "active"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restore.content.decode()
    assert "<html" in client.get(url, {"status": "active"}).content.decode()


def test_the_filter_form_works_without_javascript_and_asks_htmx_for_the_results(
    client, coordinator, caseload
):
    client.force_login(coordinator)
    page = client.get(reverse("placements:participant-list")).content.decode()
    assert (
        'method="get"' in page and 'data-hx-get="/deltagare/"' in page and 'data-hx-push-url="true"' in page
    )
    assert 'data-hx-target="#results"' in page


def test_the_placement_export_holds_the_filtered_list_and_logs_each_participant(
    client, coordinator, caseload
):
    client.force_login(coordinator)
    response = client.get(
        reverse("placements:placement-list"), {"company": caseload["cafe"].pk, "format": "xlsx"}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Deltagarkod", "Företag", "Arbetsområde", "Status")
    assert sorted(r[0] for r in rows[1:]) == ["P-ORB-AAA111", "P-ORB-CCC333"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:K3"
    assert rows[1][5] is not None and sheet["F2"].number_format == "yyyy-mm-dd"
    logged = AccessLogEntry.objects.filter(action="exported in a list", user=coordinator)
    assert sorted(logged.values_list("participant_code", flat=True)) == ["P-ORB-AAA111", "P-ORB-CCC333"]
    assert set(logged.values_list("organisation_id", flat=True)) == {coordinator.organisation_id}


def test_the_participant_export_holds_the_filtered_list_and_logs_each_participant(
    client, coordinator, caseload
):
    client.force_login(coordinator)
    response = client.get(reverse("placements:participant-list"), {"status": "planned", "format": "xlsx"})
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Deltagarkod" and [r[0] for r in rows[1:]] == ["P-ORB-BBB222"]
    assert rows[1][3] == "Städ AB" and rows[1][4] == "Planerad"
    assert list(
        AccessLogEntry.objects.filter(action="exported in a list").values_list("participant_code", flat=True)
    ) == ["P-ORB-BBB222"]


def test_an_export_by_another_organisation_holds_none_of_ours(client, outsider, caseload):
    client.force_login(outsider)
    response = client.get(reverse("placements:placement-list"), {"format": "xlsx"})
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1 and not AccessLogEntry.objects.filter(action="exported in a list").exists()


def test_a_text_that_looks_like_a_formula_stays_text_in_the_export(client, coordinator):
    company = CompanyFactory(verified=True, name="=HYPERLINK(1)")
    _place(coordinator, code="P-ORB-EEE555", company=company)
    client.force_login(coordinator)
    response = client.get(reverse("placements:placement-list"), {"format": "xlsx"})
    cell = load_workbook(BytesIO(response.content)).active["B2"]
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"


@pytest.mark.parametrize("rows", [1, 25])
@pytest.mark.parametrize("name", ["placements:placement-list", "placements:participant-list"])
def test_the_filtered_lists_use_constant_queries(client, coordinator, django_assert_num_queries, rows, name):
    company = CompanyFactory(verified=True)
    offer = OfferFactory(company=company, places=30)
    for n in range(rows):
        placement = _place(coordinator, code=f"P-ORB-Q{n:05d}", offer=offer)
        _first_follow_up(placement).update(due_on=TODAY - timedelta(days=1))
    client.force_login(coordinator)
    query = {"q": "P-ORB", "status": "active", "company": company.pk, "follow_up": "overdue", "sort": "follow_up",
             "period_from": (TODAY - timedelta(days=5)).isoformat(), "period_to": TODAY.isoformat()}  # fmt: skip
    # user, organisation; the company's check; the company choices; count; page; the session's last-seen mark;
    # the header's list of the person's memberships (the cache is empty here)
    with django_assert_num_queries(9):
        response = client.get(reverse(name), query)
    assert response.status_code == 200 and len(response.context["page_obj"]) == rows


def _company_options(response) -> list[str]:
    html = response.content.decode()
    select = html[html.index('name="company"') : html.index("</select>", html.index('name="company"'))]
    return re.findall(r"<option value=\"\d+\"[^>]*>([^<]*)</option>", select)


@pytest.mark.parametrize("name", ["placements:placement-list", "placements:participant-list"])
def test_the_cached_company_filter_changes_at_once_with_a_new_placement_and_is_the_organisations_own(
    client, coordinator, outsider, caseload, name
):
    client.force_login(coordinator)
    assert _company_options(client.get(reverse(name))) == ["Kafé Gemenskap", "Städ AB"]
    assert _company_options(client.get(reverse(name))) == ["Kafé Gemenskap", "Städ AB"]  # from the cache now
    _place(coordinator, code="P-ORB-DDD444", company=CompanyFactory(verified=True, name="Annan Firma"))
    assert _company_options(client.get(reverse(name))) == ["Annan Firma", "Kafé Gemenskap", "Städ AB"]
    # The selected company and a bad value's error are the request's own, not the cached page's.
    response = client.get(reverse(name), {"company": caseload["clean"].pk})
    assert f'<option value="{caseload["clean"].pk}" selected>' in response.content.decode()
    assert "is-invalid" not in response.content.decode()
    assert "is-invalid" in client.get(reverse(name), {"company": "999999"}).content.decode()
    # Another organisation asking the same filters gets its own (empty) company list, never ours.
    client.force_login(outsider)
    assert _company_options(client.get(reverse(name))) == []
    assert _company_options(client.get(reverse(name), {"company": caseload["clean"].pk})) == []
