"""Demo data for `make run`: staff, organisations of every kind, a few hundred applications, a seeker
who can log in and an application ready to register. Running it again only prints the logins."""

import datetime
import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import StaffFactory
from organizations.models import Member, OccupationGroup, Organization, Prefecture, Qualification
from organizations.services import organization_refresh_bits
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers.models import JobApplication
from seekers.tests.factories import JobApplicationFactory, SeekerAccountFactory, SeekerUserFactory
from seekers.validity import end_of_month_after_next

STAFF_EMAIL = "staff@demo.kyushoku.example.jp"
DEMO_PASSWORD = "demo-Pass-2026"  # noqa: S105 - local demo only; seed_demo refuses production settings
READY_NUMBER = "13010-00000001"
READY_BIRTH = datetime.date(1990, 4, 1)
SEEKER_ID = "DEMY2345"

ORGS = [
    ("agency", "", "株式会社デモキャリア紹介", True),
    ("agency", "", "デモ人材サービス株式会社", False),
    ("local_gov", "", "デモ市 就労支援課", False),
    ("local_gov", "nurse_center", "デモ県ナースセンター", True),
    ("local_gov", "welfare_center", "デモ県福祉人材センター", False),
    ("local_gov", "childcare_center", "デモ県保育士・保育所支援センター", False),
    ("local_gov", "other", "デモ県UIJターン就職支援センター", False),
]


class Command(BaseCommand):
    help = "Loads demo data (not in production) and prints the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=300)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        if not getattr(settings, "DEMO_DATA_ALLOWED", False):
            raise CommandError("seed_demo は本番設定では実行できません (refused with production settings).")
        if not User.objects.filter(email=STAFF_EMAIL).exists():
            # The demo's own notices are not worth printing to the console.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                with transaction.atomic():
                    self._seed(options["applications"], random.Random(options["seed"]))
        self._print_logins()

    def _seed(self, count: int, rng: random.Random) -> None:
        random.seed(rng.random())
        StaffFactory(username="staff", email=STAFF_EMAIL, password=DEMO_PASSWORD)
        prefectures = list(Prefecture.objects.all())
        majors = list(OccupationGroup.objects.filter(major=None))
        mediums = list(OccupationGroup.objects.exclude(major=None)) or majors
        qualifications = list(Qualification.objects.all())
        for index, (kind, sub_kind, name, pmark) in enumerate(ORGS, start=1):
            org = OrganizationFactory(
                name=name, kind=kind, sub_kind=sub_kind, privacy_mark=pmark,
                permit_number="" if kind == "local_gov" else f"13-ユ-30{index:04d}",
            )
            org.regions.set(rng.sample(prefectures, 8) if index % 2 else prefectures)
            org.occupations.set(rng.sample(majors, min(4, len(majors))))
            organization_refresh_bits(organization=org)
            MemberFactory(
                organization=org, role=Member.Role.ADMIN,
                user__username=f"org{index}", user__email=f"org{index}@demo.kyushoku.example.jp",
                user__password=DEMO_PASSWORD,
            )

        today = timezone.localdate()
        for n in range(count):
            applied = today - datetime.timedelta(days=rng.randint(0, 120))
            opt_in = rng.choices(["yes", "no", "unknown"], weights=[8, 1, 1])[0]
            application = JobApplicationFactory(
                kyushoku_number=f"{rng.choice(['13010', '27020', '01030', '40050', '23040'])}-{20000000 + n:08d}",
                applied_on=applied,
                valid_until=end_of_month_after_next(applied),
                opt_in=opt_in,
                provision=rng.choices([1, 2, 3, 4], weights=[6, 2, 2, 1])[0],
                profile__desired_prefecture=rng.choice(prefectures),
            )
            application.profile.planned_occupations.set(rng.sample(mediums, 1))
            if qualifications:
                application.profile.qualifications.set(rng.sample(qualifications, rng.randint(0, 3)))
            if opt_in == "yes" and rng.random() < 0.85:  # most have registered and started
                SeekerAccountFactory(application=application)

        # An application ready to register at /seekers/register/.
        JobApplicationFactory(
            kyushoku_number=READY_NUMBER, applied_on=today, valid_until=end_of_month_after_next(today),
            identity__birth_date=READY_BIRTH,
        )
        # A seeker who has registered and finished the first login, with messages.
        account = SeekerAccountFactory(
            user=SeekerUserFactory(username=SEEKER_ID, email="seeker@demo.kyushoku.example.jp",
                                   password=DEMO_PASSWORD),
            application=JobApplicationFactory(kyushoku_number="13010-00000002",
                                              profile__desired_prefecture=prefectures[12]),
        )
        self._demo_messages(account)

    def _demo_messages(self, account) -> None:
        from messaging.services import GUIDANCE_DISCLOSURES, guidance_send, org_reply, seeker_reply

        public_id = account.application.profile.public_id
        first_conversation = None
        for member in Member.objects.select_related("organization", "user").order_by("user__username")[:3]:
            org = member.organization
            message = guidance_send(
                actor=member.user, organization=org, public_id=public_id,
                subject=f"{org.name}からのご案内",
                body="ご希望の条件に合う求人をご紹介できます。ご質問があれば、このメッセージに返信してください。",
                disclosures={name: getattr(org, name) for name in GUIDANCE_DISCLOSURES},
            )
            first_conversation = first_conversation or message.conversation
        question = seeker_reply(actor=account.user, account=account, conversation=first_conversation,
                                kind="question", subject="手数料について", body="手数料はかかりますか。")
        org_reply(actor=None, organization=first_conversation.organization, conversation=question.conversation,
                  kind="answer", subject="Re: 手数料について", body="求職者の方から手数料はいただきません。")

    def _print_logins(self) -> None:
        out = self.stdout.write
        out("")
        out("=== デモ用ログイン (demo logins) — http://127.0.0.1:8000/accounts/login/ ===")
        out(f"  パスワードは共通 (password for all): {DEMO_PASSWORD}")
        out(f"  職員 staff (/admin/):             {STAFF_EMAIL}")
        for member in Member.objects.select_related("organization", "user").order_by("user__username"):
            kind = member.organization.get_kind_display()
            sub = member.organization.get_sub_kind_display() if member.organization.sub_kind else ""
            out(f"  利用団体 {kind} {sub}: {member.user.email}  ({member.organization.name})")
        out(f"  求職者 seeker ユーザID:            {SEEKER_ID}  (メッセージあり)")
        out(f"  利用登録できる求職申込: 求職番号 {READY_NUMBER} / 生年月日 {READY_BIRTH:%Y-%m-%d}")
        out(f"  求職申込 {JobApplication.objects.count()} 件, 利用団体 {Organization.objects.count()} 団体")
        out("")
