"""Pages for work-training places and placements; participant records are logged on every view."""

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from asfportal.core.cache import cached_fragment, data_versions
from asfportal.core.calendars import render_calendar
from asfportal.core.exceptions import DomainError, add_to_form
from asfportal.core.lists import cached_filters, page_of, render_list, wants_results_only
from companies.models import Company

from . import exports, permissions, selectors, services
from .forms import (
    PARTICIPANT_SORT_CHOICES,
    PLACEMENT_SORT_CHOICES,
    CapacityFilterForm,
    CaseloadFilterForm,
    ConsentRenewForm,
    FollowUpForm,
    OfferForm,
    ParticipantForm,
    PlacementEndForm,
    PlacementForm,
    SusRecordForm,
)
from .models import AccessLogEntry, FollowUp, Offer, Placement
from .services import AlreadyDone

# --- Company representatives --------------------------------------------------------------------------------


def offer_list(request: HttpRequest) -> HttpResponse:
    """The company's places and the placements at the company: participant code, hours, supervisor notes only."""
    company_id = permissions.require_company(request)
    offers = Offer.objects.filter(company_id=company_id).select_related("work_area", "municipality")
    placements = (
        Placement.objects.filter(company_id=company_id)
        .select_related("participant", "offer__work_area")
        .prefetch_related("follow_ups")
        .order_by("-start_on")
    )
    today = timezone.localdate()
    for placement in placements:
        for follow_up in placement.follow_ups.all():
            follow_up.overdue = follow_up.is_overdue(at=today)
            # The company's own meetings go in its calendar; the 90-day follow-up is the coordinator's.
            follow_up.in_calendar = follow_up.is_pending and follow_up.kind == FollowUp.Kind.REGULAR
    context = {"offers": offers, "placements": placements}
    return render(request, "placements/offer_list.html", context)


def offer_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    offer = permissions.get_offer_for_company(request, pk) if pk else None
    company_id = permissions.require_company(request)
    form = OfferForm(request.POST or None, instance=offer)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        key = fields.pop("submission_key", None)
        try:
            services.offer_save(offer=offer, company=Company.objects.get(pk=company_id), fields=fields,
                                actor=request.user, submission_key=key)  # fmt: skip
        except AlreadyDone as done:
            messages.info(request, done.message)
            return redirect("placements:offer-list")
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The places are saved."))
            return redirect("placements:offer-list")
    booked = offer.booked_places(at=timezone.localdate())[0] if offer else 0
    return render(request, "placements/offer_form.html", {"form": form, "offer": offer, "booked": booked})


# --- Coordinators ---------------------------------------------------------------------------------------------


