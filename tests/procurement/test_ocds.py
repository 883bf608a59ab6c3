"""OCDS open data as others' tools read it: OCP's data review (libcoveocds) with our extensions, offline; a release
per change and the record compiled from them as ocdskit compiles it; legal basis, reservation, identifiers and
Swedish dates field by field; HEAD and CORS on every open-data URL."""

import io
import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from procurement import services
from procurement.models import Lot, OcdsRelease, Submission, Tender
from procurement.ocds import EXTENSIONS, packages
from procurement.ocds.mapping import day_start
from tests.companies.factories import CompanyFactory, RepresentativeFactory
from tests.procurement.factories import TenderFactory
from tests.procurement.ocds_review import problems, review

pytestmark = pytest.mark.django_db
SWEDEN = ZoneInfo("Europe/Stockholm")


def _package(client) -> dict:
    response = client.get(reverse("procurement:ocds-releases"))
    return json.loads(b"".join(response.streaming_content))


def _record(client, tender) -> dict:
    ocid = f"ocds-asfprt-{tender.pk}"
    return json.loads(client.get(reverse("procurement:ocds-record", args=[ocid])).content)


@pytest.fixture
def rep():
    return RepresentativeFactory(company=CompanyFactory(verified=True, name="Städkraft")).user


def _lifecycle(officer, rep) -> Tender:
    """A tender in lots through every change: published, a question answered, amended, closed, awarded (the
    decision dated three weeks ago, so the standstill is over) and its contract signed."""
    today = timezone.localdate()
    tender = TenderFactory(buyer=officer.organisation, contract_start_on=today + timedelta(days=60),
                           contract_end_on=today + timedelta(days=240))  # fmt: skip
    Lot.objects.create(tender=tender, number=1, title="Skolor", is_reserved=True)
    Lot.objects.create(tender=tender, number=2, title="Förskolor", is_reserved=False)
    services.tender_publish(tender=tender, actor=officer)
    question = services.question_ask(tender=tender, company=rep.representation.company, text="Ingår golv?",
                                     actor=rep)  # fmt: skip
    services.question_answer(question=question, answer="Ja.", actor=officer)
    services.tender_amend(tender=tender, changes={"title": "Städning, ny titel"}, reason="Rättelse",
                          is_substantial=False, actor=officer)  # fmt: skip
    Submission.objects.create(tender=tender, company=rep.representation.company, submitted_by=rep, message="x",
                              submitted_at=timezone.now())  # fmt: skip
    Tender.objects.filter(pk=tender.pk).update(status="closed", submission_deadline_at=timezone.now())
    [award] = services.tender_award(tender=tender, awards=[{"company": rep.representation.company, "value": 500_000,
                                    "lot": tender.lots.get(number=1), "awarded_on": today - timedelta(days=21)}],
                                    actor=officer)  # fmt: skip
    services.award_sign(award=award, actor=officer)
    return tender


def test_a_tender_through_every_change_passes_the_data_review(client, officer, rep, monkeypatch):
    _lifecycle(officer, rep)
    cancelled = TenderFactory(buyer=officer.organisation, legal_basis=Tender.LegalBasis.RESERVED_4_18_2)
    services.tender_publish(tender=cancelled, actor=officer)
    services.tender_cancel(tender=cancelled, reason="Inget behov", actor=officer)
    TenderFactory(buyer=officer.organisation, published=True, legal_basis=Tender.LegalBasis.RESERVED_19_6A)
    package = _package(client)
    result = review(package, monkeypatch)
    assert problems(result) == {}
    assert result["extensions"]["extensions"]  # the five extensions were read from the vendored copies
    assert len(result["extensions"]["extensions"]) == len(EXTENSIONS)


def test_the_review_fails_on_a_broken_field_and_on_an_undeclared_or_misspelt_extension(
    client, officer, monkeypatch
):
    # The review is not a formality: each kind of mistake the old package made is caught.
    TenderFactory(buyer=officer.organisation, published=True)
    package = _package(client)
    broken = json.loads(json.dumps(package))
    broken["releases"][0]["tender"]["otherRequirements"] = {}  # the old package's empty object on a lot
    broken["releases"][0]["tender"]["enquiryPeriod"]["endDate"] = "2026-03-01"  # a date without time
    assert set(problems(review(broken, monkeypatch))) >= {"validation_errors"}

    misspelt = json.loads(json.dumps(package))
    misspelt["extensions"] = [url.replace("extensions/", "extension/", 1) for url in EXTENSIONS]
    found = problems(review(misspelt, monkeypatch))
    assert len(found["invalid_extension"]) == len(EXTENSIONS)
    assert "additional_fields" in found  # lots, legalBasis, ... are unknown without their extensions

    branch = json.loads(json.dumps(package))
    branch["extensions"] = [url.replace("/v1.1.5/", "/master/") for url in EXTENSIONS]
    assert problems(review(branch, monkeypatch))["invalid_extension"]  # only the pinned versions are vendored


