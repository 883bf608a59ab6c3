"""The eForms import over the SDK's example notices, field by field, and the files it must refuse (issue 17 §1).

The expected values were read from the XML of each example (tests/procurement/eforms_examples/, copied from the
eForms SDK), not from the parser's output.
"""

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from procurement.eforms import MAX_NOTICE_BYTES, NoticeRefused, parse_notice
from procurement.eforms.fields import FIELDS, NODES
from procurement.eforms.values import swedish_org_number

EXAMPLES = Path(__file__).parent / "eforms_examples"
STOCKHOLM = ZoneInfo("Europe/Stockholm")
ROOT = Path(__file__).resolve().parents[2]


def example(name: str) -> bytes:
    return (EXAMPLES / f"{name}.xml").read_bytes()


def stockholm(*parts) -> datetime:
    return datetime(*parts, tzinfo=STOCKHOLM)


def refusal(data: bytes) -> str:
    """The Swedish reason the import gives for refusing `data`."""
    with translation.override("sv"), pytest.raises(NoticeRefused) as caught:
        parse_notice(data)
    return caught.value.message


def terms(notice) -> list[str]:
    return [item.term for item in notice.unmapped]


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.xml")), ids=lambda p: p.stem)
def test_every_sdk_example_is_imported_except_the_invalid_one(path):
    if path.stem.startswith("INVALID"):
        with pytest.raises(NoticeRefused):
            parse_notice(path.read_bytes())
    else:
        notice = parse_notice(path.read_bytes())
        assert notice.identifier and notice.title and notice.lots


def test_cn_social_24_light_regime_is_mapped_field_by_field():
    notice = parse_notice(example("cn-social_24"))
    assert notice.kind == "cn-social"
    assert (notice.notice_type, notice.form_type, notice.subtype) == ("cn-social", "competition", "20")
    assert notice.identifier == "76c82dad-10b1-4e6a-9326-9312b4bf9baf"
    assert notice.version == "01"
    assert notice.procedure_identifier == "1adea6cf-8780-4298-a915-55f6796bf847"
    assert notice.issued_at == stockholm(2019, 11, 25, 11, 11, 11)
    assert notice.language == "ENG"
    assert notice.legal_basis == "32014L0024"
    assert notice.legal_basis_label == "LOU (SFS 2016:1145), direktiv 2014/24/EU"
    assert (notice.procedure_type, notice.procedure_label) == ("oth-single", "Annat förfarande i ett steg")
    assert notice.main_nature == "services"
    assert notice.buyer.reference == "ORG-0001"
    assert notice.buyer.name == "Scotland Excel"
    assert (notice.buyer.identifier, notice.buyer.org_number) == ("n/a", "")
    assert notice.title == "Secure Care Services"
    assert notice.description.startswith("See II.2.4) (below) for a description of the procurement.")
    assert notice.description.endswith("under the Public Services Reform (Scotland) Act 2010.")
    assert notice.main_cpv == "85311300"
    assert notice.additional_cpv == ["85311300", "85310000", "85300000", "85000000", "80000000"]
    assert notice.cpv_codes == ["85311300", "85310000", "85300000", "85000000", "80000000"]
    assert (notice.estimated_value, notice.currency) == (None, "")
    [lot] = notice.lots
    assert lot.identifier == "LOT-0000"
    assert lot.title == "Secure Care Services"
    assert lot.description.startswith("Provision of secure care (secure accommodation) services.")
    assert lot.main_cpv == "85311300"
    assert lot.additional_cpv == ["85311300", "85310000", "85300000", "85000000", "80000000"]
    # 2020-01-06 12:00:00+01:00 is noon in Stockholm (winter time).
    assert lot.submission_deadline_at == stockholm(2020, 1, 6, 12, 0)
    assert lot.question_deadline_at is None
    assert (lot.reserved_participation, lot.reserved_participation_law) == ("none", "")
    assert lot.reserved_execution is False
    assert notice.submission_deadline_at == stockholm(2020, 1, 6, 12, 0)
    assert notice.reserved_participation == set()
    assert notice.change is None and notice.awards == []
    assert terms(notice) == ["BT-501-Organization-Company"]


