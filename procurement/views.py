"""Pages about tenders: the public list and page, companies' questions and answers, officers' work, open data."""

import json
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from asfportal.core import uploads
from asfportal.core.cache import cached_fragment, cached_value, data_versions
from asfportal.core.exceptions import DomainError

from . import exports, permissions, selectors, services
from .forms import (
    AmendmentForm,
    AnswerQuestionForm,
    DeclineForm,
    DocumentForm,
    QuestionForm,
    ReasonForm,
    SavedSearchForm,
    SubmissionForm,
    TenderFilterForm,
    TenderForm,
)
from .models import SavedSearch, Submission, Tender, TenderDocument

# --- The public and companies ------------------------------------------------------------------------------


@login_not_required
@require_GET
def tender_list(request: HttpRequest) -> HttpResponse:
    """Open tenders, searchable, 20 a page; cached per query until a tender changes, and per minute, because a
    tender leaves the list when its deadline passes (the close task saves it within the minute as well)."""

    def render_body() -> str:
        form = TenderFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        tenders = selectors.tender_list(
            text=filters.get("q") or "",
            legal_basis=filters.get("legal_basis") or "",
            cpv=filters.get("cpv"),
            municipality=filters.get("municipality"),
        )
        page = Paginator(tenders, 20).get_page(request.GET.get("page"))
        context = {"form": form, "page_obj": page}
        return render_to_string("procurement/_tender_list_body.html", context, request=request)

    minute = timezone.now().replace(second=0, microsecond=0)
    parts = ("tenders", data_versions("tenders"), minute, request.GET.urlencode())
    return render(request, "procurement/tender_list.html", {"body": cached_fragment(parts, render_body)})


@login_not_required
def tender_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tender = permissions.get_tender_for_view(request, pk)
    # The tender with its lots, documents, amendments, answered questions and awards is the same for everyone:
    # kept until anything about tenders changes (the person-specific parts below are read each time).
    parts = ("tender-page", tender.pk, data_versions("tenders"))
    context = dict(cached_value(parts, lambda: selectors.tender_page(tender=tender)))
    company = permissions.represented_company(request.user)
    context["company"] = company
    context["can_manage"] = permissions.can_manage_tender(request.user, tender)
    if company is not None:
        context["my_submission"] = Submission.objects.filter(tender=tender, company=company).first()
        context["question_form"] = QuestionForm()
    return render(request, "procurement/tender_detail.html", context)


@login_not_required
@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """Tender documents of public tenders; a representative who downloads one follows the tender's changes."""
    document = get_object_or_404(TenderDocument.objects.select_related("tender"), pk=pk)
    permissions.get_tender_for_view(request, document.tender_id)
    if permissions.represented_company(request.user) is not None:
        services.tender_watch(tender=document.tender, user=request.user)
    return uploads.serve(document.file)