def capacity_search(request: HttpRequest) -> HttpResponse:
    """Offers with free places, for every coordinator alike; cached per query until an offer, a placement or a
    company changes (and per day, as places free up by date)."""
    permissions.require_coordinator(request)
    today = timezone.localdate()

    def render_body() -> str:
        form = CapacityFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        offers = selectors.capacity_search(
            today=today,
            weeks=filters.get("weeks") or 0,
            municipality=filters.get("municipality"),
            work_area=filters.get("work_area"),
            measure=filters.get("measure") or "",
            adaptation=filters.get("adaptation") or "",
        )
        page = Paginator(offers, 25).get_page(request.GET.get("page"))
        context = {"form": form, "page_obj": page}
        return render_to_string(template, context, request=request)

    # An htmx request gets the results block alone (asfportal/core/lists.py), cached apart from the page's body.
    results_only = wants_results_only(request)
    template = "placements/_capacity_results.html" if results_only else "placements/_capacity_body.html"
    parts = (
        "capacity",
        results_only,
        data_versions("placements", "companies"),
        today,
        request.GET.urlencode(),
    )
    body = cached_fragment(parts, render_body)
    response = (
        HttpResponse(body)
        if results_only
        else render(request, "placements/capacity_search.html", {"body": body})
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A published offer of a listed company, for coordinators choosing a place: tasks, adaptations, period,
    supervisor and the places free today."""
    offer = permissions.get_offer_for_coordinator(request, pk)
    free_now = offer.places - offer.booked_places(at=timezone.localdate())[0]
    return render(request, "placements/offer_detail.html", {"offer": offer, "free_now": max(free_now, 0)})


def _caseload_form(request: HttpRequest, sorts) -> CaseloadFilterForm:
    return CaseloadFilterForm(request.GET, organisation_id=request.user.organisation_id, sorts=sorts)


def _caseload_filters(request: HttpRequest, form: CaseloadFilterForm, list_name: str) -> str:
    """The list's filter form as HTML, cached per organisation until a placement it referred or a company
    changes (the company choices); none for an htmx request, which gets the results alone."""
    if wants_results_only(request):
        return ""
    organisation_id = request.user.organisation_id
    versions = data_versions(selectors.caseload_dataset(organisation_id), "companies")
    return cached_filters(form, parts=(list_name, organisation_id, versions))


def participant_list(request: HttpRequest) -> HttpResponse:
    """The organisation's participants: searched by code, filtered by their placements (status, company, period,
    follow-up state), sorted, 50 a page; the same list as an Excel workbook, every participant in it logged."""
    permissions.require_coordinator(request)
    form = _caseload_form(request, PARTICIPANT_SORT_CHOICES)
    participants = selectors.participant_list(
        organisation_id=request.user.organisation_id, filters=form.filters(), today=timezone.localdate()
    )
    if request.GET.get("format") == "xlsx":
        exported = []
        response = exports.participants_xlsx(participants.iterator(chunk_size=2000), on_row=exported.append)
        services.log_list_export(participants=exported, user=request.user)
        return response
    page = page_of(participants, request, 50)
    labels = dict(Placement.Status.choices)
    page.object_list = list(page.object_list)
    for participant in page.object_list:
        participant.latest_status_label = labels.get(participant.latest_status, "")
    context = {
        "form": form,
        "filters_html": _caseload_filters(request, form, "participants"),
        "page_obj": page,
        "today": timezone.localdate(),
    }
    return render_list(
        request, "placements/participant_list.html", "placements/_participant_results.html", context
    )


PLACEMENT_LIST_COLUMNS = (
    "participant__code",
    "company__name",
    "offer__work_area__name",
    "offer__work_area__name_en",
    "status",
    "start_on",
    "ended_on",
    "planned_end_on",
)


def placement_list(request: HttpRequest) -> HttpResponse:
    """The placements the organisation referred, with the same filters, search, sort and export."""
    permissions.require_coordinator(request)
    form = _caseload_form(request, PLACEMENT_SORT_CHOICES)
    placements = selectors.placement_list(
        organisation_id=request.user.organisation_id, filters=form.filters(), today=timezone.localdate()
    )
    if request.GET.get("format") == "xlsx":
        exported = {}
        response = exports.placements_xlsx(
            placements.iterator(chunk_size=2000),
            on_row=lambda p: exported.setdefault(p.participant_id, p.participant),
        )
        services.log_list_export(participants=list(exported.values()), user=request.user)
        return response
    context = {
        "form": form,
        "filters_html": _caseload_filters(request, form, "placements"),
        # The columns the page shows (the export above reads whole rows): the placement, company and offer rows
        # carry long texts (goals, descriptions) no list cell needs.
        "page_obj": page_of(placements.only(*PLACEMENT_LIST_COLUMNS), request, 50),
        "today": timezone.localdate(),
    }
    return render_list(
        request, "placements/placement_list.html", "placements/_placement_results.html", context
    )


def participant_create(request: HttpRequest) -> HttpResponse:
    permissions.require_coordinator(request)
    form = ParticipantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        consent = {
            "given_on": data.pop("consent_given_on"),
            "scope": data.pop("consent_scope"),
            "sus_form_collected": data.pop("sus_form_collected"),
        }
        key = data.pop("submission_key", None)
        try:
            participant = services.participant_register(organisation=request.user.organisation, fields=data,
                                                        consent=consent, actor=request.user, submission_key=key)  # fmt: skip
        except AlreadyDone as done:
            messages.info(request, done.message)
            return redirect("placements:participant-detail", pk=done.result.pk)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(
                request, _("The participant is registered as %(code)s.") % {"code": participant.code}
            )
            return redirect("placements:participant-detail", pk=participant.pk)
    return render(request, "placements/participant_form.html", {"form": form})


def participant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    participant = permissions.get_participant(request, pk)
    services.log_access(participant=participant, user=request.user, action="viewed")
    return render(request, "placements/participant_detail.html", selectors.participant_page(participant))


def participant_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The register extract (GDPR art. 15) as JSON."""
    participant = permissions.get_participant(request, pk)
    data = services.participant_export(participant=participant, actor=request.user)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="registerutdrag-{participant.code}.json"'
    return response


