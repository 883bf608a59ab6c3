from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "asfportal.accounts"
    label = "accounts"
    verbose_name = _("People and organisations")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import session_clock_start

        user_logged_in.connect(session_clock_start, dispatch_uid="accounts.session_clock_start")

        from django.db.models.signals import post_delete, post_save

        from asfportal.core.cache import invalidate_on_change, person_changed

        from .models import Membership, Organisation

        # Organisations' names and codes in the open API's cached public lists (asfportal/core/api/views.py).
        invalidate_on_change("organisations", [Organisation])

        # The header's list of the person's memberships is cached with their header figures
        # (selectors.user_membership_choices): any grant, revocation or removal renders it afresh.
        def membership_changed(sender, instance, **kwargs):
            person_changed(instance.user_id)

        post_save.connect(membership_changed, sender=Membership, dispatch_uid="accounts.membership_saved")
        post_delete.connect(membership_changed, sender=Membership, dispatch_uid="accounts.membership_deleted")

        from asfportal.core.queue import bump_on_change

        from .models import AccessReview, Organisation, OrganisationInvitation

        # The organisation administrator's queue (accounts/queue.py) reads reviews and invitations; a role
        # granted or revoked changes who is listed.
        def scope(instance):
            return [f"queue:org-admin:{instance.organisation_id}"]

        for model in (AccessReview, OrganisationInvitation, Membership):
            bump_on_change(model, scope)
        # The queues name the organisation and ask its kind (policies/queue.py, placements/queue.py).
        bump_on_change(Organisation, lambda o: [f"queue:org:{o.pk}", f"queue:org-admin:{o.pk}"])
