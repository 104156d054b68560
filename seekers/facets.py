"""Search facets: every filterable published value of a profile as one short token, kept in
Profile.facets ("pf13 om08 oc081 q0101 etpart …"). A search for several values is one lookup,
`facets__has_facets=[…]`: on PostgreSQL a full-text match served by a GIN index (migration
seekers 0006), elsewhere LIKE tests. That makes a narrow search one index intersection instead
of a scan over millions of rows (measured with bench_search)."""

from django.db.models import Lookup, TextField


def profile_facets(profile) -> str:
    """The tokens of one profile (ASCII letters and digits only, so every parser keeps them whole)."""
    tokens = [f"pf{profile.desired_prefecture_id}", f"et{profile.employment_type.split('_')[0]}",
              f"rg{profile.wants_regular}"]
    for occupation in profile.planned_occupations.all():
        tokens.append(f"oc{occupation.pk}")
        tokens.append(f"om{occupation.major_id or occupation.pk}")
    tokens += [f"q{qualification.pk}" for qualification in profile.qualifications.all()]
    for flag in ("dispatch_ok", "contract_ok", "relocation_ok", "overseas_ok"):
        if getattr(profile, flag):
            tokens.append(flag.removesuffix("_ok"))
    if profile.u_i_turn:
        tokens.append(f"turn{profile.u_i_turn}")
    return " ".join(sorted(set(tokens)))


def occupation_facet(occupation) -> str:
    return f"om{occupation.pk}" if occupation.major_id is None else f"oc{occupation.pk}"


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
