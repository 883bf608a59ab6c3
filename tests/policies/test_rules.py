"""Every rule of the policies app, tried on every path into it: the service, and the form view a person uses (the
policies models are not registered in the admin, and nothing imports them). Each path must give the same Swedish
sentence, on the same field, and leave every table as it was."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from asfportal.core.exceptions import DomainError
from asfportal.core.personal_data import MESSAGE as PERSONNUMMER
from policies import services
from policies.models import ActionPlan, Activity, ContactPerson, Goal, Policy
from tests import fuzz
from tests.accounts.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
Y = TODAY.year


class World:
    """A coordinator of a municipality (or of a samordningsförbund) with a plan, a goal, an activity, a contact
    person and policies, made on first use."""

    def __init__(self, forbund: bool = False):
        organisation = (
            OrganisationFactory(samordningsforbund=True) if forbund else OrganisationFactory(kommun=True)
        )
        self.organisation = organisation
        self.coordinator = UserFactory(role="coordinator", organisation=organisation)
        self.plan = ActionPlan.objects.create(
            organisation=organisation, title="Handlingsplan", start_year=Y - 1, end_year=Y + 1,
            adopted_by="Kommunfullmäktige", adopted_on=TODAY - timedelta(days=30),
        )  # fmt: skip
        self.goal = Goal.objects.create(plan=self.plan, title="Fler ASF får uppdrag", order=1)
        Goal.objects.create(plan=self.plan, title="Fler platser", order=2)
        self.activity = services.activity_save(
            activity=None,
            plan=self.plan,
            fields=self.activity_fields(title="Dialogmöte"),
            actor=self.coordinator,
        )
        self.contact = ContactPerson.objects.create(
            organisation=organisation, name="Anna Ek", responsibility="external", email="anna@kommun.se"
        )
        self.draft = Policy.objects.create(organisation=organisation, title="Utkast", text="Text")
        self.archived = Policy.objects.create(organisation=organisation, title="Gammal", status="archived")

    def activity_fields(self, **extra) -> dict:
        return {
            "title": "Inspirationsdag", "description": "", "kind": "structural", "category": "awareness",
            "responsible_organisation": self.organisation, "responsible_person": "", "partners": "",
            "start_on": TODAY, "end_on": TODAY + timedelta(days=30), "budget": None, "status": "planned",
            "progress": None, "public_supervisor": False, "override_reason": "", "goal": None, **extra,
        }  # fmt: skip

    def activity_post(self, **extra) -> dict:
        fields = self.activity_fields(**extra)
        fields["responsible_organisation"] = self.organisation.pk
        fields["goal"] = fields["goal"].pk if fields["goal"] else ""
        return {key: "" if value is None else value for key, value in fields.items() if value is not False}

    def policy_fields(self, **extra) -> dict:
        return {"title": "Policy för ASF", "status": "adopted", "adopted_by": "Kommunfullmäktige",
                "adopted_on": TODAY - timedelta(days=3), "review_on": None, "text": "Vi köper socialt.", **extra}  # fmt: skip

    def plan_fields(self, **extra) -> dict:
        return {"title": "Ny plan", "policy": None, "start_year": Y, "end_year": Y + 3, "adopted_by": "",
                "adopted_on": None, **extra}  # fmt: skip

    def contact_fields(self, **extra) -> dict:
        return {
            "name": "Bo Berg",
            "title": "",
            "responsibility": "procurement",
            "email": "",
            "phone": "",
            **extra,
        }


def _post(fields: dict) -> dict:
    return {key: "" if value is None else value for key, value in fields.items()}


@dataclass
class Rule:
    name: str
    field: str
    message: Callable[[World], str]
    service: Callable[[World], object]
    view: Callable[[World], tuple[str, dict]] | None  # url and post data; None: no form reaches the rule
    forbund: bool = False

    def __str__(self) -> str:
        return self.name


def _msg(msgid: str, **params) -> Callable[[World], str]:
    return lambda w: gettext(msgid) % params if params else gettext(msgid)


OUTSIDE = "The plan runs from %(start)s to %(end)s: choose a date within those years."


def _outside(w: World) -> str:
    return gettext(OUTSIDE) % {"start": w.plan.start_year, "end": w.plan.end_year}


def _activity_rule(rule_name, field, message, forbund=False, **extra) -> Rule:
    return Rule(
        rule_name, field, message,
        service=lambda w: services.activity_save(activity=None, plan=w.plan, fields=w.activity_fields(**extra),
                                                 actor=w.coordinator),
        view=lambda w: (reverse("policies:activity-create", args=[w.plan.pk]), w.activity_post(**extra)),
        forbund=forbund,
    )  # fmt: skip


def _policy_rule(rule_name, field, message, **extra) -> Rule:
    return Rule(
        rule_name, field, message,
        service=lambda w: services.policy_save(policy=None, organisation=w.organisation,
                                               fields=w.policy_fields(**extra), actor=w.coordinator),
        view=lambda w: (reverse("policies:policy-create"), _post(w.policy_fields(**extra))),
    )  # fmt: skip


def _plan_rule(rule_name, field, message, **extra) -> Rule:
    return Rule(
        rule_name, field, message,
        service=lambda w: services.plan_save(plan=None, organisation=w.organisation, fields=w.plan_fields(**extra),
                                             goals=[], actor=w.coordinator),
        view=lambda w: (reverse("policies:plan-create"), _post({**w.plan_fields(**extra), "goals": ""})),
    )  # fmt: skip


def _contact_rule(rule_name, field, message, **extra) -> Rule:
    return Rule(
        rule_name, field, message,
        service=lambda w: services.contact_save(contact=None, organisation=w.organisation,
                                                fields=w.contact_fields(**extra), actor=w.coordinator),
        view=lambda w: (reverse("policies:steering"), _post(w.contact_fields(**extra))),
    )  # fmt: skip


def _followup_post(w: World, indicator: dict | None = None, milestone: dict | None = None) -> dict:
    data = {"indicators-TOTAL_FORMS": 1, "indicators-INITIAL_FORMS": 0, "milestones-TOTAL_FORMS": 1,
            "milestones-INITIAL_FORMS": 0}  # fmt: skip
    data |= {f"indicators-0-{key}": value for key, value in (indicator or {}).items()}
    data |= {f"milestones-0-{key}": value for key, value in (milestone or {}).items()}
    return data


def _followup_rule(rule_name, field, message, indicator=None, milestone=None) -> Rule:
    def service(w):
        rows = lambda row: [{"id": None, "DELETE": False, **row}] if row else []  # noqa: E731
        return services.activity_followup_save(activity=w.activity, indicators=rows(indicator),
                                               milestones=rows(milestone), actor=w.coordinator)  # fmt: skip

    return Rule(
        rule_name, field, message, service=service,
        view=lambda w: (reverse("policies:activity-followup", args=[w.activity.pk]),
                        _followup_post(w, indicator, milestone)),
    )  # fmt: skip


RULES = [
    _activity_rule("activity_ends_after_start", "end_on", _msg("The end cannot come before the start."),
                   end_on=TODAY - timedelta(days=1)),
    _activity_rule("activity starts within the plan's years", "start_on", _outside,
                   start_on=TODAY.replace(year=Y - 2), end_on=TODAY),
    _activity_rule("activity ends within the plan's years", "end_on", _outside, end_on=TODAY.replace(year=Y + 2)),
    _activity_rule("activity_budget_not_negative", "budget", _msg("The budget cannot be negative."), budget=-1),
    _activity_rule("done_activity_is_complete", "progress",
                   _msg("A done activity is complete (100 percent): write 100 or leave the field empty."),
                   status="done", progress=40),
    _activity_rule("planned_activity_has_not_started", "progress",
                   _msg("A planned activity has not started (0 percent): choose the status Ongoing or leave the field empty."),
                   status="planned", progress=30),
    _activity_rule("activity description refuses a personnummer", "description", lambda w: str(PERSONNUMMER),
                   description="Gäller 19811218-9876."),
    _activity_rule("one_activity_per_title_and_start", "title",
                   _msg("The plan already has an activity with this title starting that day."),
                   title="Dialogmöte", budget=5000),
    _activity_rule("a samordningsförbund may not give cash grants", "category",
                   _msg("A samordningsförbund may not give cash grants to individual businesses; fund an insats "
                        "with at least two parties instead."), forbund=True, category="cash_grant"),
    _activity_rule("an 'Other' activity naming a forbidden kind is held for a reason", "override_reason",
                   lambda w: gettext("The activity reads like something a samordningsförbund may not fund: "
                                     "%(kinds)s. Change it, or give a reason to go ahead (it is logged).")
                   % {"kinds": str(Activity.Category.MEMBERSHIP.label).lower()},
                   forbund=True, category="other", title="Medlemskap i Skoopi"),
    _activity_rule("a publicly employed supervisor needs a reason", "override_reason",
                   _msg("A supervisor employed by a public body may conflict with the ASF's independence. Give a "
                        "reason to go ahead."), public_supervisor=True),
    _policy_rule("adopted_policy_has_body_and_date", "adopted_by", _msg("Name the body that adopted the policy."),
                 adopted_by=""),
    _policy_rule("an adopted policy has a date", "adopted_on", _msg("Give the date the policy was adopted."),
                 adopted_on=None),
    _policy_rule("an adopted policy has a text or a PDF", "text",
                 _msg("An adopted policy is published: write its text or attach it as a PDF."), text=""),
    _policy_rule("a policy is not adopted in the future", "adopted_on",
                 _msg("The adoption date cannot lie in the future."), adopted_on=TODAY + timedelta(days=1)),
    _policy_rule("a policy is reviewed after its adoption", "review_on",
                 _msg("The review date must come after the adoption date."), review_on=TODAY - timedelta(days=5)),
    _policy_rule("a policy refuses a personnummer", "text", lambda w: str(PERSONNUMMER), text="Kontakt 8112189876"),
    Rule("an archived policy stays archived", "status",
         _msg("An archived policy stays archived: write a new draft instead."),
         service=lambda w: services.policy_save(policy=w.archived, organisation=w.organisation,
                                                fields=w.policy_fields(), actor=w.coordinator),
         view=lambda w: (reverse("policies:policy-edit", args=[w.archived.pk]), _post(w.policy_fields()))),
    _plan_rule("plan_years_in_order", "end_year", _msg("The last year cannot come before the first year."),
               end_year=Y - 1),
    _plan_rule("a plan is not adopted in the future", "adopted_on", _msg("The adoption date cannot lie in the future."),
               adopted_on=TODAY + timedelta(days=1), adopted_by="KF"),
    _plan_rule("an adopted plan names its body", "adopted_by", _msg("Name the body that adopted the plan."),
               adopted_on=TODAY),
    _plan_rule("one_plan_per_title_and_start", "title",
               _msg("The organisation already has a plan with this title from that year."),
               title="Handlingsplan", start_year=Y - 1),
    Rule("a plan's years hold its activities", "start_year",
         lambda w: gettext("Activities lie outside these years: %(titles)s. Move them first.") % {"titles": "Dialogmöte"},
         service=lambda w: services.plan_save(plan=w.plan, organisation=w.organisation,
                                              fields=w.plan_fields(title="Handlingsplan", start_year=Y + 1, end_year=Y + 1),
                                              goals=[], actor=w.coordinator),
         view=lambda w: (reverse("policies:plan-edit", args=[w.plan.pk]),
                         _post({**w.plan_fields(title="Handlingsplan", start_year=Y + 1, end_year=Y + 1), "goals": ""}))),
    Rule("one_goal_per_title", "title", _msg("The plan already has a goal with this name."),
         service=lambda w: services.goal_save(goal=w.goal, title="Fler platser", actor=w.coordinator),
         view=lambda w: (reverse("policies:goal-edit", args=[w.plan.pk, w.goal.pk]), {"title": "Fler platser"})),
    _contact_rule("a contact's phone is a phone number", "phone",
                  _msg("Enter a telephone number, e.g. 070-123 45 67 or 019-21 10 00."), phone="12"),
    _contact_rule("a contact refuses a personnummer", "title", lambda w: str(PERSONNUMMER), title="811218-9876"),
    _contact_rule("one_contact_per_name_and_responsibility", "name",
                  _msg("This person is already a contact person with that responsibility."),
                  name="Anna Ek", responsibility="external", email="annan@kommun.se"),
    Rule("a progress note refuses a personnummer", "text", lambda w: str(PERSONNUMMER),
         service=lambda w: services.progress_record(activity=w.activity, text="Samtal med 19811218-9876",
                                                    status="ongoing", progress=None, actor=w.coordinator),
         view=lambda w: (reverse("policies:activity-progress", args=[w.activity.pk]),
                         {"text": "Samtal med 19811218-9876", "status": "ongoing", "progress": ""})),
    _followup_rule("a Kolada key figure is N or U and five digits", "indicators-0-kolada_id",
                   _msg("A Kolada key figure is N or U and five digits, for example N00945."),
                   indicator={"name": "Antal ASF", "kolada_id": "X1\"><script>"}),
    _followup_rule("a milestone is not done in the future", "milestones-0-done_on",
                   _msg("A milestone cannot be done on a future date."),
                   milestone={"title": "Inbjudan", "due_on": TODAY, "done_on": TODAY + timedelta(days=2)}),
    _followup_rule("an indicator refuses a personnummer", "indicators-0-name", lambda w: str(PERSONNUMMER),
                   indicator={"name": "Deltagare 811218-9876"}),
]  # fmt: skip


@pytest.fixture
def world_for():
    return lambda rule: World(forbund=rule.forbund)


@pytest.mark.parametrize("rule", RULES, ids=str)
def test_the_service_refuses_with_the_rules_sentence_on_its_field(world_for, rule):
    w = world_for(rule)
    before = fuzz.row_counts()
    with pytest.raises(DomainError) as error:
        rule.service(w)
    expected = rule.message(w)
    field = rule.field
    assert expected in error.value.field_errors.get(field, []), (
        error.value.field_errors,
        error.value.reasons,
    )
    assert fuzz.changed(before, fuzz.row_counts()) == {}


def _field_errors(response) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for item in fuzz.forms_in(response):
        forms = item.forms if hasattr(item, "forms") else item if isinstance(item, list) else [item]
        for form in forms:
            if not form.is_bound:
                continue
            for name, errors in form.errors.items():
                key = form.add_prefix(name) if name != "__all__" else "__all__"
                found.setdefault(key, []).extend(str(e) for e in errors)
    return found


@pytest.mark.parametrize("rule", [r for r in RULES if r.view], ids=str)
def test_the_form_view_shows_the_same_sentence_beside_the_field(world_for, rule):
    w = world_for(rule)
    client = Client()
    client.force_login(w.coordinator)
    url, data = rule.view(w)
    before = fuzz.row_counts()
    response = client.post(url, data)
    assert response.status_code == 200, response.get("Location")
    errors = _field_errors(response)
    assert rule.message(w) in errors.get(rule.field, []), errors
    assert fuzz.changed(before, fuzz.row_counts()) == {}
    assert (
        "Begränsningen" not in response.content.decode()
        and "9223372036854775807" not in response.content.decode()
    )


def test_every_rule_speaks_swedish():
    w = World()
    untranslated = [rule.name for rule in RULES if not fuzz.is_swedish(rule.message(w))]
    assert untranslated == []


def test_no_policies_model_is_in_the_admin_so_no_other_path_needs_a_row():
    assert not [model for model in admin.site._registry if model._meta.app_label == "policies"]


def test_every_constraint_of_the_policies_models_is_tried_above():
    from django.apps import apps

    names = {
        c.name for model in apps.get_app_config("policies").get_models() for c in model._meta.constraints
    }
    # Rows no person can write twice or wrongly: the report's version is numbered under a lock, a year's contract
    # value is replaced in place, partners are seeded; each still has its Swedish message.
    # A report to the board recorded twice is refused by BoardReport.record_blockers before the constraint, which
    # only guards a race (tests/policies/test_board_reports.py tries a second record through the service).
    internal = {"one_report_per_version", "one_contract_total_a_year", "one_role_per_partner",
                "one_board_report_a_period"}  # fmt: skip
    tried = {rule.name for rule in RULES}
    assert sorted(names - internal - tried) == []
