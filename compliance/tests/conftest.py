"""Staff of the two groups (compliance/migrations/0002_staff_groups.py): 是正要請, 利用停止 and 利用解除 need
the 労働局 監督 permission (SPEC rule 20)."""

import pytest

from compliance.tests.factories import staff_in


@pytest.fixture
def counter(db):
    """窓口職員 (Hello Work counter staff): no sanction permission."""
    return staff_in("窓口職員")


@pytest.fixture
def supervisor(db):
    """労働局 監督: may issue 是正要請, 利用停止 and 利用解除."""
    return staff_in("労働局 監督")
