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
    Office,
    Organization,
    Prefecture,
    Qualification,
    StaffPost,
)
from organizations.services import organization_refresh_bits
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers.models import ApplicationSheet, DesiredPlace, JobApplication
from seekers.tests.factories import JobApplicationFactory, SeekerAccountFactory, SeekerUserFactory
from seekers.validity import end_of_month_after_next

STAFF_EMAIL = "staff@demo.kyushoku.example.jp"
# SPEC rule 23: staff of each kind (organizations.jurisdiction); the national administrator is STAFF_EMAIL.
POSTED_STAFF = [
    ("office13010", StaffPost.Level.OFFICE, "13010", None, "窓口職員", "ハローワーク職員 (13010)"),
    ("office13020", StaffPost.Level.OFFICE, "13020", None, "窓口職員", "ハローワーク職員 (13020)"),
    ("bureau13", StaffPost.Level.BUREAU, None, "13", "労働局 監督", "労働局職員 (東京労働局)"),
    ("bureau27", StaffPost.Level.BUREAU, None, "27", "労働局 監督", "労働局職員 (大阪労働局)"),
]
DEMO_PASSWORD = "demo-Pass-2026"  # noqa: S105 - local demo only; seed_demo refuses production settings
READY_NUMBER = "13010-00000001"
READY_BIRTH = datetime.date(1990, 4, 1)
SEEKER_ID = "DEMY2345"
CORRECTION_ORG_LOGIN = "org-correction"
TERMS_PENDING_ORG_LOGIN = "org-terms"

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
        national = StaffFactory(username="staff", email=STAFF_EMAIL, password=DEMO_PASSWORD)
        StaffPost.objects.create(user=national, level=StaffPost.Level.NATIONAL)
        staff = national
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
        # A 担当者 beside the first organisation's administrator, for メンバー管理 (issue 16): the
        # administrator can change their role or remove them.
        MemberFactory(
            organization=Organization.objects.get(name=ORGS[0][2]), role=Member.Role.MEMBER, display_name="担当 次郎",
            user__username="org1m", user__email="org1-tanto@demo.kyushoku.example.jp", user__password=DEMO_PASSWORD,
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
        self._demo_member_tools()
        self._demo_batch(account)
        self._seed_offices_and_staff(prefectures)
        self._lifecycle_orgs(staff, prefectures)

    def _demo_member_tools(self) -> None:
        """org1's member has a saved search (looked at a week ago, so the list shows what is new since,
        with a 9:00 daily mail) and a guidance template to choose on the guidance form."""
        from messaging.services import guidance_template_create
        from seekers.models import SavedSearch
        from seekers.services import saved_search_create

        member = Member.objects.select_related("organization", "user").get(user__username="org1")
        saved = saved_search_create(actor=member.user, member=member, name="東京都の求職者", query={"prefecture": "13"},
                                    mail_hour=9)
        SavedSearch.objects.filter(pk=saved.pk).update(last_looked_at=timezone.now() - datetime.timedelta(days=7))
        guidance_template_create(
            actor=member.user, organization=member.organization, name="はじめてのご案内",
            subject=f"{member.organization.name}からのご案内",
            body="はじめまして。ご希望の条件に合う求人をご紹介できます。ご質問があれば、このメッセージに返信してください。",
        )

    def _demo_batch(self, account) -> None:
        """One guidance to many (issue 16) from the first organisation: five seekers of its search,
        so its results show 案内済み and 一括送信 lists a finished batch."""
        from messaging.services import guidance_batch_create
        from seekers.search.visibility import profiles_visible_to

        member = Member.objects.select_related("organization", "user").order_by("user__username").first()
        ids = list(
            profiles_visible_to(member.organization).exclude(pk=account.application_id)
            .order_by("-published_at").values_list("public_id", flat=True)[:5]
        )
        if ids:
            guidance_batch_create(
                actor=member.user, organization=member.organization, public_ids=ids,
                subject=f"{member.organization.name}からの求人のご案内",
                body="ご希望の条件に近い求人を取り扱っています。ご興味があれば、このメッセージに返信してください。",
            )

    def _lifecycle_orgs(self, staff, prefectures) -> None:
        """Two more organisations for the lifecycle (issue 14): one with an open 是正要請 it answers at
        /orgs/standing/, one whose administrator has not yet accepted the 利用規約 (every page sends its
        members to /orgs/organization/terms/)."""
        from compliance.services import correction_request_issue, violation_record

        today = timezone.localdate()
        for username, name, permit, traits in (
            (CORRECTION_ORG_LOGIN, "是正要請中の職業紹介株式会社", "13-ユ-399001", {}),
            (TERMS_PENDING_ORG_LOGIN, "利用規約同意待ちの人材紹介株式会社", "13-ユ-399002", {"terms_version": 0}),
        ):
            org = OrganizationFactory(name=name, permit_number=permit, **traits)
            org.regions.set(prefectures.values())
            organization_refresh_bits(organization=org)
            MemberFactory(organization=org, role=Member.Role.ADMIN, user__username=username,
                          user__email=f"{username}@demo.kyushoku.example.jp", user__password=DEMO_PASSWORD)
            if not traits:
                violation = violation_record(
                    actor=staff, organization=org, category="advertising", occurred_on=today, confirmed=True,
                    description="求職者に自社の健康食品の販売広告を送信した(職業紹介と無関係な案内)。")
                correction_request_issue(
                    actor=staff, violation=violation, due_on=today + datetime.timedelta(days=14),
                    content="職業紹介と無関係な広告の送信をやめ、送信前の確認手順と再発防止策を回答してください。")

    def _demo_messages(self, account) -> None:
        from messaging.services import guidance_send, org_reply, seeker_reply

        public_id = account.application.profile.public_id
        first_conversation = None
        for member in (Member.objects.filter(role=Member.Role.ADMIN).select_related("organization", "user")
                       .order_by("user__username")[:3]):
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

    def _seed_offices_and_staff(self, prefectures) -> None:
        """Demo offices for the codes the demo 求職番号 use (marked 架空: not rows of offices.csv, whose
        rows win when present), and one staff member of each kind (SPEC rule 23)."""
        from django.contrib.auth.models import Group

        codes = {number[:5] for number in JobApplication.objects.values_list("kyushoku_number", flat=True)}
        for code in sorted(codes | {"13010", "13020", "27010"}):
            prefecture = prefectures[code[:2]]
            Office.objects.get_or_create(code=code, defaults={
                "prefecture": prefecture, "name": f"デモ用ハローワーク{prefecture.name}{code[2:]}(架空)",
                "address": f"{prefecture.name}デモ市1-1(架空)", "phone": f"000-0000-{code[1:]}",
            })
        if Group.objects.filter(name__in={post[4] for post in POSTED_STAFF}).count() < 2:
            _staff_groups_again()
        for username, level, office, bureau, group, _label in POSTED_STAFF:
            user = StaffFactory(username=username, email=f"{username}@demo.kyushoku.example.jp",
                                password=DEMO_PASSWORD, is_superuser=False)
            user.groups.add(Group.objects.get(name=group))
            StaffPost.objects.create(user=user, level=level, office_id=office, bureau_id=bureau)

    def _print_logins(self) -> None:
        """The last thing `make run` prints before runserver's banner: who to log in as, and what to try."""
        rows = [("全国の管理者 (staff)", STAFF_EMAIL, "/admin/ 苦情申出・違反・利用状況の報告 (全国)")]
        reach = {StaffPost.Level.OFFICE: "/admin/ 自所の求職申込・苦情",
                 StaffPost.Level.BUREAU: "/admin/ 管内の求職申込・苦情、利用団体の承諾・措置"}
        rows += [(label, f"{username}@demo.kyushoku.example.jp", reach[level])
                 for username, level, _office, _bureau, _group, label in POSTED_STAFF]
        special = {
            CORRECTION_ORG_LOGIN: f"{reverse('compliance_orgs:standing')} 是正要請に回答する",
            TERMS_PENDING_ORG_LOGIN: f"{reverse('organizations_orgs:terms')} 管理者として利用規約に同意する",
        }
        for member in Member.objects.select_related("organization", "user").order_by("user__username"):
            search = f"{reverse('seekers_orgs:search')} 求職者検索・案内・一括送信"
            if member.role == Member.Role.ADMIN:
                try_ = special.get(member.user.username, f"{search}、{reverse('organizations_orgs:members')} メンバー管理")
                rows.append((f"{member.organization.name}(管理者)", member.user.email, try_))
            else:
                rows.append((f"{member.organization.name}(担当者)", member.user.email, search))
        rows += [
            ("org1 の保存した検索・テンプレート", "org1@demo.kyushoku.example.jp",
             f"{reverse('seekers_orgs:saved_searches')} 新着件数, {reverse('messaging_orgs:templates')} 案内の文面"),
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
            # ㉑ 広域就業希望地: the whole desired prefecture and the first municipality (by code) of the
            # next prefecture by code, so both kinds of 住所コード show on the screens.
            profile.wide_area_prefectures.set([self.prefectures[person.desired_prefecture]])
            next_code = f"{int(person.desired_prefecture) % 47 + 1:02d}"
            profile.wide_area_municipalities.set(
                Municipality.objects.filter(prefecture_id=next_code).order_by("code")[:1])
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


def _staff_groups_again() -> None:
    """The staff groups and their permissions come from data migrations (compliance 0002, 0003); a
    database flushed since (a transactional test's teardown) has lost them, so make them the same way."""
    from importlib import import_module

    from django.apps import apps

    # The migrations mark each app as having models while they create its permissions, then unmark it
    # (right for their historical registry); this is the live one, so each app gets its own mark back.
    marks = {config.label: config.models_module for config in apps.get_app_configs()}
    try:
        import_module("compliance.migrations.0002_staff_groups").create_groups(apps, None)
        import_module("compliance.migrations.0003_staff_groups_view_conversation").grant(apps, None)
    finally:
        for config in apps.get_app_configs():
            config.models_module = marks[config.label]