def test_the_demo_package_passes_the_data_review(client, monkeypatch):
    call_command("seed_demo", "--allow-production", stdout=io.StringIO())
    package = _package(client)
    assert len(package["releases"]) >= 5
    assert problems(review(package, monkeypatch)) == {}
    buyers = {r["buyer"]["id"] for r in package["releases"]}
    assert buyers == {"SE-ON-212000-1967"}  # Örebro kommun, by its organisationsnummer
    for release in package["releases"]:
        ids = {p["id"] for p in release["parties"]}
        referenced = {release["buyer"]["id"]} | {
            s["id"] for a in release.get("awards", []) for s in a["suppliers"]
        }
        assert referenced <= ids  # every organisation the release names is among its parties


def test_the_national_benchmark_package_at_a_small_scale_passes_the_data_review(client, monkeypatch):
    call_command("seed_scale", "--allow-production", "--fraction", "0.002", stdout=io.StringIO())
    package = _package(client)
    assert len(package["releases"]) >= 20
    assert problems(review(package, monkeypatch)) == {}


def test_every_change_adds_a_release_and_the_record_compiles_them_as_ocdskit_does(client, officer, rep):
    import ocdskit.combine

    tender = _lifecycle(officer, rep)
    releases = [r for r in _package(client)["releases"] if r["ocid"] == f"ocds-asfprt-{tender.pk}"]
    tags = [r["tag"] for r in releases]
    assert tags == [["tender"], ["tenderUpdate"], ["tenderAmendment"], ["award"], ["contract"]]
    assert len({r["id"] for r in releases}) == 5
    assert [r["tender"]["title"] for r in releases][-3:] == ["Städning, ny titel"] * 3
    assert releases[0]["tender"]["title"] != "Städning, ny titel"  # a release is never rewritten
    assert OcdsRelease.objects.filter(tender=tender).count() == 5
    assert "contracts" not in releases[3]  # awarded, not yet signed
    (award,) = releases[4]["awards"]
    assert award["relatedLots"] == ["lot-1"]
    (contract,) = releases[4]["contracts"]
    assert contract["awardID"] == award["id"] and contract["status"] == "active"
    assert contract["dateSigned"] == day_start(timezone.localdate())  # the Swedish day, in Swedish time

    record_package = _record(client, tender)
    (record,) = record_package["records"]
    assert record["releases"] == releases
    schema = json.loads(packages.PATCHED_SCHEMA.read_text())
    package = {**_package(client), "releases": releases}
    (expected,) = next(ocdskit.combine.merge([package], schema=schema, return_package=True))["records"]
    assert record["compiledRelease"] == expected["compiledRelease"]
    assert record["compiledRelease"]["tag"] == ["compiled"]
    assert record["compiledRelease"]["awards"][0]["suppliers"][0]["name"] == "Städkraft"
    assert (
        record["compiledRelease"]["contracts"][0]["awardID"] == record["compiledRelease"]["awards"][0]["id"]
    )


def test_the_record_package_passes_the_data_review(client, officer, rep, monkeypatch):
    tender = _lifecycle(officer, rep)
    assert problems(review(_record(client, tender), monkeypatch)) == {}


def test_the_vendored_merge_schema_is_the_one_ocdskit_builds_from_our_extensions(monkeypatch):
    from ocdsextensionregistry import ProfileBuilder

    from tests.procurement.ocds_review import offline, standard_zip

    with offline(monkeypatch):
        built = ProfileBuilder(
            "1__1__5", EXTENSIONS, standard_base_url=standard_zip()
        ).patched_release_schema()
    assert json.loads(packages.PATCHED_SCHEMA.read_text()) == built


@pytest.mark.parametrize(
    ("basis", "field", "value"),
    [
        ("lou_4_18_1", "otherRequirements", {"reservedParticipation": ["shelteredWorkshop"]}),
        ("lou_19_6a", "otherRequirements", {"reservedParticipation": ["publicServiceMissionOrganization"]}),
        ("lou_4_18_2", "contractTerms", {"reservedExecution": True}),
    ],
)
def test_a_reservation_uses_only_the_extensions_codes(client, basis, field, value):
    tender = TenderFactory(published=True, legal_basis=basis)
    (release,) = _record(client, tender)["records"][0]["releases"]
    assert release["tender"][field] == value
    assert {"otherRequirements", "contractTerms"} - {field} - set(release["tender"]) == {
        "otherRequirements",
        "contractTerms",
    } - {field}


