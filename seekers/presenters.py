"""The published profile as rows for display, in the leaflet's order: list (1)'s own items (③④⑩⑪
⑬–㉓) then the whole list (2) 求職公開申込書 ①–⑬. List (1) ①②⑤–⑨⑫ are the same items as (2) ①–⑧,
and organisations see only their published values (the 求職公開申込書's, on Profile), never the
求職申込書's own (ApplicationSheet). Organisations and the seeker see the same rows; a withheld field
shows a placeholder to organisations and its real text (with the reason) to the seeker. Where the
leaflet says コード (㉑ 住所コード, ㉓ 免許・資格コード, ⑲ 職業分類, ⑳ 産業分類) the code is shown with
the name."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import pii
from .models import Profile

ROWS = [
    ("(1) ③", "employment_type"), ("(1) ④", "wants_regular"), ("(1) ⑩", "relocation_ok"),
    ("(1) ⑪", "car_commute"), ("(1) ⑬", "other_conditions"), ("(1) ⑭", "education"),
    ("(1) ⑮", "has_driving_license"), ("(1) ⑯", "licenses_skills"), ("(1) ⑰", "main_experience"),
    ("(1) ⑱", "last_monthly_income"), ("(1) ⑲", "planned_occupations"), ("(1) ⑳", "planned_industries"),
    ("(1) ㉑", "wide_area"), ("(1) ㉒", "u_i_turn"), ("(1) ㉓", "qualifications"),
    ("(2) ①", "desired_job"), ("(2) ②", "desired_hours"), ("(2) ③", "places"),
    ("(2) ③", "desired_location"), ("(2) ③", "commute_method"), ("(2) ③", "commute_limit_minutes"),
    ("(2) ④", "desired_monthly_income"), ("(2) ④", "desired_hourly_wage"), ("(2) ⑤", "desired_holidays"),
    ("(2) ⑥", "two_day_weekend"), ("(2) ⑦", "dispatch_ok"), ("(2) ⑧", "contract_ok"),
    ("(2) ⑨", "overseas_ok"), ("(2) ⑩", "expertise"), ("(2) ⑪", "appeal_points"),
    ("(2) ⑫", "appeal_experience"), ("(2) ⑬", "special_notes"),
]
# Rows that are not one model field.
LABELS = {"places": gettext_lazy("希望勤務地(住所コード)"), "wide_area": gettext_lazy("広域就業希望地(住所コード)")}
YES_NO = {"dispatch_ok", "contract_ok", "relocation_ok", "overseas_ok"}
# Lazy: read at import, shown in the language of each request.
HAS = {"car_commute": (gettext_lazy("希望する"), gettext_lazy("希望しない")),
       "has_driving_license": (gettext_lazy("あり"), gettext_lazy("なし"))}
YEN = {"desired_monthly_income", "desired_hourly_wage", "last_monthly_income"}
MANY = {"planned_occupations", "planned_industries", "qualifications"}


def places_label(profile: Profile) -> str:
    """The 希望勤務地 in order, each with its 住所コード (DesiredPlace.label); a profile whose places
    were never written shows its desired_prefecture."""
    prefetched = "places" in getattr(profile, "_prefetched_objects_cache", {})
    places = list(profile.places.all() if prefetched else profile.places.select_related("prefecture", "municipality"))
    if not places:
        prefecture = profile.desired_prefecture
        return f"{prefecture.code} {prefecture.name}"
    return "、".join(place.label() for place in places)


def wide_area_label(profile: Profile) -> str:
    """㉑ 広域就業希望地, each with its 住所コード: the whole prefectures ("27 大阪府"), then the
    municipalities with their prefecture ("282014 兵庫県姫路市")."""
    items = [f"{p.code} {p.name}" for p in profile.wide_area_prefectures.all()]
    items += [f"{m.code} {m.prefecture.name}{m.name}" for m in profile.wide_area_municipalities.all()]
    return "、".join(items) or "—"


def _value(profile: Profile, name: str) -> str:
    if name == "places":
        return places_label(profile)
    if name == "wide_area":
        return wide_area_label(profile)
    value = getattr(profile, name)
    if name in MANY:
        return "、".join(str(item) for item in value.all()) or "—"
    if name in YES_NO:
        return _("可") if value else _("不可")
    if name in HAS:
        return str(HAS[name][0] if value else HAS[name][1])
    if name in YEN:
        return _("%(n)s円") % {"n": f"{value:,}"} if value is not None else "—"
    if name == "commute_limit_minutes":
        return _("%(n)d分") % {"n": value} if value is not None else "—"
    display = getattr(profile, f"get_{name}_display", None)
    if display is not None:
        return str(display()) or "—"
    return str(value) if value not in (None, "") else "—"


def profile_rows(profile: Profile, *, for_organization: bool) -> list[dict]:
    rows = []
    for number, name in ROWS:
        reasons = profile.withheld.get(name)
        label = LABELS.get(name) or Profile._meta.get_field(name).verbose_name
        row = {"number": number, "label": label, "withheld": bool(reasons)}
        if reasons and for_organization:
            row["value"] = _("(確認中のため表示していません)")
        else:
            row["value"] = _value(profile, name)
            row["reasons"] = [str(pii.LABELS.get(k, k)) for k in reasons or []]
        rows.append(row)
    return rows
