"""The OCDS release each change of a tender adds: written inside the change's own transaction, so a release exists
exactly when the change it describes was committed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Prefetch

from ..models import Award, OcdsRelease, Question, Tender
from ..ocds import mapping

# The OCDS release tag of each change of a tender (OCDS codelist releaseTag).
PUBLISHED, AMENDED, UPDATED = ["tender"], ["tenderAmendment"], ["tenderUpdate"]
AWARDED, SIGNED, CANCELLED = ["award"], ["contract"], ["tenderCancellation"]


def tenders_for_releases(tenders=None, *, award_model=Award, question_model=Question):
    """Tenders with everything a release reads, in a fixed number of queries (the models may be historical ones,
    for the backfill migration)."""
    tenders = Tender.objects.all() if tenders is None else tenders
    return tenders.select_related("buyer").prefetch_related(
        "cpv_codes",
        "lots",
        "documents",
        "amendments",
        Prefetch("questions", queryset=question_model.objects.order_by("created_at")),
        Prefetch("awards", queryset=award_model.objects.select_related("company", "lot")),
    )


def ocds_release_add(*, tender: Tender, tag: list[str], date: datetime) -> OcdsRelease:
    """Store the release describing `tender` as it now stands after the change tagged `tag` at `date`.

    Called by the services of publication, amendment, answered question, award, signing and cancellation inside their transaction, after the
    tender row is locked (select_for_update), so the release number cannot be taken twice. The audit entry is the
    change's own."""
    tender = tenders_for_releases(Tender.objects.filter(pk=tender.pk)).get()
    number = OcdsRelease.objects.filter(tender=tender).count() + 1
    ocid = mapping.ocid_for(tender.pk)
    release_id = f"{ocid}-{number:03d}"
    data = mapping.release(tender, release_id=release_id, date=date, tag=tag)
    return OcdsRelease.objects.create(
        tender=tender, ocid=ocid, release_id=release_id, date=date, tag=tag, data=data
    )


def stages(tender) -> list[str]:
    """The release tags a tender has gone through, for the one release backfilled for a tender published before
    releases were kept: what it was at each stage is not known any more, so one release states it as it stands."""
    tags = ["tender"]
    if tender.amendments.all():
        tags.append("tenderAmendment")
    if tender.status == "awarded":
        tags.append("award")
    # getattr: the backfill migration (0006) runs on a historical Award from before signed_on existed (0007).
    if any(getattr(award, "signed_on", None) for award in tender.awards.all()):
        tags.append("contract")
    if tender.status == "cancelled":
        tags.append("tenderCancellation")
    return tags


def ocds_releases_backfill(tenders: Iterable, *, release_model=OcdsRelease, batch_size: int = 500) -> int:
    """One release, dated at its last change, for each given public tender that has none yet (bulk-created
    tenders of the scale seed, and the tenders published before releases were kept); returns how many."""
    have = set(release_model.objects.values_list("tender_id", flat=True).distinct())
    batch, total = [], 0
    for tender in tenders:
        if tender.pk in have or tender.status == "draft":
            continue
        ocid = mapping.ocid_for(tender.pk)
        release_id, tag = f"{ocid}-001", stages(tender)
        data = mapping.release(tender, release_id=release_id, date=tender.updated_at, tag=tag)
        batch.append(release_model(tender_id=tender.pk, ocid=ocid, release_id=release_id, date=tender.updated_at,
                                   tag=tag, data=data))  # fmt: skip
        if len(batch) >= batch_size:
            total += len(release_model.objects.bulk_create(batch))
            batch = []
    total += len(release_model.objects.bulk_create(batch))
    return total