def test_an_ordinary_tender_has_no_reservation_and_its_legal_basis_names_the_act(client):
    tender = TenderFactory(published=True, legal_basis=Tender.LegalBasis.EMPLOYMENT_REQUIREMENT)
    (release,) = _record(client, tender)["records"][0]["releases"]
    assert "otherRequirements" not in release["tender"] and "contractTerms" not in release["tender"]
    assert release["tender"]["legalBasis"] == {
        "scheme": "CELEX",
        "id": "32014L0024",
        "uri": "https://eur-lex.europa.eu/eli/dir/2014/24/oj",
        "description": "Lag (2016:1145) om offentlig upphandling (LOU)",
    }


def test_the_legal_basis_names_the_provision_of_lou(client):
    tender = TenderFactory(published=True, legal_basis=Tender.LegalBasis.RESERVED_4_18_1)
    (release,) = _record(client, tender)["records"][0]["releases"]
    assert release["tender"]["legalBasis"]["description"] == (
        "Lag (2016:1145) om offentlig upphandling (LOU), 4 kap. 18 § första stycket"
    )


def test_a_reservation_on_some_lots_is_stated_on_those_lots_only(client, officer, rep):
    tender = _lifecycle(officer, rep)
    compiled = _record(client, tender)["records"][0]["compiledRelease"]
    lots = {lot["id"]: lot for lot in compiled["tender"]["lots"]}
    assert lots["lot-1"]["otherRequirements"] == {"reservedParticipation": ["shelteredWorkshop"]}
    assert "otherRequirements" not in lots["lot-2"]
    assert "otherRequirements" not in compiled["tender"]


def test_the_buyer_and_the_supplier_are_identified_by_organisation_number(client, officer, rep):
    officer.organisation.org_number = "212000-1876"
    officer.organisation.save()
    tender = _lifecycle(officer, rep)
    compiled = _record(client, tender)["records"][0]["compiledRelease"]
    parties = {p["id"]: p for p in compiled["parties"]}
    buyer = parties["SE-ON-212000-1876"]
    assert buyer["identifier"] == {
        "scheme": "SE-ON",
        "id": "212000-1876",
        "legalName": officer.organisation.name,
    }
    assert buyer["roles"] == ["buyer", "procuringEntity"]
    assert compiled["buyer"]["id"] == compiled["tender"]["procuringEntity"]["id"] == "SE-ON-212000-1876"
    company = rep.representation.company
    number = company.org_number.replace("-", "")
    supplier = parties[f"SE-ON-{number[:6]}-{number[6:]}"]
    assert supplier["roles"] == ["supplier"]
    assert compiled["awards"][0]["suppliers"][0]["id"] == supplier["id"]


def test_dates_are_swedish_time_with_their_offset_and_date_only_values_the_swedish_day(client, officer, rep):
    winter_deadline = datetime(2030, 12, 10, 12, 0, tzinfo=SWEDEN)
    tender = TenderFactory(
        buyer=officer.organisation,
        submission_deadline_at=winter_deadline,
        question_deadline_at=datetime(2030, 11, 30, 16, 0, tzinfo=SWEDEN),
        answers_published_by_at=datetime(2030, 12, 1, 16, 0, tzinfo=SWEDEN),
        contract_start_on=date(2031, 1, 1),
        contract_end_on=date(2031, 6, 30),
    )
    published = datetime(2030, 10, 5, 9, 30, tzinfo=SWEDEN)
    services.tender_publish(tender=tender, actor=officer, now=published)
    Submission.objects.create(tender=tender, company=rep.representation.company, submitted_by=rep, message="x",
                              submitted_at=published + timedelta(days=1))  # fmt: skip
    Tender.objects.filter(pk=tender.pk).update(status="closed")
    with _frozen_after(winter_deadline + timedelta(days=5)):
        services.tender_award(
            tender=tender,
            awards=[{"company": rep.representation.company, "value": 400_000, "awarded_on": date(2030, 12, 15),
                     "contract_start_on": date(2031, 1, 1), "contract_end_on": date(2031, 6, 30)}],
            actor=officer,
        )  # fmt: skip
    first, award = _record(client, tender)["records"][0]["releases"]
    assert first["date"] == "2030-10-05T09:30:00+02:00"  # summer time
    assert first["tender"]["tenderPeriod"] == {
        "startDate": "2030-10-05T09:30:00+02:00",
        "endDate": "2030-12-10T12:00:00+01:00",  # winter time
    }
    assert first["tender"]["enquiryPeriod"]["endDate"] == "2030-11-30T16:00:00+01:00"
    assert first["tender"]["contractPeriod"] == {
        "startDate": "2031-01-01T00:00:00+01:00",  # the Swedish day's start, not UTC midnight
        "endDate": "2031-06-30T23:59:59+02:00",  # an end date is the end of the Swedish day
    }
    assert award["awards"][0]["date"] == "2030-12-15T00:00:00+01:00"
    assert award["awards"][0]["contractPeriod"] == {
        "startDate": "2031-01-01T00:00:00+01:00",
        "endDate": "2031-06-30T23:59:59+02:00",
    }


