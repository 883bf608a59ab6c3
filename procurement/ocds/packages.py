"""The release package of every stored release (streamed), a tender's releases, and the record of one process.

Records are compiled as OCP's ocdskit compiles them (`ocdskit compile`): with ocdsmerge, its merge library, under
the merge rules of the OCDS 1.1.5 release schema patched with our extensions (`procurement/data/ocds/`, checked in
the tests against the schema ocdskit builds from the vendored extensions). Only ocdsmerge is a dependency: ocdskit
is a command-line toolkit whose compile step is this one call.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from ..models import OcdsRelease, Tender
from . import EXTENSIONS, OCDS_VERSION
from .mapping import moment

PATCHED_SCHEMA = Path(__file__).resolve().parent.parent / "data" / "ocds" / "release-schema-patched.json"


def public_releases():
    """Every stored release of a tender the public may see, in process and date order."""
    return OcdsRelease.objects.filter(tender__status__in=Tender.PUBLIC_STATUSES).order_by(
        "tender_id", "date", "pk"
    )


def package_header(*, uri: str) -> dict:
    return {
        "uri": settings.SITE_URL + uri,
        "version": OCDS_VERSION,
        "extensions": EXTENSIONS,
        "publishedDate": moment(timezone.now()),
        "publisher": {"name": "ASF-portalen", "uri": settings.SITE_URL},
        "license": "https://creativecommons.org/publicdomain/zero/1.0/",
        "publicationPolicy": settings.SITE_URL + reverse("core:publication-policy"),
    }


def release_package_chunks(chunk_size: int = 500) -> Iterator[str]:
    """The release package of every public release as JSON text in pieces, for a streaming response: one query,
    read `chunk_size` rows at a time, so memory stays flat however many tenders there are."""
    header = json.dumps(package_header(uri=reverse("procurement:ocds-releases")), ensure_ascii=False)
    yield header[:-1] + ', "releases": ['
    rows = public_releases().values_list("data", flat=True).iterator(chunk_size=chunk_size)
    for index, data in enumerate(rows):
        yield ("," if index else "") + json.dumps(data, ensure_ascii=False)
    yield "]}"


def tender_release_package(tender_pk: int) -> dict | None:
    """The release package of one public tender's releases, oldest first; None when it has none."""
    releases = list(public_releases().filter(tender_id=tender_pk).values_list("data", flat=True))
    if not releases:
        return None
    uri = reverse("procurement:ocds-release", args=[tender_pk])
    return {**package_header(uri=uri), "releases": releases}


@cache
def _merger():
    import ocdsmerge

    return ocdsmerge.Merger(schema=json.loads(PATCHED_SCHEMA.read_text(encoding="utf-8")))


def compile_release(releases: list[dict]) -> dict:
    """The compiled release of one contracting process: its releases merged in date order (OCDS merging)."""
    return _merger().create_compiled_release(releases)


def record_package(ocid: str) -> dict | None:
    """The record package of one contracting process: every release and the compiled release; None if unknown."""
    releases = list(public_releases().filter(ocid=ocid).values_list("data", flat=True))
    if not releases:
        return None
    uri = reverse("procurement:ocds-record", args=[ocid])
    header = package_header(uri=uri)
    return {
        **header,
        "packages": [settings.SITE_URL + reverse("procurement:ocds-releases")],
        "records": [{"ocid": ocid, "releases": releases, "compiledRelease": compile_release(releases)}],
    }
