"""A company's representatives manage their own colleagues (issue 16): invite, remove, several companies."""

import pytest
from django.urls import reverse

from asfportal.accounts.models import Membership, Role
from asfportal.accounts.services import membership_grant
from asfportal.core.exceptions import DomainError
from asfportal.core.models import Notification
from companies import services
from companies.models import Invitation
from tests.companies.factories import CompanyFactory, RepresentativeFactory

pytestmark = pytest.mark.django_db


def _representative(company):
    user = RepresentativeFactory(company=company).user
    membership_grant(user=user, role=Role.COMPANY_REPRESENTATIVE, company=company)
    return user


@pytest.fixture
def company():
    return CompanyFactory(verified=True)


def test_a_new_colleague_gets_the_invitation_link_and_a_membership_when_they_accept(company):
    rep = _representative(company)
    invitation = services.colleague_invite(
        company=company, email="Ny@Foretag.se", full_name="Ny Kollega", actor=rep
    )
    assert isinstance(invitation, Invitation)
    user = services.invitation_accept(invitation=invitation, password="Ett-Långt-Lösenord-9")
    assert Membership.objects.current().filter(user=user, company=company).count() == 1
    assert user.representation.company == company


def test_someone_representing_another_company_gets_this_one_added_beside_it(company):
    rep = _representative(company)
    consultant = _representative(CompanyFactory(verified=True))
    membership = services.colleague_invite(company=company, email=consultant.email, full_name="", actor=rep)
    consultant.refresh_from_db()
    assert membership.company == company
    assert Membership.objects.current().filter(user=consultant).count() == 2
    assert consultant.representation.company != company  # still acting for the first one
    assert Notification.objects.filter(recipient=consultant, kind="accounts.access_changed").exists()
    with pytest.raises(DomainError):
        services.colleague_invite(company=company, email=consultant.email, full_name="", actor=rep)


def test_a_representative_removes_a_colleague_but_not_the_last_one(company):
    rep = _representative(company)
    colleague = _representative(company)
    services.colleague_remove(membership=Membership.objects.get(user=colleague), actor=rep)
    assert not Membership.objects.current().filter(user=colleague).exists()
    with pytest.raises(DomainError):
        services.colleague_remove(membership=Membership.objects.get(user=rep), actor=rep)


def test_nobody_removes_their_own_last_membership(company):
    rep = _representative(company)
    _representative(company)
    reasons = services.colleague_remove_blockers(membership=Membership.objects.get(user=rep), actor=rep)
    assert reasons and "eget sista" in reasons[0]


def test_another_companys_colleague_is_not_found(client, company):
    rep = _representative(company)
    stranger = _representative(CompanyFactory(verified=True))
    client.force_login(rep)
    url = reverse("companies:colleague-remove", args=[company.pk, Membership.objects.get(user=stranger).pk])
    assert client.get(url).status_code == 404


def test_the_people_page_invites_and_lists(client, company):
    rep = _representative(company)
    client.force_login(rep)
    url = reverse("companies:company-people", args=[company.pk])
    response = client.post(url, {"full_name": "Nils Ny", "email": "nils@foretag.se"})
    assert response.status_code == 302
    assert rep.full_name in client.get(url).content.decode()
    assert Invitation.objects.filter(company=company, user__email="nils@foretag.se").exists()
