"""The whole CPV vocabulary: loaded with its Swedish labels, searched by code and word ignoring accents, through a
JSON endpoint and in the tender and saved-search forms, typed as plain text when there is no JavaScript."""

import csv
import json
from pathlib import Path

import pytest
from django.urls import reverse

from procurement import selectors
from procurement.forms import SavedSearchForm, TenderFilterForm, TenderForm
from procurement.models import CpvCode, SavedSearch
from tests.companies.factories import CompanyFactory, RepresentativeFactory

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[2] / "procurement" / "data"


def test_the_whole_vocabulary_is_loaded_with_the_official_swedish_labels():
    with open(DATA / "cpv_sv.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 9454
    assert CpvCode.objects.count() == 9454  # the curated codes are part of the vocabulary, none is twice
    assert CpvCode.objects.get(code="03111000-2").label == "Frön"
    assert CpvCode.objects.get(code="90910000-9").is_shortcut
    assert not CpvCode.objects.get(code="03111000-2").is_shortcut


def test_the_curated_list_is_the_shortcut_offered_before_anything_is_typed():
    with open(DATA / "cpv_asf_services.csv", encoding="utf-8") as fh:
        curated = {row["cpv"] for row in csv.DictReader(fh)}
    shortcut = selectors.cpv_search(query="", limit=100)
    assert {code.code[:8] for code in shortcut} == curated


@pytest.mark.parametrize("query", ["städning", "STADNING", "stadning", "Städ", "rengoring"])
def test_a_word_finds_its_code_ignoring_case_and_accents(query):
    # 90910000-9 is "Rengöring" in the curated list and "Städning" in the EU's vocabulary: both find it.
    assert "90910000-9" in [code.code for code in selectors.cpv_search(query=query)]


def test_digits_find_the_codes_beginning_with_them_broadest_first():
    codes = [code.code for code in selectors.cpv_search(query="9091")]
    assert codes[0] == "90910000-9"
    assert all(code.startswith("9091") for code in codes)


def test_every_word_must_match_and_a_code_with_its_label_finds_itself():
    words = [code.code for code in selectors.cpv_search(query="blom frön")]
    assert words == ["03111900-1"]  # Blomfrön; not Snittblommor, nor Solrosfrön
    pasted = [code.code for code in selectors.cpv_search(query="90910000-9 Rengöring")]
    assert pasted == ["90910000-9"]


def test_a_search_returns_at_most_the_limit_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(selectors.cpv_search(query="tjänster")) == selectors.CPV_SEARCH_LIMIT


def test_the_search_endpoint_is_public_json_and_answers_head(client):
    response = client.get(reverse("procurement:cpv-search"), {"q": "snöröjning"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert {"value": "90620000-9", "prefix": "9062", "text": "90620000-9 Snöröjning"} in results
    assert client.head(reverse("procurement:cpv-search"), {"q": "snö"}).status_code == 200
    assert client.get(reverse("procurement:cpv-search"), {"q": "zzzzqqq"}).json() == {"results": []}


def test_the_prefix_of_a_code_is_its_place_in_the_hierarchy():
    assert CpvCode(code="90910000-9").prefix == "9091"
    assert CpvCode(code="90000000-7").prefix == "90"
    assert CpvCode(code="03111000-2").prefix == "03111"


def _tender_form(cpv: str) -> TenderForm:
    return TenderForm(
        data={
            "title": "Städning",
            "description": "Daglig städning.",
            "legal_basis": "lou_4_18_1",
            "cpv_codes": cpv,
            "estimated_value": "100000",
            "submission_deadline_at": "2030-01-01T12:00",
        }
    )


def test_without_javascript_codes_are_typed_with_or_without_their_check_digit():
    form = _tender_form("90910000, 03111000-2; 85311000-2 Socialtjänster med inkvartering")
    assert form.is_valid(), form.errors
    assert sorted(code.code for code in form.cleaned_data["cpv_codes"]) == [
        "03111000-2",
        "85311000-2",
        "90910000-9",
    ]


def test_a_typed_code_with_a_wrong_check_digit_or_unknown_is_refused_in_swedish():
    wrong = _tender_form("90910000-1")
    assert not wrong.is_valid()
    assert wrong.errors["cpv_codes"] == ["Kontrollsiffran i CPV-koden 90910000-1 är fel."]
    unknown = _tender_form("12345678")
    assert not unknown.is_valid()
    assert unknown.errors["cpv_codes"] == ["12345678-0 är ingen CPV-kod."]


def test_the_field_shows_the_chosen_codes_with_their_labels_for_the_combobox():
    form = TenderForm(initial={"cpv_codes": [CpvCode.objects.get(code="90910000-9")]})
    html = str(form["cpv_codes"])
    assert 'value="90910000-9"' in html
    assert f'data-cpv-search="{reverse("procurement:cpv-search")}"' in html
    start = html.index("data-data=") + len('data-data="')
    items = json.loads(html[start : html.index('"', start)].replace("&quot;", '"'))
    assert items == [{"value": "90910000-9", "text": "90910000-9 Rengöring"}]  # the curated wording


def test_the_tender_list_filters_by_any_code_typed():
    form = TenderFilterForm({"cpv": "03111000"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["cpv"].code == "03111000-2"


def test_a_saved_search_keeps_the_prefix_of_a_searched_code(client):
    company_rep = RepresentativeFactory(company=CompanyFactory(verified=True)).user
    client.force_login(company_rep)
    response = client.post(reverse("procurement:saved-search-list"), {"cpv_prefix": "9062"})
    assert response.status_code == 302
    assert SavedSearch.objects.get(user=company_rep).cpv_prefix == "9062"
    html = str(SavedSearchForm(initial={"cpv_prefix": "9062"})["cpv_prefix"])
    assert "9062 Snöröjning" in html and 'data-cpv-value="prefix"' in html
