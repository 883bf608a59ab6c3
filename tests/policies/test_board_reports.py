"""A samordningsförbund's interim and annual reports to its board in its coordinators' work queue (Finsam 7 §;
issue 15 §1): due by the schedule, overdue once past, gone once recorded as put before the board."""

from datetime import date

import pytest
from django.urls import reverse

from asfportal.accounts.models import Role
from asfportal.core.exceptions import DomainError
from asfportal.core.queue import work_queue
from policies import services
from policies.models import BoardReport
from tests.accounts.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 7)


@pytest.fixture
def forbund_coordinator():
    return UserFactory(role=Role.COORDINATOR, organisation=OrganisationFactory(samordningsforbund=True))


def _reports(user):
    return [item for item in work_queue(user, today=TODAY).items if item.kind == "policies.board_report"]


def test_the_periods_of_the_last_year_that_have_ended_are_due():
    assert BoardReport.periods_due(today=TODAY) == [
        ("annual", date(2025, 12, 31)), ("interim", date(2026, 4, 30)), ("interim", date(2026, 9, 30))
    ]  # fmt: skip


def test_a_forbund_coordinator_sees_each_report_due_until_it_is_recorded(forbund_coordinator, coordinator):
    items = _reports(forbund_coordinator)
    assert [(i.due, i.overdue) for i in items] == [
        (date(2026, 2, 14), True), (date(2026, 5, 31), True), (date(2026, 10, 31), True)
    ]  # fmt: skip
    assert items[2].url == reverse("policies:board-report-record", args=["interim", "2026-09-30"])
    assert _reports(coordinator) == []  # a municipality has no board to report to here
    services.board_report_record(organisation=forbund_coordinator.organisation, kind="interim",
                                 period_end=date(2026, 9, 30), submitted_on=date(2026, 10, 20),
                                 actor=forbund_coordinator)  # fmt: skip
    assert [i.due for i in _reports(forbund_coordinator)] == [date(2026, 2, 14), date(2026, 5, 31)]


def test_a_report_is_recorded_once_and_never_for_a_period_not_yet_ended(forbund_coordinator):
    organisation = forbund_coordinator.organisation
    services.board_report_record(organisation=organisation, kind="annual", period_end=date(2025, 12, 31),
                                 submitted_on=date(2026, 2, 1), actor=forbund_coordinator)  # fmt: skip
    with pytest.raises(DomainError):
        services.board_report_record(organisation=organisation, kind="annual", period_end=date(2025, 12, 31),
                                     submitted_on=date(2026, 2, 2), actor=forbund_coordinator)  # fmt: skip
    with pytest.raises(DomainError):
        services.board_report_record(organisation=organisation, kind="annual", period_end=date(2026, 12, 31),
                                     submitted_on=date(2026, 12, 1), actor=forbund_coordinator)  # fmt: skip
    assert BoardReport.objects.count() == 1


def test_the_page_records_the_report_and_refuses_a_municipality(client, forbund_coordinator, coordinator):
    periods = BoardReport.periods_due(today=date.today())
    kind, end = periods[-1]
    url = reverse("policies:board-report-record", args=[kind, end.isoformat()])
    client.force_login(forbund_coordinator)
    assert client.get(url).status_code == 200
    assert client.post(url, {"submitted_on": date.today().isoformat()}).status_code == 302
    assert BoardReport.objects.filter(organisation=forbund_coordinator.organisation, period_end=end).exists()
    assert (
        client.get(reverse("policies:board-report-record", args=["nonsense", "2026-01-01"])).status_code
        == 404
    )
    assert client.get(reverse("policies:board-report-record", args=[kind, "not-a-day"])).status_code == 404
    client.force_login(coordinator)
    client.post(url, {"submitted_on": date.today().isoformat()})
    assert not BoardReport.objects.filter(organisation=coordinator.organisation).exists()
