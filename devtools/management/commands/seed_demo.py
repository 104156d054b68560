"""Demo data for `make run`: staff, organisations of every kind, a few hundred applications whose
profiles are drawn from occupation archetypes (devtools.demo_profiles), a seeker who can log in (profile
reviewed and published, with messages) and an application ready to register (its first login goes through
the review before publication). It lives in `devtools`, which may import every app and is never installed
in production. Running it again only prints the logins, the last lines before runserver's banner."""

import dataclasses
import datetime
import random
import unicodedata

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import StaffFactory
from devtools.demo_profiles import Archetype, DemoProfile, archetype_for, demo_profile
from organizations.models import (
    IndustryGroup,
    Member,
    Municipality,
    OccupationGroup,
    Organization,
    Prefecture,
    Qualification,
)
from organizations.services import organization_refresh_bits
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers.models import ApplicationSheet, DesiredPlace, JobApplication
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
        prefectures = {p.code: p for p in Prefecture.objects.all()}
        majors = list(OccupationGroup.objects.filter(major=None))
        for index, (kind, sub_kind, name, pmark) in enumerate(ORGS, start=1):
            org = OrganizationFactory(
                name=name, kind=kind, sub_kind=sub_kind, privacy_mark=pmark,
                permit_number="" if kind == "local_gov" else f"13-ユ-30{index:04d}",
            )
            org.regions.set(rng.sample(list(prefectures.values()), 8) if index % 2 else prefectures.values())
            org.occupations.set(rng.sample(majors, min(4, len(majors))))
            organization_refresh_bits(organization=org)
            MemberFactory(
                organization=org, role=Member.Role.ADMIN,
                user__username=f"org{index}", user__email=f"org{index}@demo.kyushoku.example.jp",
                user__password=DEMO_PASSWORD,
            )

        today = timezone.localdate()
        people = DemoPeople(rng, today, prefectures)
        registered = 0
        for n in range(count):
            person = people.draw()
            applied = today - datetime.timedelta(days=rng.randint(0, 120))
            opt_in = rng.choices(["yes", "no", "unknown"], weights=[8, 1, 1])[0]
            office = f"{person.office_prefecture}{rng.choice(['010', '020', '030'])}"
            application = people.application(
                person, kyushoku_number=f"{office}-{20000000 + n:08d}", applied_on=applied, opt_in=opt_in,
                provision=rng.choices([1, 2, 3, 4], weights=[6, 2, 2, 1])[0],
            )
            if opt_in == "yes" and rng.random() < 0.85:  # most have registered, started and confirmed
                # One in ten (the first, the eleventh...) logged in but has not yet confirmed the review:
                # not published (SPEC rule 15).
                unconfirmed = {"profile_confirmed_at": None} if registered % 10 == 0 else {}
                SeekerAccountFactory(application=application, **unconfirmed)
                registered += 1

        # An application ready to register at /seekers/register/: its first login ends on the review
        # page, and the profile is published when the seeker confirms it there.
        people.application(people.draw(), kyushoku_number=READY_NUMBER, applied_on=today,
                           identity__birth_date=READY_BIRTH)
        # A seeker who has registered, finished the first login and confirmed the review, with messages.
        office_worker = people.draw(archetype_for("一般事務"), office="13")
        account = SeekerAccountFactory(
            user=SeekerUserFactory(username=SEEKER_ID, email="seeker@demo.kyushoku.example.jp",
                                   password=DEMO_PASSWORD),
            application=people.application(office_worker, kyushoku_number="13010-00000002", applied_on=today),
        )
        self._demo_messages(account)

    def _demo_messages(self, account) -> None:
        from messaging.services import guidance_send, org_reply, seeker_reply

        public_id = account.application.profile.public_id
        first_conversation = None
        for member in Member.objects.select_related("organization", "user").order_by("user__username")[:3]:
            org = member.organization
            message = guidance_send(
                actor=member.user, organization=org, public_id=public_id,
                subject=f"{org.name}からのご案内",
                body="ご希望の条件に合う求人をご紹介できます。ご質問があれば、このメッセージに返信してください。",
            )
            first_conversation = first_conversation or message.conversation
        question = seeker_reply(actor=account.user, account=account, conversation=first_conversation,
                                kind="question", subject="手数料について", body="手数料はかかりますか。")
        org_reply(actor=None, organization=first_conversation.organization, conversation=question.conversation,
                  kind="answer", subject="Re: 手数料について", body="求職者の方から手数料はいただきません。")

    def _print_logins(self) -> None:
        """The last thing `make run` prints before runserver's banner: who to log in as, and what to try."""
        rows = [("職員 (staff)", STAFF_EMAIL, "/admin/ 苦情申出・違反・利用状況の報告")]
        for member in Member.objects.select_related("organization", "user").order_by("user__username"):
            rows.append((member.organization.name, member.user.email, f"{reverse('seekers_orgs:search')} 求職者検索・案内"))
        rows += [
            ("求職者 (seeker)", f"ユーザID {SEEKER_ID}", "メッセージ一覧・受信条件設定"),
            ("利用登録前の求職者", f"求職番号 {READY_NUMBER}",
             f"{reverse('seekers_seekers:register')} 生年月日 {READY_BIRTH:%Y-%m-%d} → 認証キー → 公開前の確認"),
        ]
        table = [("役割・利用団体", "ログイン", "試すこと"), *rows]
        widths = [max(display_width(row[column]) for row in table) for column in (0, 1)]

        out = self.stdout.write
        out("")
        out(RULE)
        out(f"デモ用ログイン (demo logins)  {settings.SITE_URL}/accounts/login/")
        out(f"パスワードは全員共通 (one password for all): {DEMO_PASSWORD}")
        out("-" * len(RULE))
        for role, login, try_ in table:
            out(f"{pad(role, widths[0])}  {pad(login, widths[1])}  {try_}")
        out("-" * len(RULE))
        out(f"求職申込 {JobApplication.objects.count()} 件, 利用団体 {Organization.objects.count()} 団体。"
            "送信されるメールはこの画面に表示されます (mail is printed here).")
        out(RULE)


