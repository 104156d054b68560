# ruff: noqa: S608 - the SQL here interpolates only our own reference codes and integers, never input.
"""Benchmark data and timing helpers (PostgreSQL only): fills the tables with realistic anonymous
profiles by set-based INSERT … SELECT generate_series, so millions of rows take minutes."""

import contextlib
import importlib
import random
import statistics
import time

from django.db import connection

from organizations.models import (
    IndustryGroup,
    OccupationGroup,
    Organization,
    Prefecture,
    Qualification,
    bits_of,
)
from organizations.terms import CURRENT_TERMS_VERSION

BENCH_EDUCATION = "高等学校卒業"
BENCH_PREFIX = "9"  # bench 求職番号 start with 9 (office codes 9xxxx are not used by real offices)
JOBS = ["介護職員", "一般事務", "営業", "プログラマー", "保育士", "看護師", "倉庫作業", "調理補助", "販売員", "経理事務",
        "フォークリフト運転", "清掃", "警備員", "ドライバー", "医療事務", "製造オペレーター", "施工管理", "受付"]
PHRASES = ["介護施設での勤務経験があります", "経理・会計の実務経験5年", "フォークリフトの運転ができます",
           "接客販売の経験を活かしたい", "Excelでの集計作業が得意です", "夜勤も対応できます",
           "保育園での勤務経験があります", "営業職として新規開拓を担当", "品質管理の経験があります",
           "大型免許を持っています", "医療事務の資格を取得しました", "プログラミング(Python)ができます"]


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("This benchmark needs PostgreSQL: set DATABASE_URL=postgres://… (a dedicated database).")


def percentiles(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"n": len(ordered), "p50": statistics.median(ordered), "p95": p95, "max": ordered[-1]}


def timed(func, *args, **kwargs):
    start = time.perf_counter()
    result = func(*args, **kwargs)
    return result, (time.perf_counter() - start) * 1000


def bench_profile_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM seekers_jobapplication WHERE kyushoku_number LIKE %s", [BENCH_PREFIX + "%"])
        return cursor.fetchone()[0]


