"""Procurement officers' work on their organisation's tenders, from draft to award."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asfportal.core import uploads
from asfportal.core.exceptions import DomainError, add_to_form
from asfportal.core.lists import render_list

from .. import permissions, selectors, services
from ..forms import (
    AmendmentForm,
    AnswerQuestionForm,
    AwardDecisionForm,
    DocumentForm,
    OfficerTenderFilterForm,
    ReasonForm,
    TenderForm,
    lots_as_lines,
)
from ..lifecycle import swedish_time
from ..models import Tender


def officer_tender_list(request: HttpRequest) -> HttpResponse:
    permissions.require_officer(request)
    form = OfficerTenderFilterForm(request.GET)
    form.is_valid()  # a bad filter is shown on its field; the valid ones still apply
    filters = form.cleaned_data
    tenders = selectors.officer_tenders(
        organisation_id=request.user.organisation_id,
        text=filters.get("q") or "",
        status=filters.get("status") or "",
    )
    page = Paginator(tenders, 25).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page}
    return render_list(
        request, "procurement/officer_tender_list.html", "procurement/_officer_tender_results.html", context
    )


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
            add_to_form(form, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("procurement:tender-manage", pk=tender.pk)
    return render(request, "procurement/tender_form.html", {"form": form, "tender": tender})


def tender_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """The officer's page: what may be done now (each flag from the tender's lifecycle, computed at this
    moment), every problem publishing would raise, the questions waiting for an answer, and the answers once
    the deadline has passed."""
    context = selectors.tender_manage_page(tender=permissions.get_tender_for_officer(request, pk))
    tender, now = context["tender"], timezone.now()
    context.update(_lifecycle_flags(tender, now=now))
    context["award_rows"] = [(award, award.sign_blockers(at=now)) for award in tender.awards.all()]
    context.update(
        {
            "eu_threshold": services.exceeds_eu_threshold(tender),
            "submissions": selectors.submissions_for_evaluation(tender=tender),
            "declines": tender.declines.select_related("company"),
            "document_form": DocumentForm(),
        }
    )
    return render(request, "procurement/tender_manage.html", context)


def _lifecycle_flags(tender: Tender, *, now) -> dict:
    is_draft = not tender.edit_blockers()
    return {
        "is_draft": is_draft,
        "is_sealed": tender.is_sealed(now),
        "problems": tender.publish_blockers(at=now) if is_draft else [],
        "can_amend": not tender.amend_blockers(at=now),
        "can_award": not tender.award_blockers(at=now),
        "can_cancel": not tender.cancel_blockers(),
        "can_add_document": not tender.add_document_blockers(at=now),
        "can_answer_questions": not tender.answer_question_blockers(at=now),
    }


@require_POST
def tender_publish(request: HttpRequest, pk: int) -> HttpResponse:
    tender = permissions.get_tender_for_officer(request, pk)
    already = tender.status == Tender.Status.PUBLISHED
    try:
        services.tender_publish(tender=tender, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The tender is already published.") if already else _("The tender is published.")
        )
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
        "question_deadline_at": tender.question_deadline_at,
        "submission_deadline_at": tender.submission_deadline_at,
        "lots": lots_as_lines(tender),
    }
    form = AmendmentForm(request.POST or None, request.FILES or None, initial=initial, tender=tender)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason, substantial, lots = data.pop("reason"), data.pop("is_substantial"), data.pop("lots")
        document, title = data.pop("document"), data.pop("document_title")
        removed = list(data.pop("documents_removed", []))
        try:
            amendment = services.tender_amend(
                tender=tender, changes=data, reason=reason, is_substantial=substantial, actor=request.user,
                lots=lots, documents_added=[(title, document)] if document else [], documents_removed=removed,
            )  # fmt: skip
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The amendment is published and followers are notified."))
            _tell_extension(request, amendment.new_deadline_at)
            return redirect("procurement:tender-manage", pk=tender.pk)
    return render(request, "procurement/tender_amend.html", {"form": form, "tender": tender})


def _tell_extension(request: HttpRequest, new_deadline) -> None:
    if new_deadline:
        messages.warning(
            request,
            _(
                "The submission deadline was extended to %(deadline)s, the legal minimum after this change. Those "
                "who answered are asked to confirm their answers again."
            )
            % {"deadline": swedish_time(new_deadline)},
        )


@require_POST
def question_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the answer, with the question as the officer edited it (a name taken out)."""
    question = permissions.get_question_for_answer(request, pk)
    form = AnswerQuestionForm(request.POST)
    if form.is_valid():
        try:
            question = services.question_answer(question=question, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            done = (
                _("The question was already answered.")
                if question.was_repeated
                else _("The answer is published.")
            )
            messages.success(request, done)
            _tell_extension(request, question.deadline_extended_to)
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("procurement:tender-manage", pk=question.tender_id)


def tender_award(request: HttpRequest, pk: int) -> HttpResponse:
    """The award decision per lot: the companies chosen among that lot's answers, their values, the reasons,
    and the decision date from which the standstill runs."""
    tender = permissions.get_tender_for_officer(request, pk)
    blockers = tender.award_blockers(at=timezone.now())
    groups = [] if blockers else selectors.award_choices(tender=tender)
    form = AwardDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            awards = [
                {"company": s.company, "lot": lot, "value": _amount(request.POST.get(f"value-{_key(lot)}-{s.pk}", "")),
                 "reasons": request.POST.get(f"reasons-{_key(lot)}", "").strip()[:4000],
                 "awarded_on": form.cleaned_data["awarded_on"],
                 "contract_start_on": tender.contract_start_on, "contract_end_on": tender.contract_end_on}
                for lot, submissions in groups for s in submissions
                if request.POST.get(f"award-{_key(lot)}-{s.pk}")
            ]  # fmt: skip
            services.tender_award(
                tender=tender,
                awards=awards,
                sent_electronically=form.cleaned_data["sent_electronically"],
                actor=request.user,
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request,
                _(
                    "The tender is awarded, the award notice is published and the bidders are told of the decision."
                ),
            )
            return redirect("procurement:tender-manage", pk=tender.pk)
    groups = [(_key(lot), lot, submissions) for lot, submissions in groups]
    context = {"tender": tender, "groups": groups, "blockers": blockers, "form": form}
    return render(request, "procurement/tender_award.html", context)


def _key(lot) -> str:
    return str(lot.pk) if lot else "0"


@require_POST
def award_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the awarded contract signed, once the standstill period has ended."""
    award = permissions.get_award_for_officer(request, pk)
    try:
        services.award_sign(award=award, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The contract is marked signed."))
    return redirect("procurement:tender-manage", pk=award.tender_id)


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
        already = tender.status == Tender.Status.CANCELLED
        try:
            services.tender_cancel(tender=tender, reason=form.cleaned_data["reason"], actor=request.user)
        except DomainError as error:
            add_to_form(form, error)
        else:
            done = (
                _("The tender is already cancelled.")
                if already
                else _("The tender is cancelled and those who answered are told.")
            )
            messages.success(request, done)
            return redirect("procurement:tender-manage", pk=tender.pk)
    return render(request, "procurement/tender_cancel.html", {"form": form, "tender": tender})


def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One answer, for the buyer's officers after the deadline; before it a page says until when it is sealed."""
    try:
        submission = permissions.get_submission_for_evaluation(request, pk)
    except permissions.Sealed as sealed:
        return render(request, "procurement/submission_sealed.html", {"tender": sealed.tender}, status=403)
    if request.GET.get("download"):
        if not submission.document:
            raise Http404
        return uploads.serve(submission.document)
    return render(request, "procurement/submission_detail.html", {"submission": submission})
