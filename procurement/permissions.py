"""Who may do what with tenders: officers act for their own organisation; companies answer; the public reads."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from asfportal.accounts import capabilities
from asfportal.accounts.models import User

from .models import Award, Question, SavedSearch, Submission, Tender

is_officer = capabilities.is_procurement_officer


def can_manage_tender(user: User, tender: Tender) -> bool:
    return is_officer(user) and user.organisation_id == tender.buyer_id


def represented_company(user: User):
    """The company a representative acts for, or None."""
    if capabilities.represented_company_id(user) is None:
        return None
    return user.representation.company


def get_tender_for_view(request: HttpRequest, pk: int) -> Tender:
    return get_object_or_404(Tender.objects.visible_to(request.user).select_related("buyer"), pk=pk)


def get_tender_for_officer(request: HttpRequest, pk: int) -> Tender:
    """The officer's own organisation's tender; another organisation's is not found."""
    if not is_officer(request.user):
        raise PermissionDenied
    return get_object_or_404(
        Tender.objects.select_related("buyer"), pk=pk, buyer_id=request.user.organisation_id
    )


def require_officer(request: HttpRequest) -> None:
    if not is_officer(request.user):
        raise PermissionDenied


def require_company(request: HttpRequest):
    company = represented_company(request.user)
    if company is None:
        raise PermissionDenied
    return company


def get_question_for_answer(request: HttpRequest, pk: int) -> Question:
    """A question to the officer's own organisation's tender; another organisation's is not found."""
    require_officer(request)
    return get_object_or_404(
        Question.objects.select_related("tender"), pk=pk, tender__buyer_id=request.user.organisation_id
    )


def get_award_for_officer(request: HttpRequest, pk: int) -> Award:
    """An award of the officer's own organisation's tender; another organisation's is not found."""
    require_officer(request)
    return get_object_or_404(
        Award.objects.select_related("tender"), pk=pk, tender__buyer_id=request.user.organisation_id
    )


class Sealed(PermissionDenied):
    """Refused because the answers are sealed until the tender's submission deadline (the page says until when)."""

    def __init__(self, tender: Tender):
        super().__init__()
        self.tender = tender


def get_submission_for_evaluation(request: HttpRequest, pk: int) -> Submission:
    """An answer is readable by the buyer's officers once the deadline has passed, and by nobody before (Sealed,
    a 403 that says so); another organisation's officers do not find it (404), as they do not find its tender."""
    require_officer(request)
    submission = get_object_or_404(
        Submission.objects.select_related("tender", "company"),
        pk=pk,
        tender__buyer_id=request.user.organisation_id,
    )
    if submission.tender.is_sealed():
        raise Sealed(submission.tender)
    return submission


def get_saved_search_for_owner(request: HttpRequest, pk: int) -> SavedSearch:
    """A representative's own saved search; anyone else's is not found."""
    require_company(request)
    return get_object_or_404(SavedSearch, pk=pk, user=request.user)
