"""Reading an uploaded eForms notice safely: a size limit, no DTD, entities or network, and the EU's XSD."""

from __future__ import annotations

import functools
from pathlib import Path

import defusedxml
import defusedxml.ElementTree as defused_tree
from django.utils.translation import gettext as _
from lxml import etree

from asfportal.core.exceptions import DomainError

# A real notice, even a 100-lot one, is well under 1 MB; 10 MB leaves room and keeps a 50 MB upload out of memory.
MAX_NOTICE_BYTES = 10 * 1024 * 1024
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas" / "maindoc"

# The notices the portal takes, by the namespace of their root element, and the XSD each is validated against.
SCHEMAS = {
    "urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2": "UBL-ContractNotice-2.3.xsd",
    "urn:oasis:names:specification:ubl:schema:xsd:ContractAwardNotice-2": "UBL-ContractAwardNotice-2.3.xsd",
}
# eForms notices the portal does not take: prior information and business registration notices.
OTHER_EFORMS_ROOTS = {
    "urn:oasis:names:specification:ubl:schema:xsd:PriorInformationNotice-2": "PriorInformationNotice",
    "http://data.europa.eu/p27/eforms-business-registration-information-notice/1": (
        "BusinessRegistrationInformationNotice"
    ),
}


class NoticeRefused(DomainError):
    """An uploaded file the portal will not import, with the reason in the officer's language."""

    def __init__(self, reason: str):
        super().__init__([], field_errors={"notice": [reason]})


def read_upload(upload) -> bytes:
    """The bytes of an uploaded file, refused when larger than MAX_NOTICE_BYTES (read no further than that)."""
    if getattr(upload, "size", None) and upload.size > MAX_NOTICE_BYTES:
        raise NoticeRefused(_too_large())
    chunks, total = [], 0
    for chunk in upload.chunks():
        total += len(chunk)
        if total > MAX_NOTICE_BYTES:
            raise NoticeRefused(_too_large())
        chunks.append(chunk)
    return b"".join(chunks)


def parse_notice_xml(data: bytes) -> etree._Element:
    """Parse and validate an eForms notice; returns its root element or raises NoticeRefused.

    defusedxml reads the file first and refuses any DOCTYPE, entity declaration or external reference (billion
    laughs, XXE); lxml then parses it again with entities, DTDs and the network off, and validates it against the
    XSD of its root element (ContractNotice or ContractAwardNotice).
    """
    if len(data) > MAX_NOTICE_BYTES:
        raise NoticeRefused(_too_large())
    if not data.strip():
        raise NoticeRefused(_("The file is empty. Upload the notice's XML file."))
    try:
        defused_tree.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden as error:
        raise NoticeRefused(
            _("The file declares a document type (DOCTYPE). An eForms notice has none, so it was not read.")
        ) from error
    except defusedxml.EntitiesForbidden as error:
        raise NoticeRefused(
            _(
                "The file declares XML entities, as XML bombs do; an eForms notice never does, so it was not "
                "read."
            )
        ) from error
    except defusedxml.ExternalReferenceForbidden as error:
        raise NoticeRefused(
            _("The file refers to external resources, which the portal never fetches; it was not read.")
        ) from error
    except (defused_tree.ParseError, ValueError) as error:
        raise NoticeRefused(_not_xml(str(error))) from error
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise NoticeRefused(_not_xml(str(error))) from error
    namespace = etree.QName(root).namespace or ""
    if namespace in OTHER_EFORMS_ROOTS:
        raise NoticeRefused(type_not_taken(OTHER_EFORMS_ROOTS[namespace]))
    if namespace not in SCHEMAS:
        raise NoticeRefused(
            _(
                "The file is XML but not an eForms notice (its root element is %(root)s). Upload the notice as "
                "TED or the advertisement database publishes it."
            )
            % {"root": etree.QName(root).localname}
        )
    schema = _schema(SCHEMAS[namespace])
    if not schema.validate(root):
        problems = "; ".join(
            _("line %(line)s: %(message)s") % {"line": entry.line, "message": entry.message}
            for entry in list(schema.error_log)[:3]
        )
        raise NoticeRefused(
            _("The notice does not follow the eForms schema (XSD): %(problems)s") % {"problems": problems}
        )
    return root


def type_not_taken(notice_type: str) -> str:
    return _(
        "This eForms notice is of a type the portal does not take (%(type)s). The portal imports contract "
        "notices, change notices, contract award notices and VEAT notices."
    ) % {"type": notice_type}


@functools.cache
def _schema(filename: str) -> etree.XMLSchema:
    # Loaded once per process (about a second each); the imports are local files beside it, never the network.
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / filename), parser))


def _too_large() -> str:
    return _("The file is larger than %(limit)s MB; an eForms notice is far smaller.") % {
        "limit": MAX_NOTICE_BYTES // (1024 * 1024)
    }


def _not_xml(detail: str) -> str:
    return _("The file is not well-formed XML (%(detail)s). Upload the notice's XML file.") % {
        "detail": detail
    }
