"""Every tender rule, and every path into it, gives the same refusal.

Each row names a rule, builds a tender in the state it refuses, and gives the sentence the rule's one source (a
lifecycle method on the model, or the model's own check) returns. Each path (the service, the form or button in
the officer's or company's page, the admin where the model is registered) is then tried and must refuse with
that sentence, and change nothing.
"""

import html
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from asfportal.core.exceptions import DomainError
from procurement import services
from procurement.models import Award, Question, Submission, Tender
from tests.companies.factories import CompanyFactory, RepresentativeFactory
from tests.procurement.factories import TenderFactory

pytestmark = pytest.mark.django_db
NOW = timezone.now


class World:
    def __init__(self, officer):
        self.officer = officer
        self.rep = RepresentativeFactory(company=CompanyFactory(verified=True, name="Städkraft")).user
        self.company = self.rep.representation.company

    def tender(self, **fields) -> Tender:
        return TenderFactory(buyer=self.officer.organisation, created_by=self.officer, **fields)

    def answered(self, tender: Tender) -> Submission:
        return Submission.objects.create(tender=tender, company=self.company, submitted_by=self.rep, message="x",
                                         submitted_at=NOW() - timedelta(hours=2), people_occupied=10,
                                         people_in_target_group=6)  # fmt: skip

    def past_deadline(self, tender: Tender, status: str = "published") -> Tender:
        Tender.objects.filter(pk=tender.pk).update(
            status=status, submission_deadline_at=NOW() - timedelta(minutes=1)
        )
        tender.refresh_from_db()
        return tender


@dataclass
class Rule:
    """`state(w)` returns (the tender, the sentence its rule gives); `service(w, tender)` calls the service;
    `view` is (who, url name, method, data(w, tender), url argument(w, tender))."""

    state: Any
    service: Any
    views: tuple = ()
    admin: tuple = ()  # (url name, method) in the admin that must refuse


def _publish_incomplete(w):
    tender = w.tender(procurement_id="", notice_url="")
    return tender, tender.publish_blockers(at=NOW())[0]


def _award_before_deadline(w):
    tender = w.tender(published=True)
    w.answered(tender)
    return tender, tender.award_blockers(at=NOW())[0]


def _cancel_after_award(w):
    tender = w.past_deadline(w.tender(published=True), status="closed")
    w.answered(tender)
    services.tender_award(tender=tender, awards=[{"company": w.company, "value": 1000}], actor=w.officer)
    tender.refresh_from_db()
    return tender, tender.cancel_blockers()[0]


def _sign_in_standstill(w):
    tender = w.past_deadline(w.tender(published=True), status="closed")
    w.answered(tender)
    [w.award] = services.tender_award(
        tender=tender, awards=[{"company": w.company, "value": 1000}], actor=w.officer
    )
    return tender, w.award.sign_blockers(at=NOW())[0]


def _amend_after_deadline(w):
    tender = w.past_deadline(w.tender(published=True))
    return tender, tender.amend_blockers(at=NOW())[0]


def _ask_after_question_deadline(w):
    tender = w.tender(published=True)
    Tender.objects.filter(pk=tender.pk).update(question_deadline_at=NOW() - timedelta(minutes=1))
    tender.refresh_from_db()
    return tender, tender.ask_blockers(at=NOW())[0]


def _submit_after_deadline(w):
    tender = w.past_deadline(w.tender(published=True))
    return tender, tender.submit_blockers(at=NOW())[0]


def _decline_after_answering(w):
    tender = w.tender(published=True)
    w.answered(tender)
    return tender, tender.decline_blockers(at=NOW(), has_answered=True)[0]


def _answer_after_close(w):
    tender = w.tender(published=True)
    w.question = services.question_ask(
        tender=tender, company=w.company, text="Ingår fönsterputs?", actor=w.rep
    )
    tender = w.past_deadline(tender, status="closed")
    return tender, tender.answer_question_blockers(at=NOW())[0]


def _edit_published(w):
    tender = w.tender(published=True)
    return tender, tender.edit_blockers()[0]