def test_cn_24_maximal_maps_every_lot_with_reservations_and_swedish_deadlines():
    notice = parse_notice(example("cn_24_maximal"))
    assert notice.kind == "cn"
    assert notice.identifier == "14549263-b47b-4e59-96a1-2d0d13e19343"
    assert notice.version == "03"
    assert notice.procedure_identifier == "aff2863e-b4cc-4e91-baba-b3b85f709117"
    # 20:59:32+01:00 on 23 March 2023 (before the change to summer time on the 26th).
    assert notice.issued_at == stockholm(2023, 3, 23, 20, 59, 32)
    assert (notice.procedure_type, notice.procedure_label) == (
        "neg-w-call",
        "Förhandlat förfarande med föregående annonsering",
    )
    assert notice.buyer.name == "Financial Adinistration for ..."
    assert notice.buyer.identifier == "998298"
    assert notice.title == "Procurement Title ---"
    assert notice.description == "Description ---"
    assert (notice.main_cpv, notice.additional_cpv) == ("79710000", ["79720000"])
    assert (notice.estimated_value, notice.currency) == (Decimal("9999999.99"), "EUR")
    # The third ProcurementProjectLot is a group of lots (GLO-0001), not a lot.
    assert [lot.identifier for lot in notice.lots] == ["LOT-0001", "LOT-0002"]
    first, second = notice.lots
    assert (first.title, second.title) == ("Title ---", "Title Lot 2---")
    assert (first.main_cpv, first.additional_cpv) == ("75121000", [])
    assert first.estimated_value == Decimal("9999999.99") and first.currency == "EUR"
    # res-pub-ser: organisations with a public-service mission, LOU 19 kap. 6 a §.
    assert (first.reserved_participation, first.reserved_participation_law) == (
        "res-pub-ser",
        "LOU 19 kap. 6 a §",
    )
    assert (second.reserved_participation, second.reserved_participation_law) == ("none", "")
    assert first.reserved_execution is True and second.reserved_execution is True
    # A negotiated procedure: the deadline is for requests to participate (BT-1311), 20:59:32+01:00 on 22 May,
    # 21:59:32 in Stockholm's summer time; the officer is told it stands in for BT-131.
    assert first.submission_deadline_at == stockholm(2023, 5, 22, 21, 59, 32)
    assert first.question_deadline_at == stockholm(2023, 5, 20, 21, 59, 32)
    assert notice.reserved_participation == {"res-pub-ser"}
    assert notice.has_reserved_execution
    assert notice.cpv_codes == ["79710000", "79720000", "75121000"]
    assert terms(notice) == [
        "BT-27-Procedure",
        "BT-501-Organization-Company",
        "BT-27-Lot LOT-0001",
        "BT-1311(d)-Lot LOT-0001",
        "BT-27-Lot LOT-0002",
        "BT-1311(d)-Lot LOT-0002",
    ]
    [value] = [item for item in notice.unmapped if item.term == "BT-27-Procedure"]
    assert value.value == "9999999.99 EUR"


def test_cn_24_minimal_deadline_in_summer_offset_is_converted_to_swedish_time():
    notice = parse_notice(example("cn_24_minimal"))
    assert notice.identifier == "f42be27e-09cf-4f0e-a745-63ec689631e6"
    assert notice.title == (
        "Provision of IT Services Related to OP IT Systems (EUR-Lex, N-Lex, Search Layer, and Others)"
    )
    assert notice.buyer.name == "Publications Office of the European Union"
    assert notice.procedure_type == "open"
    assert notice.main_cpv == "72230000"
    # 10:00:00+02:00 on 4 February is 09:00 in Stockholm.
    assert notice.lots[0].submission_deadline_at == stockholm(2020, 2, 4, 9, 0)


def test_cn_24_open_and_accelerated_notices():
    notice = parse_notice(example("cn_24_open"))
    assert notice.identifier == "c4c415ee-ac08-4465-8fa6-57568cf69462"
    assert notice.procedure_identifier == "31f258b6-5eb2-4875-8997-affa3cdce27c"
    assert notice.buyer.name == "Renfrewshire Council"
    assert (notice.estimated_value, notice.currency) == (Decimal("500000"), "EUR")
    assert notice.lots[0].additional_cpv == ["71314100", "50300000", "31600000"]
    # 12:00:00+01:00 on 3 April 2020 is 13:00 in Stockholm's summer time.
    assert notice.lots[0].submission_deadline_at == stockholm(2020, 4, 3, 13, 0)

    accelerated = parse_notice(example("cn_24_open_accel"))
    assert accelerated.language == "ITA"
    assert accelerated.title.startswith("Procedura aperta accelerata per la fornitura di n. 212 posti letto")
    assert accelerated.main_nature == "supplies"
    assert (accelerated.estimated_value, accelerated.main_cpv) == (Decimal("291934.60"), "39143100")
    assert accelerated.lots[0].submission_deadline_at == stockholm(2020, 5, 18, 19, 0)