def participant_erase(request: HttpRequest, pk: int) -> HttpResponse:
    participant = permissions.get_participant(request, pk)
    if request.method == "POST":
        services.participant_erase(participant=participant, actor=request.user)
        messages.success(request, _("The participant and everything registered about them is erased."))
        return redirect("placements:participant-list")
    return render(request, "placements/participant_erase.html", {"participant": participant})


def _withdrawn_message(done: dict[str, int]) -> str:
    """What withdrawing the consent did, for the coordinator to see."""
    parts = [_("The consent is withdrawn; nothing more will be registered.")]
    if n := done["interrupted"]:
        parts.append(ngettext("%(n)s active placement was interrupted (consent withdrawn).",
                              "%(n)s active placements were interrupted (consent withdrawn).", n) % {"n": n})  # fmt: skip
    if n := done["cancelled"]:
        parts.append(ngettext("%(n)s planned placement was cancelled.",
                              "%(n)s planned placements were cancelled.", n) % {"n": n})  # fmt: skip
    if n := done["follow_ups_cancelled"]:
        parts.append(ngettext("%(n)s follow-up not yet held was cancelled.",
                              "%(n)s follow-ups not yet held were cancelled.", n) % {"n": n})  # fmt: skip
    return " ".join(parts)


def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks first, naming what will happen to the placements and follow-ups; the POST carries it through."""
    participant = permissions.get_participant(request, pk)
    if request.method == "POST":
        try:
            done = services.consent_withdraw(participant=participant, actor=request.user)
        except AlreadyDone as already:
            messages.info(request, already.message)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _withdrawn_message(done))
        return redirect("placements:participant-detail", pk=participant.pk)
    context = {"participant": participant, **selectors.consent_withdraw_preview(participant)}
    return render(request, "placements/consent_withdraw.html", context)


def placement_create(request: HttpRequest, pk: int) -> HttpResponse:
    participant = permissions.get_participant(request, pk)
    form = PlacementForm(request.POST or None, initial={"offer": request.GET.get("offer")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        offer = data.pop("offer")
        try:
            services.placement_create(participant=participant, offer=offer, fields=data, actor=request.user)
        except AlreadyDone as done:
            messages.info(request, done.message)
            return redirect("placements:participant-detail", pk=participant.pk)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The placement is planned."))
            return redirect("placements:participant-detail", pk=participant.pk)
    return render(request, "placements/placement_form.html", {"form": form, "participant": participant})


@require_POST
def placement_start(request: HttpRequest, pk: int) -> HttpResponse:
    placement = permissions.get_placement_for_coordinator(request, pk)
    try:
        services.placement_start(placement=placement, actor=request.user)
    except AlreadyDone as done:
        messages.info(request, done.message)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The placement has started and its follow-ups are booked."))
    return redirect("placements:participant-detail", pk=placement.participant_id)


def placement_end(request: HttpRequest, pk: int) -> HttpResponse:
    placement = permissions.get_placement_for_coordinator(request, pk)
    form = PlacementEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        interrupted = data.pop("interrupted")
        try:
            services.placement_end(
                placement=placement, fields=data, interrupted=interrupted, actor=request.user
            )
        except AlreadyDone as done:
            # The second click of a double click: the first ended it; show that, not an error.
            messages.info(request, done.message)
            return redirect("placements:participant-detail", pk=placement.participant_id)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The placement has ended. A follow-up is due 90 days after the end."))
            return redirect("placements:participant-detail", pk=placement.participant_id)
    elif placement.is_finished:
        messages.info(request, _("The placement has already ended."))
        return redirect("placements:participant-detail", pk=placement.participant_id)
    blockers = placement.end_blockers(ended_on=None, at=timezone.localdate())
    return render(request, "placements/placement_end.html", {"form": form, "placement": placement,
                                                              "end_blockers": blockers})  # fmt: skip


def follow_up_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Records a follow-up, or changes a recorded one: the earlier texts stay listed on the page."""
    follow_up = permissions.get_follow_up_for_coordinator(request, pk)
    after_90 = follow_up.kind == FollowUp.Kind.AFTER_90_DAYS
    notes = list(follow_up.notes.select_related("written_by"))
    initial = {"version": len(notes)}
    if follow_up.held_on:
        initial |= {
            "held_on": follow_up.held_on,
            "note": follow_up.note,
            "outcome_90": follow_up.placement.outcome_90,
        }
    form = FollowUpForm(request.POST or None, after_90_days=after_90, initial=initial)
    detail = redirect("placements:participant-detail", pk=follow_up.placement.participant_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_record(follow_up=follow_up, actor=request.user, **form.cleaned_data)
        except AlreadyDone as done:
            messages.info(request, done.message)
            return detail
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The follow-up is recorded."))
            return detail
    blockers = follow_up.record_blockers(held_on=timezone.localdate(), at=timezone.localdate())
    context = {"form": form, "follow_up": follow_up, "notes": notes, "record_blockers": blockers}
    return render(request, "placements/follow_up_form.html", context)


@require_safe  # a download: GET and HEAD only
def follow_up_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """One follow-up meeting as an .ics file, the same entry (UID) as in the personal calendar feed."""
    follow_up, for_company = permissions.get_follow_up_for_calendar(request, pk)
    event = selectors.follow_up_calendar_event(follow_up, for_company=for_company)
    response = HttpResponse(
        render_calendar([event], name=event.summary), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="uppfoljning-{follow_up.pk}.ics"'
    patch_cache_control(response, private=True, no_store=True)
    return response


def access_log(request: HttpRequest) -> HttpResponse:
    permissions.require_coordinator(request)
    entries = AccessLogEntry.objects.filter(organisation_id=request.user.organisation_id).select_related(
        "user"
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "placements/access_log.html", {"page_obj": page})


def figures(request: HttpRequest) -> HttpResponse:
    permissions.require_coordinator(request)
    try:
        year = int(request.GET.get("year", timezone.localdate().year))
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2000), 2100)
    data = selectors.placement_figures(
        organisation_id=request.user.organisation_id, year=year, today=timezone.localdate()
    )
    return render(request, "placements/figures.html", {"figures": data})