def _contract_before_deadline(w):
    tender = w.tender()
    tender.contract_start_on = timezone.localdate()
    return tender, tender.validation_problems()[0]


def _share_against_registry(w):
    Tender_ = w.tender(published=True)
    w.company.employees_total, w.company.employees_integration, w.company.participants = 20, 5, 0
    w.company.save()
    (sentence,) = Tender_.eligibility_blockers(
        company=w.company, is_verified=True, occupied=14, in_target_group=9
    )
    return Tender_, sentence


def _draft_fields(tender: Tender, **extra) -> dict:
    local = timezone.localtime
    return {"title": tender.title, "description": tender.description, "legal_basis": tender.legal_basis,
            "procurement_id": tender.procurement_id, "notice_url": tender.notice_url, "estimated_value": "900000",
            "cpv_codes": [c.pk for c in tender.cpv_codes.all()],
            "submission_deadline_at": local(tender.submission_deadline_at).strftime("%Y-%m-%dT%H:%M"), **extra}  # fmt: skip


def _save(w, tender, **fields):
    return services.tender_save_draft(tender=tender, fields=fields, cpv_codes=tender.cpv_codes.all(),
                                      municipalities=[], lots=[], actor=w.officer)  # fmt: skip


OFFICER, REP = "officer", "rep"
RULES = {
    "only a complete draft is published": Rule(
        _publish_incomplete,
        lambda w, t: services.tender_publish(tender=t, actor=w.officer),
        views=((OFFICER, "tender-publish", "post", lambda w, t: {}), (OFFICER, "tender-manage", "get", None)),
    ),
    "an award waits for the deadline": Rule(
        _award_before_deadline,
        lambda w, t: services.tender_award(
            tender=t, awards=[{"company": w.company, "value": 1}], actor=w.officer
        ),
        views=(
            (OFFICER, "tender-award", "get", None),
            (
                OFFICER,
                "tender-award",
                "post",
                lambda w, t: {
                    f"award-0-{t.submissions.get().pk}": "1",
                    f"value-0-{t.submissions.get().pk}": "1000",
                    "awarded_on": timezone.localdate().isoformat(),
                },
            ),
        ),
        admin=(("admin:procurement_award_add", "get"),),
    ),
    "an awarded tender is not cancelled": Rule(
        _cancel_after_award,
        lambda w, t: services.tender_cancel(tender=t, reason="Fel.", actor=w.officer),
        views=((OFFICER, "tender-cancel", "post", lambda w, t: {"reason": "Fel."}),),
    ),
    "the contract is signed after the standstill": Rule(
        _sign_in_standstill,
        lambda w, t: services.award_sign(award=w.award, actor=w.officer),
        views=((OFFICER, "award-sign", "post", lambda w, t: {}), (OFFICER, "tender-manage", "get", None)),
    ),
    "only an open tender is amended": Rule(
        _amend_after_deadline,
        lambda w, t: services.tender_amend(
            tender=t, changes={"title": "Ny"}, reason="Rättelse", is_substantial=False, actor=w.officer
        ),
        views=(
            (
                OFFICER,
                "tender-amend",
                "post",
                lambda w, t: {
                    "title": "Ny",
                    "description": t.description,
                    "reason": "Rättelse",
                    "submission_deadline_at": timezone.localtime(t.submission_deadline_at).strftime(
                        "%Y-%m-%dT%H:%M"
                    ),
                },
            ),
        ),
    ),
    "questions close at the question deadline": Rule(
        _ask_after_question_deadline,
        lambda w, t: services.question_ask(tender=t, company=w.company, text="Sent?", actor=w.rep),
        views=((REP, "question-ask", "post", lambda w, t: {"text": "Sent?"}),),
    ),
    "answers close at the submission deadline": Rule(
        _submit_after_deadline,
        lambda w, t: services.submission_submit(
            tender=t, company=w.company, message="Sent", occupied=10, in_target_group=6, actor=w.rep
        ),
        views=(
            (
                REP,
                "submission-submit",
                "post",
                lambda w, t: {"message": "Sent", "people_occupied": 10, "people_in_target_group": 6},
            ),
        ),
    ),
    "who answered does not decline": Rule(
        _decline_after_answering,
        lambda w, t: services.submission_decline(tender=t, company=w.company, reason="Nej", actor=w.rep),
        views=((REP, "submission-decline", "post", lambda w, t: {"reason": "Nej"}),),
    ),
    "questions are answered while the tender is open": Rule(
        _answer_after_close,
        lambda w, t: services.question_answer(
            question=w.question, text=w.question.text, answer="Ja.", actor=w.officer
        ),
        views=(
            (OFFICER, "question-answer", "post", lambda w, t: {"text": w.question.text, "answer": "Ja."}),
        ),
    ),
    "a published tender changes only by amendment": Rule(
        _edit_published,
        lambda w, t: _save(w, t, title="Ny titel"),
        views=((OFFICER, "tender-edit", "post", lambda w, t: _draft_fields(t, title="Ny titel")),),
        admin=(("admin:procurement_tender_change", "post"), ("admin:procurement_tender_add", "get")),
    ),
    "the contract starts after the submission deadline": Rule(
        _contract_before_deadline,
        lambda w, t: _save(w, t, contract_start_on=timezone.localdate()),
        views=(
            (
                OFFICER,
                "tender-edit",
                "post",
                lambda w, t: _draft_fields(t, contract_start_on=timezone.localdate().isoformat()),
            ),
        ),
        admin=(("admin:procurement_tender_change", "post"),),
    ),
    "the declared share agrees with the registry": Rule(
        _share_against_registry,
        lambda w, t: services.submission_submit(
            tender=t, company=w.company, message="Svar", occupied=14, in_target_group=9, actor=w.rep
        ),
        views=(
            (
                REP,
                "submission-submit",
                "post",
                lambda w, t: {"message": "Svar", "people_occupied": 14, "people_in_target_group": 9},
            ),
        ),
    ),
}
PATHS = [
    (name, path)
    for name, rule in RULES.items()
    for path in [
        "service",
        *(f"view:{v[1]}:{v[2]}" for v in rule.views),
        *(f"{a[0]}:{a[1]}" for a in rule.admin),
    ]
]


