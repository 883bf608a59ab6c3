"""The officer's page to import an eForms notice, and the review of what the import could not carry over."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from asfportal.core.exceptions import DomainError, add_to_form
from procurement import permissions

from . import imports
from .forms import NoticeUploadForm
from .mapping import parse_notice
from .validation import read_upload


def tender_import(request: HttpRequest) -> HttpResponse:
    permissions.require_officer(request)
    form = NoticeUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            notice = parse_notice(read_upload(form.cleaned_data["notice"]))
            tender = imports.tender_import_from_notice(
                notice=notice, actor=request.user, notice_url=form.cleaned_data["notice_url"]
            )
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The notice is imported. Review what it could not fill in."))
            return redirect("procurement:tender-import-review", pk=tender.pk)
    return render(request, "procurement/tender_import.html", {"form": form})


def tender_import_review(request: HttpRequest, pk: int) -> HttpResponse:
    tender = permissions.get_tender_for_officer(request, pk)
    unmapped = imports.unmapped_for(tender)
    return render(request, "procurement/tender_import.html", {"tender": tender, "unmapped": unmapped})