def test_change_cn_carries_the_changed_notice_and_the_reason():
    notice = parse_notice(example("change-cn_24_open_dates"))
    assert notice.kind == "change-cn"
    assert notice.notice_type == "cn-standard"
    assert notice.identifier == "71397268-6c47-4f2f-8ab0-f41a26138f81"
    assert notice.procedure_identifier == "31f258b6-5eb2-4875-8997-affa3cdce27c"
    change = notice.change
    assert change.changed_notice == "c4c415ee-ac08-4465-8fa6-57568cf69462-01"
    # The changed notice is cn_24_open: BT-758 is its BT-701 with the version.
    assert change.changed_notice_identifier == "c4c415ee-ac08-4465-8fa6-57568cf69462"
    assert change.reason_code == "update-add"
    assert change.reason.startswith(
        "Due to Covid-19 and the UK Government\u2019s decision to extend the UK lockdown"
    )
    assert change.descriptions == [
        "Time limit for receipt of tenders or requests to participate",
        "Conditions for opening of tenders",
    ]
    assert change.sections == ["LOT-0000"]
    # The new deadline: 12:00+01:00 on 12 June 2020, 13:00 in Stockholm.
    assert notice.lots[0].submission_deadline_at == stockholm(2020, 6, 12, 13, 0)


def test_can_social_24_records_the_award_of_the_lot_with_a_winner():
    notice = parse_notice(example("can-social_24"))
    assert notice.kind == "can-social"
    assert notice.identifier == "eb13621b-cb76-46ee-b6c1-3d33ac707d94"
    assert notice.title == "March of the Penguins vol3"
    assert notice.buyer.name == "ZenithNova Innovations Ltd."
    assert [lot.identifier for lot in notice.lots] == ["LOT-0001", "LOT-0002", "LOT-0003"]
    assert [lot.main_cpv for lot in notice.lots] == ["75210000", "75210000", "18000000"]
    # LOT-0001 closed without a winner (clos-nw), LOT-0003 is still open (open-nw): only LOT-0002 is awarded.
    [award] = notice.awards
    assert (award.lot_identifier, award.tender_identifier) == ("LOT-0002", "TEN-0002")
    assert (award.value, award.currency) == (Decimal("100000"), "EUR")
    assert [(w.reference, w.name, w.identifier) for w in award.winners] == [("ORG-0002", "Kapa", "kap")]
    assert award.decided_on is None and award.signed_on is None
    # An award notice calls for no tenders: a missing BT-131 is no gap.
    assert not [t for t in terms(notice) if t.startswith("BT-131")]


def test_can_24_maximal_and_minimal_awards_with_decision_and_conclusion_dates():
    notice = parse_notice(example("can_24_maximal"))
    assert notice.kind == "can"
    assert notice.version == "03"
    assert [(a.lot_identifier, a.tender_identifier) for a in notice.awards] == [
        ("LOT-0001", "TEN-0001"),
        ("LOT-0001", "TEN-0002"),
    ]
    first = notice.awards[0]
    assert [w.name for w in first.winners] == ["Gyro Soft SA", "The best App Ltd."]
    assert (first.value, first.currency) == (Decimal("9999999.99"), "EUR")
    assert (first.decided_on, first.signed_on) == (date(2023, 3, 23), date(2023, 3, 24))

    minimal = parse_notice(example("can_24_minimal"))
    assert minimal.language == "FRA"
    assert minimal.title == "Service d'entretien de remise en état et de nettoyage des espaces verts"
    [award] = minimal.awards
    assert award.lot_identifier == "LOT-0000"
    assert [w.name for w in award.winners] == ["Espaces Verts Lemire"]
    assert (award.value, award.signed_on) == (Decimal("95414"), date(2019, 9, 3))


def test_veat_24_is_a_direct_award_with_its_justification():
    notice = parse_notice(example("veat_24"))
    assert notice.kind == "veat"
    assert notice.identifier == "6ea164b2-228c-4ae8-b3b5-26f3946b8300"
    assert notice.procedure_type == "neg-wo-call"
    assert (
        notice.title
        == "Supply of Profiling Beds with Accessories, Pressure Relieving Mattresses and Cushions"
    )
    assert notice.direct_award_code == "urgency"
    assert notice.direct_award_reason.startswith(
        "The procurement falls within the remit of regulation 32(2)(c)"
    )
    assert "\t" not in notice.direct_award_reason  # the XML's indentation is not part of the text
    [award] = notice.awards
    assert award.lot_identifier == "LOT-0000"
    assert [w.name for w in award.winners] == [
        "Direct Healthcare Services Ltd",
        "Harvest Healthcare Ltd",
        "Invacare Ltd",
    ]
    assert award.decided_on == date(2020, 4, 15)