RULE = "=" * 72


def display_width(text: str) -> int:
    """Columns in a terminal: full-width (Japanese) characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


class DemoPeople:
    """Applications whose profiles are drawn from the occupation archetypes (devtools.demo_profiles)."""

    def __init__(self, rng: random.Random, today: datetime.date, prefectures: dict[str, Prefecture]):
        self.rng, self.today, self.prefectures = rng, today, prefectures
        self.qualifications = {q.code: q for q in Qualification.objects.all()}
        self.occupations = {o.code: o for o in OccupationGroup.objects.all()}
        self.industries = {i.code: i for i in IndustryGroup.objects.all()}
        self.names = {code: q.name for code, q in self.qualifications.items()}
        self.prefecture_names = {code: p.name for code, p in prefectures.items()}

    def draw(self, archetype: Archetype | None = None, office: str = "") -> DemoProfile:
        person = demo_profile(self.rng, today=self.today, prefecture_names=self.prefecture_names,
                              qualification_names=self.names, archetype=archetype)
        if office:  # a fixed office and place, for the logins the README describes
            person = dataclasses.replace(person, office_prefecture=office, desired_prefecture=office)
        return person

    def application(self, person: DemoProfile, *, applied_on: datetime.date, **fields) -> JobApplication:
        """The application with its identity and profile; the profile's many-to-many rows are set before
        any account exists, so the publication at the confirmed review screens and indexes all of it."""
        fields.setdefault("identity__birth_date", person.birth_date)
        application = JobApplicationFactory(
            applied_on=applied_on, valid_until=end_of_month_after_next(applied_on),
            profile__desired_prefecture=self.prefectures[person.desired_prefecture],
            **{f"profile__{name}": value for name, value in person.fields.items()},
            **fields,
        )
        profile = application.profile
        profile.planned_occupations.set([self.occupations[code] for code in person.occupations])
        profile.planned_industries.set([self.industries[code] for code in person.industries])
        profile.qualifications.set([self.qualifications[code] for code in person.qualifications])
        if person.desired_prefecture != person.office_prefecture:
            profile.wide_area_prefectures.set([self.prefectures[person.desired_prefecture]])
        self.places(profile, person)
        return application

    def places(self, profile, person: DemoProfile) -> None:
        """The 求職公開申込書's 希望勤務地 (up to three): the desired prefecture with its first
        municipality by code (mostly the prefectural capital), then the office's prefecture when it
        differs. No random draw, so the other demo values stay as they were."""
        first = Municipality.objects.filter(prefecture_id=person.desired_prefecture).order_by("code").first()
        places = [DesiredPlace(profile=profile, position=1, prefecture_id=person.desired_prefecture,
                               municipality=first)]
        if person.office_prefecture and person.office_prefecture != person.desired_prefecture:
            places.append(DesiredPlace(profile=profile, position=2, prefecture_id=person.office_prefecture))
        DesiredPlace.objects.bulk_create(places)
        if first is not None:
            ApplicationSheet.objects.filter(pk=profile.pk).update(desired_municipality=first)