def _snapshot() -> tuple:
    """What a refused action must leave as it was."""
    return (
        list(
            Tender.objects.order_by("pk").values_list(
                "status", "title", "submission_deadline_at", "contract_start_on"
            )
        ),
        Submission.objects.count(),
        list(Question.objects.values_list("answer", flat=True)),
        list(Award.objects.order_by("pk").values_list("signed_on", flat=True)),
    )


def _text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


@pytest.mark.parametrize(("rule_name", "path"), PATHS, ids=[f"{n} - {p}" for n, p in PATHS])
def test_every_path_into_a_tender_rule_gives_the_same_refusal(client, officer, admin_user, rule_name, path):
    rule = RULES[rule_name]
    w = World(officer)
    tender, sentence = rule.state(w)
    before = _snapshot()
    if path == "service":
        with pytest.raises(DomainError) as error:
            rule.service(w, tender)
        assert sentence in error.value.message
    elif path.startswith("view:"):
        who, name, method, data = next(v for v in rule.views if f"view:{v[1]}:{v[2]}" == path)
        client.force_login(w.officer if who == OFFICER else w.rep)
        question_pk = getattr(w, "question", None)
        arg = {"question-answer": question_pk, "award-sign": getattr(w, "award", None)}.get(name)
        url = reverse(f"procurement:{name}", args=[arg.pk if arg else tender.pk])
        response = client.post(url, data(w, tender), follow=True) if method == "post" else client.get(url)
        assert response.status_code == 200
        assert re.sub(r"\s+", " ", sentence) in _text(response)
    else:
        name, method = path.rsplit(":", 1)
        client.force_login(admin_user)
        url = reverse(name, args=[] if name.endswith("_add") else [tender.pk])
        response = client.post(url, {"title": "Ändrad"}) if method == "post" else client.get(url)
        assert response.status_code == 403  # the admin reads tenders and awards; the services change them
    assert _snapshot() == before