def fill_profiles(total: int, *, batch: int = 250_000, log=print) -> None:
    """`total` registered, started applications with profiles, spread over prefectures, occupations,
    qualifications, validity states and receive conditions (a fifth restrict organisations)."""
    occupations = list(OccupationGroup.objects.exclude(major=None).values_list("code", "major_id"))
    majors_ind = list(IndustryGroup.objects.filter(major=None).values_list("bit", flat=True))
    qualifications = list(Qualification.objects.values_list("code", flat=True))
    jobs = "ARRAY[" + ",".join(f"'{j}'" for j in JOBS) + "]"
    phrases = "ARRAY[" + ",".join(f"'{p}'" for p in PHRASES) + "]"
    occ_codes = "ARRAY[" + ",".join(f"'{c}'" for c, _ in occupations) + "]"
    occ_majors = "ARRAY[" + ",".join(f"'{m}'" for _, m in occupations) + "]"
    qual_codes = "ARRAY[" + ",".join(f"'{c}'" for c in qualifications) + "]"
    ind_count = len(majors_ind)
    income = "200000 + (g %% 15) * 10000"
    reid_keys = _bench_reidentification_keys("lpad((1 + (g * 31) %% 47)::text, 2, '0')", income)
    done = bench_profile_count()
    with connection.cursor() as cursor:
        # Row g of the bench gets id base + g in each table; a resumed fill continues the same ids.
        cursor.execute("SELECT coalesce(max(id), 0) FROM seekers_jobapplication")
        base_app = cursor.fetchone()[0] - done
        cursor.execute("SELECT coalesce(max(id), 0) FROM accounts_user")
        base_user = cursor.fetchone()[0] - done
        cursor.execute("SELECT coalesce(max(id), 0) FROM seekers_seekeraccount")
        base_acct = cursor.fetchone()[0] - done
    with _bulk_load(fresh=done == 0):
        while done < total:
            n = min(batch, total - done)
            lo, hi = done + 1, done + n
            started = time.perf_counter()
            with connection.cursor() as cursor:
                params = {"lo": lo, "hi": hi, "ba": base_app, "bu": base_user, "bc": base_acct}
                cursor.execute("""
                    INSERT INTO seekers_jobapplication (id, kyushoku_number, applied_on, valid_until, opt_in, provision,
                        created_at, updated_at)
                    SELECT %(ba)s + g, '9' || lpad((g %% 10000)::text, 4, '0') || '-' || lpad(g::text, 8, '0'),
                        d, (date_trunc('month', d) + interval '3 month' - interval '1 day')::date,
                        CASE WHEN g %% 50 = 0 THEN 'no' ELSE 'yes' END,
                        CASE WHEN g %% 10 < 6 THEN 1 WHEN g %% 10 < 8 THEN 2 WHEN g %% 10 < 9 THEN 3 ELSE 4 END,
                        now(), now()
                    FROM (SELECT g, (current_date - ((g::bigint * 7919) %% 100)::int)::date AS d
                          FROM generate_series(%(lo)s, %(hi)s) g) s""", params)
                cursor.execute("""
                    INSERT INTO seekers_applicantidentity (application_id, name, name_kana, birth_date, gender, postal_code,
                        address, phone, email)
                    SELECT %(ba)s + g, '試験 ' || g, 'シケン ' || g, date '1960-01-01' + (g %% 15000),
                        'unanswered', '', '東京都千代田区' || g, '', ''
                    FROM generate_series(%(lo)s, %(hi)s) g""", params)
                cursor.execute("""
                    INSERT INTO accounts_user (id, password, is_superuser, username, first_name, last_name, email,
                        is_staff, is_active, date_joined, role)
                    SELECT %(bu)s + g, '!', false, 'B' || lpad(g::text, 9, '0'), '', '', 'b' || g || '@bench.example.jp',
                        false, true, now(), 'seeker'
                    FROM generate_series(%(lo)s, %(hi)s) g""", params)
                cursor.execute("""
                    INSERT INTO seekers_seekeraccount (id, user_id, application_id, terms_version, terms_agreed_at,
                        registered_at, first_login_at, stopped_at)
                    SELECT %(bc)s + g, %(bu)s + g, %(ba)s + g, '2026-11', now(), now(), now(),
                        CASE WHEN g %% 40 = 0 THEN now() END
                    FROM generate_series(%(lo)s, %(hi)s) g""", params)
                cursor.execute(f"""
                    INSERT INTO seekers_profile (application_id, public_id, desired_job, desired_hours, employment_type,
                        wants_regular, dispatch_ok, contract_ok, desired_holidays, two_day_weekend, desired_prefecture_id,
                        desired_location, commute_method, commute_limit_minutes, relocation_ok, car_commute,
                        desired_monthly_income, desired_hourly_wage, other_conditions, education, has_driving_license,
                        licenses_skills, main_experience, last_monthly_income, u_i_turn, overseas_ok, expertise,
                        appeal_points, appeal_experience, special_notes, published_at, cond_kind_bits, cond_region_bits,
                        cond_industry_bits, cond_occupation_bits, cond_privacy_mark, withheld, pii_reviewed, search_text,
                        listed_until, listed_provision, facets, {", ".join(reid_keys)})
                    SELECT %(ba)s + g, substr(md5(g::text || 'pub'), 1, 16), job, '9:00〜18:00',
                        CASE WHEN g %% 3 = 0 THEN 'part_time' ELSE 'full_time' END,
                        (ARRAY['yes','no','any'])[1 + g %% 3], g %% 4 = 0, g %% 9 = 0, '土日祝', 'yes',
                        lpad((1 + (g * 31) %% 47)::text, 2, '0'), '駅から徒歩圏内', '電車', 60, g %% 5 = 0, g %% 2 = 0,
                        150000 + (g %% 21) * 10000, NULL, '', '{BENCH_EDUCATION}', g %% 3 <> 0, '', phrase,
                        {income},
                        (ARRAY['', '', '', '', 'u', 'i'])[1 + g %% 6], g %% 11 = 0, '', phrase2, '', '',
                        now() - ((g::bigint * 7919) %% 5184000)::int * interval '1 second',
                        CASE WHEN g %% 25 = 0 THEN 1 ELSE 0 END,
                        CASE WHEN g %% 5 = 1 THEN (1::bigint << ((g * 31) %% 47)) ELSE 0 END,
                        CASE WHEN g %% 7 = 2 THEN (1::bigint << (g %% {ind_count})) ELSE 0 END,
                        0, g %% 13 = 0, '{{}}', '{{}}',
                        lower(job || ' 駅から徒歩圏内 電車 {BENCH_EDUCATION} ' || phrase || ' ' || phrase2),
                        CASE WHEN g %% 50 = 0 OR g %% 40 = 0 THEN NULL
                             ELSE (date_trunc('month', current_date - ((g::bigint * 7919) %% 100)::int)
                                   + interval '3 month' - interval '1 day')::date END,
                        CASE WHEN g %% 10 < 6 THEN 1 WHEN g %% 10 < 8 THEN 2 WHEN g %% 10 < 9 THEN 3 ELSE 4 END,
                        concat_ws(' ', 'pf' || lpad((1 + (g * 31) %% 47)::text, 2, '0'),
                            CASE WHEN g %% 3 = 0 THEN 'etpart' ELSE 'etfull' END,
                            'rg' || (ARRAY['yes','no','any'])[1 + g %% 3], 'oc' || occ, 'om' || occ_major, 'q' || q1,
                            'q' || q2, CASE WHEN g %% 4 = 0 THEN 'dispatch' END, CASE WHEN g %% 9 = 0 THEN 'contract' END,
                            CASE WHEN g %% 5 = 0 THEN 'relocation' END, CASE WHEN g %% 11 = 0 THEN 'overseas' END,
                            CASE g %% 6 WHEN 4 THEN 'turnu' WHEN 5 THEN 'turni' END),
                        {", ".join(reid_keys.values())}
                    FROM (SELECT g, ({jobs})[1 + g %% {len(JOBS)}] AS job,
                                 ({phrases})[1 + (g * 7) %% {len(PHRASES)}] AS phrase,
                                 ({phrases})[1 + (g * 13) %% {len(PHRASES)}] AS phrase2,
                                 ({occ_codes})[1 + (g * 17) %% {len(occupations)}] AS occ,
                                 ({occ_majors})[1 + (g * 17) %% {len(occupations)}] AS occ_major,
                                 ({qual_codes})[1 + (g * 3) %% {len(qualifications)}] AS q1,
                                 CASE WHEN g %% 2 = 0 AND (g * 11) %% {len(qualifications)} <> (g * 3) %% {len(qualifications)}
                                      THEN ({qual_codes})[1 + (g * 11) %% {len(qualifications)}] END AS q2
                          FROM generate_series(%(lo)s, %(hi)s) g) s""", params)
                cursor.execute(f"""
                    INSERT INTO seekers_profile_planned_occupations (profile_id, occupationgroup_id)
                    SELECT %(ba)s + g, ({occ_codes})[1 + (g * 17) %% {len(occupations)}]
                    FROM generate_series(%(lo)s, %(hi)s) g""", params)
                cursor.execute(f"""
                    INSERT INTO seekers_profile_qualifications (profile_id, qualification_id)
                    SELECT %(ba)s + g, ({qual_codes})[1 + (g * k) %% {len(qualifications)}]
                    FROM generate_series(%(lo)s, %(hi)s) g, (VALUES (3), (11)) AS q(k) WHERE g %% 2 = 0 OR k = 3
                    ON CONFLICT DO NOTHING""", params)
                # The 求職公開申込書's 希望勤務地 (seekers.DesiredPlace): the first place, the desired_prefecture
                # above (so the facets' pf token and the re-identification key stay what profile_screen writes).
                cursor.execute("""
                    INSERT INTO seekers_desiredplace (profile_id, position, prefecture_id, municipality_id)
                    SELECT %(ba)s + g, 1, lpad((1 + (g * 31) %% 47)::text, 2, '0'), NULL
                    FROM generate_series(%(lo)s, %(hi)s) g""", params)
            _listing_rows(base_app + lo, base_app + hi)
            done += n
            log(f"  profiles {done:,}/{total:,} ({time.perf_counter() - started:.1f}s for this batch)")
    with connection.cursor() as cursor:
        for table in ("seekers_jobapplication", "seekers_seekeraccount", "accounts_user",
                      "seekers_profile_planned_occupations", "seekers_profile_qualifications", "seekers_desiredplace"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        for table in ("seekers_jobapplication", "seekers_applicantidentity", "seekers_profile", "seekers_seekeraccount",
                      "accounts_user", "seekers_profile_planned_occupations", "seekers_profile_qualifications",
                      "seekers_desiredplace"):
            cursor.execute(f"ANALYZE {table}")


# The tables a fill writes most, whose secondary indexes a fresh fill builds once at the end instead of
# updating row by row, and the listing rows (seekers.migrations.0018) written per batch by one statement
# instead of by the trigger, once per profile.
BULK_TABLES = ("seekers_profile", "seekers_listingfacet", "seekers_listingtext")
LISTING = importlib.import_module("seekers.migrations.0019_listing_inline_text")


@contextlib.contextmanager
def _bulk_load(*, fresh: bool):
    with connection.cursor() as cursor:
        indexes = []
        if fresh:
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)", [list(BULK_TABLES)])
            indexes = cursor.fetchall()
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {name}")
        cursor.execute("ALTER TABLE seekers_profile DISABLE TRIGGER seekers_listing_facets_sync")
        try:
            yield
        finally:
            # Inside a transaction (a test's) the deferred foreign-key checks run first: ALTER TABLE refuses
            # a table with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE seekers_profile ENABLE TRIGGER seekers_listing_facets_sync")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for _name, definition in indexes:
                cursor.execute(definition)
            cursor.execute("RESET maintenance_work_mem")


