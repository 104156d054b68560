"""SPEC rule 23, the one place that decides which rows a staff member reaches.

A staff member's StaffPost places them in one Hello Work office, in one 都道府県労働局, or in the
whole country. `staff_reach(user)` reads it once and answers, as Q objects to filter any queryset
by the path that leads to the row's office code or organisation:

- office staff: the applications (and what hangs on them: identity, account, profile, complaints,
  conversations, deletion and correction requests) whose 求職番号 starts with their office's code;
  the organisations under their office's 労働局, read only;
- 労働局 staff: the same for every office of their prefecture, and they approve and sanction the
  organisations whose 管轄労働局 is theirs (`may_govern`);
- national administrators (a national post, or a superuser without a post): everything.
A staff account without a post and without superuser reaches nothing (fail closed).

Every admin's get_queryset asks it through organizations.admin_reach.ReachAdmin; the approval and
sanction services ask `may_govern` and refuse in the service (organizations.services.organization_approve,
compliance.services' sanctions), so a hand-made POST cannot go round the hidden rows.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import Office, StaffPost

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Reach:
    level: str  # StaffPost.Level, or "" for nothing
    office_codes: tuple[str, ...] = ()
    bureau_code: str | None = None

    @property
    def national(self) -> bool:
        return self.level == StaffPost.Level.NATIONAL

    def applications(self, number_path: str = "kyushoku_number") -> Q:
        """Rows whose 求職番号 (at `number_path`) belongs to an office in reach."""
        if self.national:
            return Q()
        if not self.office_codes:
            return NOTHING
        return reduce(or_, (Q(**{f"{number_path}__startswith": f"{code}-"}) for code in self.office_codes))

    def office_codes_q(self, code_path: str) -> Q:
        """Rows that carry an office code of their own at `code_path` (a complaint's office)."""
        if self.national:
            return Q()
        return Q(**{f"{code_path}__in": self.office_codes}) if self.office_codes else NOTHING

    def organizations(self, bureau_path: str = "bureau") -> Q:
        """Organisations under the 労働局 in reach (an office's staff see their prefecture's, read only)."""
        if self.national:
            return Q()
        return Q(**{bureau_path: self.bureau_code}) if self.bureau_code else NOTHING

    def includes_number(self, kyushoku_number: str) -> bool:
        return self.national or kyushoku_number[:5] in self.office_codes

    def may_govern(self, organization) -> bool:
        """Approve and sanction: national administrators any organisation, 労働局 staff those whose
        管轄労働局 is theirs; office staff none."""
        if self.national:
            return True
        return (self.level == StaffPost.Level.BUREAU and organization.bureau_id is not None
                and organization.bureau_id == self.bureau_code)


def staff_reach(user) -> Reach:
    """The reach of `user` (see the module docstring). One query for a post, none for a superuser."""
    if not getattr(user, "is_authenticated", False) or not user.is_staff:
        return Reach(level="")
    post = StaffPost.objects.select_related("office").filter(user=user).first()
    if post is None:
        return Reach(level=StaffPost.Level.NATIONAL) if user.is_superuser else Reach(level="")
    if post.level == StaffPost.Level.NATIONAL:
        return Reach(level=post.level)
    if post.level == StaffPost.Level.OFFICE:
        return Reach(level=post.level, office_codes=(post.office_id,), bureau_code=post.office.prefecture_id)
    codes = tuple(Office.objects.filter(prefecture_id=post.bureau_id).values_list("code", flat=True))
    return Reach(level=post.level, office_codes=codes, bureau_code=post.bureau_id)


def require_governs(actor, organization) -> None:
    """The refusal of the approval and sanction services for an organisation outside the actor's
    労働局 (SPEC rule 23)."""
    if not staff_reach(actor).may_govern(organization):
        raise PermissionDenied(_("この利用団体は管轄外です。承諾・是正要請・利用停止・利用解除は管轄労働局の職員が行います。"))


def office_for_number(kyushoku_number: str) -> Office | None:
    """The office a 求職番号 names (its first five digits), when it is in the offices table."""
    return Office.objects.select_related("prefecture").filter(code=kyushoku_number[:5]).first()