@require_POST
def question_ask(request: HttpRequest, pk: int) -> HttpResponse:
    company = permissions.require_company(request)
    tender = permissions.get_tender_for_view(request, pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.question_ask(
                tender=tender, company=company, text=form.cleaned_data["text"], actor=request.user
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your question is sent. The answer will be published on this page."))
    else:
        messages.error(request, _("Write your question (at most 2000 characters)."))
    return redirect("procurement:tender-detail", pk=tender.pk)


def submission_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit or replace the company's answer before the deadline."""
    company = permissions.require_company(request)
    tender = permissions.get_tender_for_view(request, pk)
    existing = Submission.objects.filter(tender=tender, company=company).first()
    initial = {"message": existing.message} if existing else {}
    form = SubmissionForm(
        request.POST or None, request.FILES or None, reserved=tender.is_reserved, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            submission = services.submission_submit(
                tender=tender,
                company=company,
                message=form.cleaned_data["message"],
                document=form.cleaned_data.get("document"),
                occupied=form.cleaned_data.get("people_occupied"),
                in_target_group=form.cleaned_data.get("people_in_target_group"),
                actor=request.user,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Your answer was received %(time)s.")
                % {"time": submission.submitted_at.strftime("%Y-%m-%d %H:%M:%S")},
            )
            return redirect("procurement:tender-detail", pk=tender.pk)
    context = {"form": form, "tender": tender, "existing": existing, "company": company}
    return render(request, "procurement/submission_form.html", context)


def submission_decline(request: HttpRequest, pk: int) -> HttpResponse:
    company = permissions.require_company(request)
    tender = permissions.get_tender_for_view(request, pk)
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submission_decline(
                tender=tender, company=company, reason=form.cleaned_data["reason"], actor=request.user
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you. The buyer sees your reason."))
            return redirect("procurement:tender-detail", pk=tender.pk)
    return render(request, "procurement/decline_form.html", {"form": form, "tender": tender})


def saved_search_list(request: HttpRequest) -> HttpResponse:
    permissions.require_company(request)
    form = SavedSearchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        SavedSearch.objects.create(user=request.user, **form.cleaned_data)
        messages.success(request, _("The search is saved. You will hear of new tenders that match it."))
        return redirect("procurement:saved-search-list")
    searches = SavedSearch.objects.filter(user=request.user).select_related("municipality")
    return render(request, "procurement/saved_search_list.html", {"form": form, "searches": searches})


@require_POST
def saved_search_delete(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require_company(request)
    get_object_or_404(SavedSearch, pk=pk, user=request.user).delete()
    messages.success(request, _("The search is deleted."))
    return redirect("procurement:saved-search-list")


# --- Procurement officers ----------------------------------------------------------------------------------


def officer_tender_list(request: HttpRequest) -> HttpResponse:
    permissions.require_officer(request)
    tenders = selectors.officer_tenders(organisation_id=request.user.organisation_id)
    page = Paginator(tenders, 25).get_page(request.GET.get("page"))
    return render(request, "procurement/officer_tender_list.html", {"page_obj": page})


def tender_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create a draft or change it; published terms change only through an amendment."""
    tender = permissions.get_tender_for_officer(request, pk) if pk else None
    if tender is None:
        permissions.require_officer(request)
    form = TenderForm(request.POST or None, instance=tender)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        cpv, municipalities, lots = data.pop("cpv_codes"), data.pop("municipalities"), data.pop("lots")
        try:
            tender = services.tender_save_draft(
                tender=tender,
                fields=data,
                cpv_codes=cpv,
                municipalities=municipalities,
                lots=lots,
                actor=request.user,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("procurement:tender-manage", pk=tender.pk)
    return render(request, "procurement/tender_form.html", {"form": form, "tender": tender})


def tender_manage(request: HttpRequest, pk: int) -> HttpResponse:
    tender = permissions.get_tender_for_officer(request, pk)
    context = selectors.tender_page(tender=tender)
    tender = context["tender"]
    context.update(
        {
            "problems": services.check_terms(tender, tender.cpv_codes.all(), now=tender.updated_at)
            if tender.status == Tender.Status.DRAFT
            else [],
            "eu_threshold": services.exceeds_eu_threshold(tender),
            "submissions": selectors.submissions_for_evaluation(tender=tender),
            "declines": tender.declines.select_related("company"),
            "open_questions": tender.questions.filter(answer=""),
            "document_form": DocumentForm(),
            "answer_form": AnswerQuestionForm(),
        }
    )
    return render(request, "procurement/tender_manage.html", context)


@require_POST
def tender_publish(request: HttpRequest, pk: int) -> HttpResponse:
    tender = permissions.get_tender_for_officer(request, pk)
    try:
        services.tender_publish(tender=tender, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The tender is published."))
    return redirect("procurement:tender-manage", pk=tender.pk)


@require_POST
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    tender = permissions.get_tender_for_officer(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.tender_add_document(tender=tender, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The document is added."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("procurement:tender-manage", pk=tender.pk)


def tender_amend(request: HttpRequest, pk: int) -> HttpResponse:
    tender = permissions.get_tender_for_officer(request, pk)
    initial = {
        "title": tender.title,
        "description": tender.description,
        "submission_deadline_at": tender.submission_deadline_at,
    }
    form = AmendmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason, substantial = data.pop("reason"), data.pop("is_substantial")
        try:
            services.tender_amend(
                tender=tender, changes=data, reason=reason, is_substantial=substantial, actor=request.user
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The amendment is published and followers are notified."))
            return redirect("procurement:tender-manage", pk=tender.pk)
    return render(request, "procurement/tender_amend.html", {"form": form, "tender": tender})


@require_POST
def question_answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = permissions.get_question_for_answer(request, pk)
    form = AnswerQuestionForm(request.POST)
    if form.is_valid():
        try:
            services.question_answer(
                question=question, answer=form.cleaned_data["answer"], actor=request.user
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The answer is published."))
    else:
        messages.error(request, _("Write the answer."))
    return redirect("procurement:tender-manage", pk=question.tender_id)


def tender_award(request: HttpRequest, pk: int) -> HttpResponse:
    tender = permissions.get_tender_for_officer(request, pk)
    submissions = list(selectors.submissions_for_evaluation(tender=tender))
    if request.method == "POST":
        chosen = [s for s in submissions if request.POST.get(f"award-{s.pk}")]
        try:
            awards = [
                {"company": s.company, "value": _amount(request.POST.get(f"value-{s.pk}", "")),
                 "contract_start_on": tender.contract_start_on, "contract_end_on": tender.contract_end_on}
                for s in chosen
            ]  # fmt: skip
            services.tender_award(tender=tender, awards=awards, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The tender is awarded and the award notice is published."))
            return redirect("procurement:tender-manage", pk=tender.pk)
    return render(request, "procurement/tender_award.html", {"tender": tender, "submissions": submissions})


def _amount(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(" ", "").replace("\u00a0", ""))
    except InvalidOperation:
        raise DomainError(_("Give each contract value as a whole number of kronor.")) from None
    if not value.is_finite() or value < 0 or value >= 10**14 or value != value.to_integral_value():
        raise DomainError(_("Give each contract value as a whole number of kronor."))
    return value


def tender_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    tender = permissions.get_tender_for_officer(request, pk)
    form = ReasonForm(request.POST or None, label=_("Cancel the tender"))
    if request.method == "POST" and form.is_valid():
        try:
            services.tender_cancel(tender=tender, reason=form.cleaned_data["reason"], actor=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The tender is cancelled and those who answered are told."))
            return redirect("procurement:tender-manage", pk=tender.pk)
    return render(request, "procurement/tender_cancel.html", {"form": form, "tender": tender})


def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One answer, for the buyer's officers after the deadline."""
    submission = permissions.get_submission_for_evaluation(request, pk)
    if request.GET.get("download"):
        if not submission.document:
            raise Http404
        return uploads.serve(submission.document)
    return render(request, "procurement/submission_detail.html", {"submission": submission})


# --- Open data ------------------------------------------------------------------------------------------------


@login_not_required
@require_GET
def ocds_releases(request: HttpRequest) -> HttpResponse:
    """Every published tender as an OCDS 1.1 release, in one release package, streamed: tenders are read and
    written 500 at a time, so memory stays flat whether there are ten tenders or the whole country's."""
    return StreamingHttpResponse(
        exports.release_package_chunks(), content_type="application/json; charset=utf-8"
    )


@login_not_required
@require_GET
def ocds_release(request: HttpRequest, pk: int) -> HttpResponse:
    def render_package() -> str:
        tender = get_object_or_404(exports.published_tenders(), pk=pk)
        return json.dumps(
            {**exports.package_header(), "releases": [exports.release(tender)]}, ensure_ascii=False
        )

    # Kept until anything about tenders changes; publishedDate is then the time the package was made.
    body = cached_fragment(("ocds-release", pk, data_versions("tenders")), render_package)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@login_not_required
@require_GET
def tenders_ics(request: HttpRequest) -> HttpResponse:
    tenders = Tender.objects.open().select_related("buyer").order_by("submission_deadline_at")
    return HttpResponse(exports.ics_calendar(tenders), content_type="text/calendar; charset=utf-8")


@login_not_required
@require_GET
def tender_ics(request: HttpRequest, pk: int) -> HttpResponse:
    tender = get_object_or_404(Tender.objects.public().select_related("buyer"), pk=pk)
    response = HttpResponse(exports.ics_calendar([tender]), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="upphandling-{tender.pk}.ics"'
    return response
