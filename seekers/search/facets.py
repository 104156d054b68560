"""Search facets, the writer and the reader side by side: every filterable published value of a
profile as one short token, kept in Profile.facets ("pf13 om08 oc081 q0101 etpart …") by
`profile_facets` (called by seekers.services.profile_screen), and the search's filters turned into
the tokens they need by `filter_profiles`. A search for several values is one lookup,
`facets__has_facets=[…]`: on PostgreSQL a full-text match served by a GIN index (migration
seekers 0006), elsewhere LIKE tests. That makes a narrow search one index intersection instead
of a scan over millions of rows (measured with bench_search)."""

from django.db.models import Lookup, QuerySet, TextField

from .keywords import filter_keyword


def profile_facets(profile) -> str:
    """The tokens of one profile (ASCII letters and digits only, so every parser keeps them whole)."""
    tokens = [f"pf{profile.desired_prefecture_id}", f"et{profile.employment_type.split('_')[0]}",
              f"rg{profile.wants_regular}"]
    tokens += place_tokens(profile)
    for occupation in profile.planned_occupations.all():
        tokens += occupation_tokens(occupation)
    tokens += [f"q{qualification.pk}" for qualification in profile.qualifications.all()]
    for flag in ("dispatch_ok", "contract_ok", "relocation_ok", "overseas_ok"):
        if getattr(profile, flag):
            tokens.append(flag.removesuffix("_ok"))
    if profile.u_i_turn:
        tokens.append(f"turn{profile.u_i_turn}")
    return " ".join(sorted(set(tokens)))


def place_tokens(profile) -> list[str]:
    """Every 希望勤務地 of the 求職公開申込書 (up to three, seekers.DesiredPlace): its prefecture (pf13)
    and, when it names one, its municipality (mu131016, the 全国地方公共団体コード), so a search by
    the second or third place's prefecture or by a municipality finds the profile. desired_prefecture
    (the first place's, above) covers a profile whose places were never written."""
    tokens = []
    for place in profile.places.all():
        tokens.append(f"pf{place.prefecture_id}")
        if place.municipality_id:
            tokens.append(f"mu{place.municipality_id}")
    return tokens


def occupation_tokens(occupation) -> list[str]:
    """The writer's half of the occupation pair: a planned occupation carries its own code (oc) and
    its 大分類's (om; a 大分類 planned as such is its own)."""
    return [f"oc{occupation.pk}", f"om{occupation.major_id or occupation.pk}"]


def occupation_facet(occupation) -> str:
    """The reader's half: a 大分類 asks for its om token, which every profile planned for one of its
    中分類 carries, so it finds exactly those (seekers/tests/test_facets.py walks every code); a 中分類
    asks for its own oc token. The codes differ in length (01 大分類, 001 中分類), so no token of one
    level can equal one of the other."""
    return f"om{occupation.pk}" if occupation.major_id is None else f"oc{occupation.pk}"


def filter_profiles(queryset: QuerySet, f: dict) -> QuerySet:
    """The search form's filters. Narrow value filters (prefecture or municipality of any of the up to
    three 希望勤務地, occupation, qualification, 海外勤務, U/I ターン: a few percent of profiles each) are facet
    tokens (`search_tokens`), one full-text match served
    on PostgreSQL by a GIN index. Broad ones (a fifth or more: 就業形態, 正社員希望, 派遣・請負・転居) are
    plain column tests, cheap on a scan, where intersecting their huge posting lists in the GIN index
    would cost more (measured with bench_search). The income range is checked on what remains; the keyword
    through its own index (seekers.search.keywords)."""
    queryset = filter_columns(queryset, f)
    tokens = search_tokens(f)
    if tokens:
        queryset = queryset.filter(facets__has_facets=tokens)
    if f.get("keyword"):
        queryset = filter_keyword(queryset, f["keyword"])
    return queryset


def search_tokens(f: dict) -> list[str]:
    """The facet tokens the search form's value filters ask for (every one of them must be there)."""
    tokens = []
    if f.get("occupation"):
        tokens.append(occupation_facet(f["occupation"]))
    if f.get("municipality"):
        tokens.append(f"mu{f['municipality'].pk}")
    elif f.get("prefecture"):
        tokens.append(f"pf{f['prefecture'].pk}")
    if f.get("qualification"):
        tokens.append(f"q{f['qualification'].pk}")
    if f.get("overseas_ok"):
        tokens.append("overseas")
    if f.get("u_i_turn"):
        tokens.append(f"turn{f['u_i_turn']}")
    return tokens


FLAGS = ("dispatch_ok", "contract_ok", "relocation_ok")


def filter_columns(queryset: QuerySet, f: dict) -> QuerySet:
    """The filters tested on columns: 就業形態, 正社員希望, 派遣・請負・転居 and the income range. The same
    columns are on Profile and on its narrow copy (seekers.ListingFacet), so this serves both."""
    if f.get("employment_type"):
        queryset = queryset.filter(employment_type=f["employment_type"])
    if f.get("wants_regular"):
        queryset = queryset.filter(wants_regular=f["wants_regular"])
    for flag in FLAGS:
        if f.get(flag):
            queryset = queryset.filter(**{flag: True})
    if f.get("income_min") is not None:
        queryset = queryset.filter(desired_monthly_income__gte=f["income_min"])
    if f.get("income_max") is not None:
        queryset = queryset.filter(desired_monthly_income__lte=f["income_max"])
    return queryset


def _clean(token: str) -> str:
    if not token.isascii() or not token.isalnum():
        raise ValueError(f"bad facet token {token!r}")
    return token.lower()


@TextField.register_lookup
class HasFacets(Lookup):
    """`facets__has_facets=["pf13", "om08"]`: the profile has every token."""

    lookup_name = "has_facets"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        tokens = [_clean(t) for t in self.rhs]
        clauses = [f"(' ' || {lhs} || ' ') LIKE %s" for _ in tokens]
        params = [param for token in tokens for param in (*lhs_params, f"% {token} %")]
        return "(" + " AND ".join(clauses) + ")", params

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        query = " & ".join(_clean(t) for t in self.rhs)
        # Must stay the same expression as the GIN index of migration seekers 0006.
        return (f"to_tsvector('simple'::regconfig, {lhs}) @@ to_tsquery('simple'::regconfig, %s)",
                [*lhs_params, query])