def consent_renew(request: HttpRequest, pk: int) -> HttpResponse:
    """A new consent before the current one runs out (or after it has)."""
    participant = permissions.get_participant(request, pk)
    form = ConsentRenewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_renew(participant=participant, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The new consent is recorded."))
            return redirect("placements:participant-detail", pk=participant.pk)
    return render(request, "placements/consent_renew.html", {"form": form, "participant": participant})


def placement_sus(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the registration in SUS at the start, or the de-registration at the end (förbund only)."""
    placement = permissions.get_placement_for_coordinator(request, pk)
    registering = placement.sus_registered_on is None
    label = _("Record the registration in SUS") if registering else _("Record the de-registration from SUS")
    form = SusRecordForm(request.POST or None, label=label)
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_sus_record(placement=placement, actor=request.user, **form.cleaned_data)
        except AlreadyDone as done:
            messages.info(request, done.message)
            return redirect("placements:participant-detail", pk=placement.participant_id)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Recorded. Thank you."))
            return redirect("placements:participant-detail", pk=placement.participant_id)
    today = timezone.localdate()
    blockers = (
        placement.sus_registration_blockers(on=today, at=today)
        if registering
        else placement.sus_deregistration_blockers(on=today, at=today)
    )
    context = {"form": form, "placement": placement, "registering": registering, "blockers": blockers,
               "title": label}  # fmt: skip
    return render(request, "placements/placement_sus.html", context)
