"""What companies do with tenders: ask, answer (with a receipt), decline, keep saved searches."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asfportal.core.exceptions import DomainError, add_to_form

from .. import permissions, selectors, services
from ..forms import (
    DeclineForm,
    QuestionForm,
    SavedSearchForm,
    SubmissionForm,
)
from ..lifecycle import swedish_time
from ..models import Submission


@require_POST
def question_ask(request: HttpRequest, pk: int) -> HttpResponse:
    company = permissions.require_company(request)
    tender = permissions.get_tender_for_view(request, pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            question = services.question_ask(
                tender=tender, company=company, text=form.cleaned_data["text"], actor=request.user
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if question.was_repeated:
                messages.info(
                    request, _("Your question was already sent. The answer will be published here.")
                )
            else:
                messages.success(
                    request, _("Your question is sent. The answer will be published on this page.")
                )
    else:
        messages.error(request, _("Write your question (at most 2000 characters)."))
    return redirect("procurement:tender-detail", pk=tender.pk)


def submission_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit or replace the company's answer before the deadline."""
    company = permissions.require_company(request)
    tender = permissions.get_tender_for_view(request, pk)
    existing = Submission.objects.filter(tender=tender, company=company).first()
    initial = {"message": existing.message, "lots": list(existing.lots.all())} if existing else {}
    lots = tender.lots.all()
    form = SubmissionForm(
        request.POST or None,
        request.FILES or None,
        reserved=tender.is_reserved,
        lots=lots if lots.exists() else None,
        initial=initial,
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
                lots=list(form.cleaned_data.get("lots") or []),
                actor=request.user,
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _receipt(submission))
            return redirect("procurement:tender-detail", pk=tender.pk)
    context = {"form": form, "tender": tender, "existing": existing, "company": company}
    return render(request, "procurement/submission_form.html", context)


def _receipt(submission: Submission) -> str:
    text = _(
        "Your answer was received %(time)s (Swedish time). Receipt: %(receipt)s. The receipt is e-mailed to you."
    )
    if submission.was_repeated:
        text = _("Your answer had already been received %(time)s (Swedish time). Receipt: %(receipt)s.")
    return text % {"time": swedish_time(submission.submitted_at), "receipt": submission.receipt_id}


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
            add_to_form(form, error)
        else:
            messages.success(request, _("Thank you. The buyer sees your reason."))
            return redirect("procurement:tender-detail", pk=tender.pk)
    return render(request, "procurement/decline_form.html", {"form": form, "tender": tender})


def saved_search_list(request: HttpRequest) -> HttpResponse:
    permissions.require_company(request)
    form = SavedSearchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.saved_search_create(user=request.user, **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The search is saved. You will hear of new tenders that match it."))
            return redirect("procurement:saved-search-list")
    searches = selectors.saved_searches(user=request.user)
    return render(request, "procurement/saved_search_list.html", {"form": form, "searches": searches})


def saved_search_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks first (GET), deletes on the confirmation (POST)."""
    search = permissions.get_saved_search_for_owner(request, pk)
    if request.method == "POST":
        services.saved_search_delete(search=search, actor=request.user)
        messages.success(request, _("The search is deleted."))
        return redirect("procurement:saved-search-list")
    return render(request, "procurement/saved_search_delete.html", {"search": search})


@require_POST
def tender_follow(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a tender: its amendments, answers to questions and award reach the representative."""
    permissions.require_company(request)
    tender = permissions.get_tender_for_view(request, pk)
    services.tender_watch(tender=tender, user=request.user)
    messages.success(request, _("You follow the tender: you will hear of changes, answers and the award."))
    return redirect("procurement:tender-detail", pk=tender.pk)


@require_POST
def tender_unfollow(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require_company(request)
    tender = permissions.get_tender_for_view(request, pk)
    services.tender_unwatch(tender=tender, user=request.user)
    messages.success(request, _("You no longer follow the tender."))
    return redirect("procurement:tender-detail", pk=tender.pk)
