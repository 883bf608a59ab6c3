"""Handing a leaver's work to a colleague: each app says what it assigns to a person, core only runs them.

When an organisation administrator deactivates a person (accounts administration), whatever the apps have put
in that person's name for that organisation (the tenders they follow, and so the reminders of their changes)
must go to the colleague the administrator picks, in the same transaction as the deactivation. Core and
accounts may not import the apps (import-linter), so each app registers a handover in its `handover.py`
(found at start-up, like queue.py and reminders.py), which calls the app's own service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Handover:
    """One kind of responsibility: `run(person=, successor=, organisation_id=, actor=)` moves it and returns how
    many items moved; `label` names them on the confirmation page and in the audit entry."""

    code: str
    label: str | Promise
    run: Callable[..., int]
    # How many items `person` holds for `organisation_id` now (shown before the administrator confirms).
    count: Callable[..., int]


HANDOVERS: dict[str, Handover] = {}


def register_handover(handover: Handover) -> Handover:
    HANDOVERS[handover.code] = handover
    return handover


def handover_counts(*, person, organisation_id: int) -> list[tuple[Handover, int]]:
    """What `person` holds for the organisation now, kind by kind (one query a kind)."""
    return [(h, h.count(person=person, organisation_id=organisation_id)) for h in HANDOVERS.values()]


def handover_run(*, person, successor, organisation_id: int, actor) -> dict[str, int]:
    """Move everything `person` holds for the organisation to `successor`; call inside the caller's transaction."""
    return {
        code: h.run(person=person, successor=successor, organisation_id=organisation_id, actor=actor)
        for code, h in HANDOVERS.items()
    }