def _listing_rows(lo: int, hi: int) -> None:
    """The listing rows of profiles lo..hi, as the trigger would have written them."""
    batch = f" AND p.application_id BETWEEN {int(lo)} AND {int(hi)}"
    with connection.cursor() as cursor:
        cursor.execute(f"{LISTING.INSERT} {LISTING.rows_of('p', 'seekers_profile p, ')}{batch}")
        cursor.execute(f"{LISTING.TEXT_INSERT} SELECT p.application_id, p.search_text FROM seekers_profile p "
                       f"WHERE {LISTING.LISTED.format(p='p')}{batch}")


def vacuum_profiles() -> None:
    """VACUUM (ANALYZE) the search's tables after a fill, as autovacuum would soon after: fresh statistics
    and the visibility map set."""
    with connection.cursor() as cursor:
        for table in ("seekers_profile", "seekers_profile_planned_occupations", "seekers_profile_qualifications",
                      "seekers_listingfacet", "seekers_listingtext"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")


def _sql_key(parts: dict[str, str], left_out: str = "") -> str:
    """seekers.search.reidentification._key in SQL: the same canonical text, the same 64 bits."""
    text = " || '|' || ".join([f"'without={left_out}'", *(f"'{name}=' || {parts[name]}" for name in sorted(parts))])
    return f"('x' || encode(substr(sha256(convert_to({text}, 'UTF8')), 1, 8), 'hex'))::bit(64)::bigint"


def _sql_keys(parts: dict[str, str]) -> dict[str, str]:
    """{column: SQL expression} for Profile's reid_key columns, from one SQL expression per
    quasi-identifier's normalised value."""
    from seekers.search import reidentification as reid

    keys = {"reid_key": _sql_key(parts)}
    for q in reid.QUASI_IDENTIFIERS:
        keys[f"reid_key_no_{q.name}"] = _sql_key({n: v for n, v in parts.items() if n != q.name}, left_out=q.name)
    return keys


def _bench_reidentification_keys(prefecture: str, income: str) -> dict[str, str]:
    """The keys of a bench row as its INSERT writes it (one occupation `occ`, qualifications `q1` and
    the optional `q2`, the one education text), so the fill needs no second pass over the rows."""
    from seekers.search import reidentification as reid

    return _sql_keys({
        "prefecture": prefecture,
        "occupations": "occ",
        "qualifications": "CASE WHEN q2 IS NULL THEN q1 WHEN q1 < q2 COLLATE \"C\" THEN q1 || ',' || q2 "
                          "ELSE q2 || ',' || q1 END",
        "education": f"'{reid.education_level(BENCH_EDUCATION)}'",
        "income": f"(least({income}, {reid.INCOME_TOP_BAND_YEN}) / {reid.INCOME_BAND_YEN})::text",
    })


def fill_reidentification_keys(lo: int, hi: int) -> None:
    """The re-identification keys of profiles lo..hi (application ids) that have none yet (a fill
    from before the keys existed gets them on the next run), set-based, computed in SQL
    exactly as seekers.search.reidentification.reidentification_keys does (devtools' PostgreSQL
    test compares them)."""
    from seekers.search import reidentification as reid

    levels = " ".join(
        f"WHEN {' OR '.join(f'e.t LIKE {chr(39)}%%{pattern}%%{chr(39)}' for pattern in patterns)} THEN '{level}'"
        for level, patterns in reid.EDUCATION_LEVELS
    )
    # One SQL column per quasi-identifier below, named as it: a new one fails here until added.
    parts = {q.name: f"parts.{q.name}" for q in reid.QUASI_IDENTIFIERS}
    sets = [f"{column} = {expression}" for column, expression in _sql_keys(parts).items()]
    with connection.cursor() as cursor:
        cursor.execute(f"""
            WITH parts AS (
                SELECT p.application_id AS id,
                    coalesce(p.desired_prefecture_id::text, '') AS prefecture,
                    coalesce((SELECT string_agg(o.occupationgroup_id::text, ',' ORDER BY o.occupationgroup_id::text
                                                COLLATE "C")
                              FROM seekers_profile_planned_occupations o WHERE o.profile_id = p.application_id), '')
                        AS occupations,
                    coalesce((SELECT string_agg(q.qualification_id::text, ',' ORDER BY q.qualification_id::text
                                                COLLATE "C")
                              FROM seekers_profile_qualifications q WHERE q.profile_id = p.application_id), '')
                        AS qualifications,
                    CASE WHEN p.withheld::jsonb ? 'education' THEN 'none'
                         WHEN e.t = '' THEN 'none' {levels} ELSE 'other' END AS education,
                    CASE WHEN p.last_monthly_income IS NULL THEN 'none'
                         ELSE (least(p.last_monthly_income, {reid.INCOME_TOP_BAND_YEN})
                               / {reid.INCOME_BAND_YEN})::text END AS income
                FROM seekers_profile p, LATERAL (SELECT btrim(normalize(p.education, NFKC)) AS t) e
                WHERE p.application_id BETWEEN %s AND %s AND p.reid_key IS NULL
            )
            UPDATE seekers_profile SET {", ".join(sets)}
            FROM parts WHERE seekers_profile.application_id = parts.id""", [lo, hi])


def fill_organizations(count: int, rng: random.Random) -> list[Organization]:
    """Organisations of every kind with varied handled regions, industries and occupations."""
    # Active by Organization.status: approved and the 利用規約 in force accepted (rows from before the
    # terms existed are brought up to date).
    Organization.objects.filter(name__startswith="ベンチ", terms_version__lt=CURRENT_TERMS_VERSION).update(
        terms_version=CURRENT_TERMS_VERSION
    )
    existing = list(Organization.objects.filter(name__startswith="ベンチ団体"))
    if len(existing) >= count:
        return existing[:count]
    prefectures = list(Prefecture.objects.values_list("code", flat=True))
    ind_bits = list(IndustryGroup.objects.filter(major=None).values_list("bit", flat=True))
    occ_bits = list(OccupationGroup.objects.filter(major=None).values_list("bit", flat=True))
    kinds = [("agency", ""), ("local_gov", ""), ("local_gov", "nurse_center"), ("local_gov", "welfare_center"),
             ("local_gov", "childcare_center"), ("agency", "")]
    orgs = []
    for i in range(len(existing), count):
        kind, sub = kinds[i % len(kinds)]
        regions = rng.sample(prefectures, 47 if i % 4 == 0 else rng.randint(1, 10))
        org = Organization(
            name=f"ベンチ団体{i:05d}", kind=kind, sub_kind=sub, permit_number="" if kind == "local_gov" else f"99-ユ-{i:06d}",
            privacy_mark=i % 3 == 0, approved_on="2026-04-01", terms_version=CURRENT_TERMS_VERSION, track_record="実績", job_openings="求人", fees="無料",
            privacy_officer="担当", complaints_officer="担当", contact_procedure="電話",
            region_bits=bits_of(int(c) - 1 for c in regions),
            industry_bits=bits_of(rng.sample(ind_bits, rng.randint(1, 6))),
            occupation_bits=bits_of(rng.sample(occ_bits, rng.randint(1, 6))),
        )
        org.kind_bits = org.kind_bit
        orgs.append(org)
    Organization.objects.bulk_create(orgs, batch_size=1000)
    return list(Organization.objects.filter(name__startswith="ベンチ団体"))[:count]
