"""The seeker's account and the agency's first guidance to it, which most messaging tests start from."""

import pytest

from messaging.models import Message
from messaging.tests.helpers import guide


@pytest.fixture
def account(seeker):
    return seeker.seeker_account


@pytest.fixture
def guidance(agency_member, account) -> Message:
    """The agency's first guidance to the seeker."""
    return guide(agency_member, account)
