"""A run that crosses midnight in Stockholm: the test modules' TODAY (read at import) follows the clock."""

from datetime import timedelta

from django.utils import timezone

from tests.conftest import refresh_today
from tests.placements import test_lifecycle


def test_a_test_modules_today_is_today_again_after_midnight():
    today = timezone.localdate()
    test_lifecycle.TODAY = today - timedelta(days=1)  # as if the module had been imported yesterday
    refresh_today()
    assert today == test_lifecycle.TODAY
