"""Public pages about tenders: the list, a tender's page, its documents, and the open data."""

import json

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from asfportal.core import uploads
from asfportal.core.cache import cached_fragment, cached_value, data_versions
from asfportal.core.calendars import render_calendar
from asfportal.core.lists import render_cached_list
from asfportal.core.open_data import open_data

from .. import permissions, selectors, services
from ..forms import (
    QuestionForm,
    TenderFilterForm,
)
from ..models import Submission, Tender, TenderDocument, Watch
from ..ocds import packages


@login_not_required
@require_safe
def tender_list(request: HttpRequest) -> HttpResponse:
    """Open tenders, searchable, 20 a page; cached per query until a tender changes, and per minute, because a
    tender leaves the list when its deadline passes (the close task saves it within the minute as well)."""

    def context() -> dict:
        form = TenderFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        tenders = selectors.tender_list(
            text=filters.get("q") or "",
            legal_basis=filters.get("legal_basis") or "",
            cpv=filters.get("cpv"),
            municipality=filters.get("municipality"),
        )
        return {"form": form, "page_obj": Paginator(tenders, 20).get_page(request.GET.get("page"))}

    minute = timezone.now().replace(second=0, microsecond=0)
    parts = ("tenders", data_versions("tenders"), minute, request.GET.urlencode())
    return render_cached_list(request, page="procurement/tender_list.html", body="procurement/_tender_list_body.html",
                              results="procurement/_tender_list_results.html", parts=parts, context=context)  # fmt: skip


@login_not_required
@require_safe
def cpv_search(request: HttpRequest) -> HttpResponse:
    """The CPV codes matching `q` as JSON, for the searchable CPV fields (static/js/combobox.js): `value` is the
    code, `prefix` its place in the hierarchy (saved searches keep "begins with"), `text` code and label. Public,
    like the vocabulary it searches."""
    query = request.GET.get("q", "")[:100]
    results = [
        {"value": code.code, "prefix": code.prefix, "text": f"{code.code} {code.display_label}"}
        for code in selectors.cpv_search(query=query)
    ]
    return JsonResponse({"results": results})


@login_not_required
@transaction.non_atomic_requests  # it only reads (any method): no BEGIN/COMMIT round trips on a busy public page
def tender_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tender = permissions.get_tender_for_view(request, pk)
    # The tender with its lots, documents, amendments, answered questions and awards is the same for everyone:
    # kept until anything about tenders changes (the person-specific parts below are read each time).
    parts = ("tender-page", tender.pk, data_versions("tenders"))
    context = dict(cached_value(parts, lambda: selectors.tender_page(tender=tender)))
    company = permissions.represented_company(request.user)
    now = timezone.now()
    context["company"] = company
    context["can_manage"] = permissions.can_manage_tender(request.user, tender)
    context["is_cancelled"] = tender.status == Tender.Status.CANCELLED
    if company is not None:
        my_submission = Submission.objects.filter(tender=tender, company=company).first()
        context["my_submission"] = my_submission
        context["question_form"] = QuestionForm()
        context["can_ask"] = not tender.ask_blockers(at=now)
        context["can_submit"] = not tender.submit_blockers(at=now)
        context["can_decline"] = not tender.decline_blockers(at=now, has_answered=my_submission is not None)
        context["is_following"] = Watch.objects.filter(tender=tender, user=request.user).exists()
    return render(request, "procurement/tender_detail.html", context)


@login_not_required
@require_safe
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """Tender documents of public tenders; a representative who downloads one follows the tender's changes."""
    document = get_object_or_404(TenderDocument.objects.select_related("tender"), pk=pk)
    permissions.get_tender_for_view(request, document.tender_id)
    if permissions.represented_company(request.user) is not None:
        services.tender_watch(tender=document.tender, user=request.user)
    return uploads.serve(document.file)


JSON = "application/json; charset=utf-8"


@open_data
def ocds_releases(request: HttpRequest) -> HttpResponse:
    """Every release of every public tender (one per change), in one release package, streamed: releases are read
    and written 500 at a time, so memory stays flat whether there are ten tenders or the whole country's. HEAD is
    answered without reading them."""
    if request.method == "HEAD":
        return HttpResponse(content_type=JSON)
    return StreamingHttpResponse(packages.release_package_chunks(), content_type=JSON)


@open_data
def ocds_release(request: HttpRequest, pk: int) -> HttpResponse:
    """The release package of one public tender: every release it has had, oldest first."""

    def render_package() -> str:
        package = packages.tender_release_package(pk)
        if package is None:
            raise Http404
        return json.dumps(package, ensure_ascii=False)

    # Kept until anything about tenders changes; publishedDate is then the time the package was made.
    body = cached_fragment(("ocds-release", pk, data_versions("tenders")), render_package)
    return HttpResponse(body, content_type=JSON)


@open_data
def ocds_record(request: HttpRequest, ocid: str) -> HttpResponse:
    """The record of one contracting process: its releases and the release compiled from them (OCDS merging)."""

    def render_package() -> str:
        package = packages.record_package(ocid)
        if package is None:
            raise Http404
        return json.dumps(package, ensure_ascii=False)

    body = cached_fragment(("ocds-record", ocid, data_versions("tenders")), render_package)
    return HttpResponse(body, content_type=JSON)


@open_data
def tenders_ics(request: HttpRequest) -> HttpResponse:
    """The open tenders' deadlines, for anyone's calendar."""
    tenders = selectors.with_calendar_sequences(Tender.objects.open()).order_by(
        "submission_deadline_at", "pk"
    )
    events = [event for tender in tenders for event in selectors.tender_calendar_events(tender)]
    body = render_calendar(events, name=_("Open tenders on ASF-portalen"))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@open_data
def tender_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """One tender's deadlines as a download; the entries have the same UIDs as in the personal feeds."""
    tender = get_object_or_404(selectors.with_calendar_sequences(Tender.objects.public()), pk=pk)
    body = render_calendar(selectors.tender_calendar_events(tender), name=tender.title)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="upphandling-{tender.pk}.ics"'
    return response
