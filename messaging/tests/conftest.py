"""The agency's first guidance to the seeker, which most messaging tests start from."""

import pytest

from messaging.models import Message
from messaging.tests.helpers import guide


@pytest.fixture
def guidance(agency_member, account) -> Message:
    """The agency's first guidance to the seeker."""
    return guide(agency_member, account)
