"""The versioned 利用規約(利用団体用): which version is in force, and where its text is. The text of
each version is a template (templates/organizations/terms/v<N>.html), so a change of the terms is a
reviewed commit. Raising CURRENT_TERMS_VERSION makes every organisation's status TERMS_PENDING
(Organization.status) until its administrator accepts the new version
(organizations.services.organization_terms_accept)."""

from datetime import date

# version → the day it took effect. The highest version is the one in force.
TERMS_VERSIONS: dict[int, date] = {
    1: date(2026, 12, 1),
}
CURRENT_TERMS_VERSION = max(TERMS_VERSIONS)


def terms_template(version: int = CURRENT_TERMS_VERSION) -> str:
    return f"organizations/terms/v{version}.html"