def test_swedish_text_is_preferred_in_a_multilingual_notice():
    data = example("cn-social_24").replace(
        b'<cbc:Name languageID="ENG">Secure Care Services</cbc:Name>',
        b'<cbc:Name languageID="ENG">Secure Care Services</cbc:Name>'
        + '<cbc:Name languageID="SWE">Särskilda ungdomshem</cbc:Name>'.encode(),
        1,
    )
    notice = parse_notice(data)
    assert notice.title == "Särskilda ungdomshem"
    assert notice.lots[0].title == "Secure Care Services"  # the lot has no Swedish title


def test_res_ws_maps_to_lou_4_kap_18_and_a_swedish_buyer_number_is_read():
    data = (
        example("cn-social_24")
        .replace(b'listName="reserved-procurement">none<', b'listName="reserved-procurement">res-ws<')
        .replace(b"<cbc:CompanyID>n/a</cbc:CompanyID>", b"<cbc:CompanyID>212000-1876</cbc:CompanyID>")
    )
    notice = parse_notice(data)
    assert notice.lots[0].reserved_participation == "res-ws"
    assert notice.lots[0].reserved_participation_law == "LOU 4 kap. 18 §"
    assert notice.buyer.org_number == "212000-1876"
    assert "BT-501-Organization-Company" not in terms(notice)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("212000-1876", "212000-1876"),
        ("2120001876", "212000-1876"),
        ("162120001876", "212000-1876"),
        ("SE212000187601", "212000-1876"),
        ("212000-1877", ""),  # the check digit is wrong
        ("n/a", ""),
        ("123 456 789", ""),
    ],
)
def test_swedish_org_number_reads_the_forms_a_notice_uses(given, expected):
    assert swedish_org_number(given) == expected


def test_the_invalid_sdk_example_is_refused_with_what_it_lacks():
    reason = refusal(example("INVALID_cn_24_empty"))
    assert "Kungörelsen saknar" in reason
    assert "BT-701" in reason and "BT-21" in reason and "BT-137" in reason


def test_an_xxe_attempt_is_refused_without_reading_the_file():
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE ContractNotice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        b'<ContractNotice xmlns="urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2">&xxe;'
        b"</ContractNotice>"
    )
    reason = refusal(data)
    assert "DOCTYPE" in reason and "lästes inte" in reason
    assert "root:" not in reason


def test_a_billion_laughs_bomb_is_refused():
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    data = (
        f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">{entities}]><lolz>&lol9;</lolz>'.encode()
    )
    assert "DOCTYPE" in refusal(data)


def test_a_50_mb_file_is_refused_before_it_is_parsed():
    data = b"<a>" + b" " * (50 * 1024 * 1024) + b"</a>"
    assert len(data) > MAX_NOTICE_BYTES
    assert refusal(data) == "Filen är större än 10 MB; en eForms-kungörelse är mycket mindre."


def test_a_file_that_is_not_xml_is_refused():
    assert "inte välformad XML" in refusal(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")
    assert "tom" in refusal(b"   \n")


def test_xml_that_is_not_an_eforms_notice_is_refused():
    invoice = b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>1</ID></Invoice>'
    assert "inte en eForms-kungörelse" in refusal(invoice)
    assert "Invoice" in refusal(invoice)


def test_a_notice_type_the_portal_does_not_take_is_refused():
    prior = b'<PriorInformationNotice xmlns="urn:oasis:names:specification:ubl:schema:xsd:PriorInformationNotice-2"/>'
    assert "tar inte emot" in refusal(prior)
    design_contest = example("cn_24_minimal").replace(b">cn-standard<", b">cn-desg<")
    reason = refusal(design_contest)
    assert "tar inte emot" in reason and "cn-desg" in reason


def test_a_notice_breaking_the_xsd_is_refused_with_the_line():
    data = example("cn_24_minimal").replace(
        b"<cbc:UBLVersionID>", b"<cbc:NotAnElement>x</cbc:NotAnElement><cbc:UBLVersionID>"
    )
    reason = refusal(data)
    assert reason.startswith("Kungörelsen följer inte eForms-schemat (XSD): rad ")


def test_the_copied_xpaths_are_the_sdks():
    """fields.py copies the XPaths of fields.json; they must stay the SDK's own."""
    for shared in (ROOT.parent / "shared", Path("/work/shared")):
        path = shared / "eforms" / "fields.json"
        if path.exists():
            break
    else:
        pytest.skip("../shared/eforms/fields.json is not beside the project")
    sdk = json.loads(path.read_text())
    fields = {field["id"]: field["xpathAbsolute"] for field in sdk["fields"]}
    nodes = {node["id"]: node["xpathAbsolute"] for node in sdk["xmlStructure"]}
    assert {term: fields[term] for term in FIELDS} == FIELDS
    assert {node: nodes[node] for node in NODES} == NODES