class _frozen_after:
    """timezone.now() at a fixed moment, for a service that reads the clock itself (the award)."""

    def __init__(self, at):
        self.at = at

    def __enter__(self):
        from unittest import mock

        self.patch = mock.patch("django.utils.timezone.now", return_value=self.at)
        self.patch.start()

    def __exit__(self, *exc):
        self.patch.stop()


def test_the_package_declares_the_registry_urls_at_pinned_versions(client):
    package = _package(client)
    assert package["extensions"] == EXTENSIONS
    for url in EXTENSIONS:
        assert url.startswith("https://raw.githubusercontent.com/open-contracting-extensions/ocds_")
        assert "/master/" not in url and "/1.1/" not in url
    assert package["publicationPolicy"].endswith(reverse("core:publication-policy"))


def test_the_publication_policy_is_a_page_in_swedish_and_english_linked_from_the_open_data_page(client):
    swedish = client.get(reverse("core:publication-policy"), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Publiceringspolicy" in swedish
    client.cookies["django_language"] = "en"
    english = client.get(reverse("core:publication-policy")).content.decode()
    assert "Publication policy" in english
    index = client.get(reverse("core:open-data")).content.decode()
    assert reverse("core:publication-policy") in index


def test_a_tender_published_before_releases_were_kept_gets_one_release_as_it_stands(officer, rep):
    from procurement.services.ocds import ocds_releases_backfill, tenders_for_releases

    tender = _lifecycle(officer, rep)
    OcdsRelease.objects.filter(tender=tender).delete()
    assert ocds_releases_backfill(tenders_for_releases(Tender.objects.all())) == 1
    (release,) = OcdsRelease.objects.filter(tender=tender)
    assert release.tag == ["tender", "tenderAmendment", "award", "contract"]
    assert ocds_releases_backfill(tenders_for_releases(Tender.objects.all())) == 0  # never twice


OPEN_DATA = [
    ("procurement:ocds-releases", []),
    ("procurement:ocds-release", ["pk"]),
    ("procurement:ocds-record", ["ocid"]),
    ("procurement:tenders-ics", []),
    ("procurement:tender-ics", ["pk"]),
    ("companies:open-data-json", []),
    ("companies:open-data-csv", []),
]


@pytest.mark.parametrize(("name", "args"), OPEN_DATA)
def test_open_data_answers_head_as_get_and_lets_any_site_read_it(client, name, args):
    tender = TenderFactory(published=True)
    values = {"pk": tender.pk, "ocid": f"ocds-asfprt-{tender.pk}"}
    url = reverse(name, args=[values[a] for a in args])
    get, head = client.get(url), client.head(url)
    assert get.status_code == head.status_code == 200
    assert head["Content-Type"] == get["Content-Type"]
    assert get["Access-Control-Allow-Origin"] == head["Access-Control-Allow-Origin"] == "*"
    assert client.post(url).status_code == 405


def test_an_unknown_record_is_not_found(client):
    assert client.get(reverse("procurement:ocds-record", args=["ocds-asfprt-999999"])).status_code == 404
    draft = TenderFactory()
    assert client.get(reverse("procurement:ocds-record", args=[f"ocds-asfprt-{draft.pk}"])).status_code == 404


@pytest.mark.parametrize("tenders", [1, 25])
def test_the_release_package_streams_in_a_fixed_number_of_queries(client, tenders, django_assert_num_queries):
    TenderFactory.create_batch(tenders, published=True)
    # The request's savepoint and its release, and the releases read 500 at a time from one cursor.
    with django_assert_num_queries(3):
        package = _package(client)
    assert len(package["releases"]) == tenders


@pytest.mark.parametrize("changes", [0, 5])
def test_a_record_is_read_in_a_fixed_number_of_queries(client, officer, changes, django_assert_num_queries):
    tender = TenderFactory(buyer=officer.organisation, published=True)
    for n in range(changes):
        services.tender_amend(tender=tender, changes={"title": f"Titel {n}"}, reason="Rättelse",
                              is_substantial=False, actor=officer)  # fmt: skip
    with django_assert_num_queries(3):  # the request's savepoint and its release, and the releases
        _record(client, tender)
