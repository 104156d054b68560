"""Long code lists people can use (issue "phone first", item 5): the search's 職業分類 as 大分類
<optgroup>s with their 中分類 in code order, labelled with the field it filters; 免許・資格 by 区分;
都道府県 by 地方 in JIS X 0401 order, in the search and in the receive conditions; and the kinds of
organisation each named so it can be told from the others."""

import re
from html import unescape

import pytest

from organizations.models import OccupationGroup, Organization, Prefecture, Qualification
from seekers.forms import ConditionsForm, SearchForm
from tests.pages import page

pytestmark = pytest.mark.django_db

EIGHT_REGIONS = ["北海道", "東北", "関東", "中部", "近畿", "中国", "四国", "九州・沖縄"]


def groups(field) -> list[tuple[str, list[str]]]:
    """(group label, [option values]) of a grouped field's choices, the empty choice left out."""
    return [(str(label), [str(value) for value, _ in options])
            for label, options in field.choices if isinstance(options, (list, tuple))]


def option_labels(field) -> dict[str, str]:
    return {str(value): str(label) for _, options in field.choices if isinstance(options, (list, tuple))
            for value, label in options}


def test_occupations_are_major_groups_with_their_medium_groups_in_code_order():
    field = SearchForm().fields["occupation"]

    grouped = groups(field)

    majors = list(OccupationGroup.objects.filter(major=None).order_by("code"))
    assert [label for label, _ in grouped] == [str(major) for major in majors]
    assert grouped[0] == ("01 管理的職業", ["01", "001", "002", "003"])
    assert grouped[1][1][:3] == ["02", "004", "005"]
    for major, (_, codes) in zip(majors, grouped, strict=True):
        children = list(OccupationGroup.objects.filter(major=major).order_by("code").values_list("code", flat=True))
        assert codes == [major.code, *children]
    assert sum(len(codes) for _, codes in grouped) == OccupationGroup.objects.count()


def test_the_occupation_select_is_labelled_with_the_field_it_filters():
    field = SearchForm().fields["occupation"]

    assert str(field.label) == "あっせん予定職業分類"
    assert "あっせんを予定する職業の職業分類" in str(field.help_text)
    labels = option_labels(field)
    assert labels["08"] == "08 福祉・介護の職業(大分類すべて)"
    assert labels["050"] == "050 施設介護の職業"
    assert field.choices[0][0] == ""  # 指定なし first, outside any group


def test_the_search_page_renders_optgroups_in_code_order(member_client):
    html = unescape(page(member_client.get("/orgs/seekers/")))

    select = re.search(r'<select name="occupation".*?</select>', html, re.S).group(0)
    labels = re.findall(r'<optgroup label="([^"]+)"', select)
    assert labels[:3] == ["01 管理的職業", "02 研究・技術の職業", "03 法務・経営・文化芸術等の専門的職業"]
    assert len(labels) == 15
    first_group = re.search(r'<optgroup label="01 管理的職業">(.*?)</optgroup>', select, re.S).group(1)
    assert re.findall(r'value="(\d+)"', first_group) == ["01", "001", "002", "003"]
    assert '<label class="field__label" for="id_occupation">あっせん予定職業分類</label>' in html


def test_qualifications_are_grouped_by_category_in_code_order():
    grouped = groups(SearchForm().fields["qualification"])

    categories = [label for label, _ in grouped]
    assert categories[0] == "運転・操作"
    assert len(categories) == len(set(categories)) == Qualification.objects.values("category").distinct().count()
    for category, codes in grouped:
        assert codes == sorted(codes)
        assert set(Qualification.objects.filter(code__in=codes).values_list("category", flat=True)) == {category}
    every_code = [code for _, codes in grouped for code in codes]
    assert every_code == sorted(every_code)
    assert len(every_code) == Qualification.objects.count()


def test_search_prefectures_are_grouped_by_region_in_jis_order():
    grouped = groups(SearchForm().fields["prefecture"])

    assert [label for label, _ in grouped] == EIGHT_REGIONS
    assert [code for _, codes in grouped for code in codes] == [f"{n:02d}" for n in range(1, 48)]
    by_region = dict(grouped)
    assert by_region["関東"] == ["08", "09", "10", "11", "12", "13", "14"]
    assert by_region["中部"][0] == "15" and by_region["中部"][-1] == "23"  # 新潟 … 愛知
    assert by_region["近畿"][0] == "24"  # 三重
    assert by_region["九州・沖縄"][-1] == "47"
    assert option_labels(SearchForm().fields["prefecture"])["13"] == "東京都"


def test_condition_regions_are_grouped_by_region_with_a_shortcut_each():
    form = ConditionsForm()

    grouped = groups(form.fields["regions"])
    assert [label for label, _ in grouped] == EIGHT_REGIONS
    # the values are the prefectures' bits (code - 1)
    assert [bit for _, bits in grouped for bit in bits] == [str(n) for n in range(47)]
    assert [str(label) for _, label in form.fields["region_groups"].choices] == [
        f"{region}をまとめて選ぶ" for region in EIGHT_REGIONS]
    sections = form.region_sections()
    assert [str(s["label"]) for s in sections] == EIGHT_REGIONS
    assert [w.data["label"] for w in sections[2]["prefectures"]] == [
        p.name for p in Prefecture.objects.filter(code__in=[f"{n:02d}" for n in range(8, 15)])]


def test_every_kind_of_organisation_has_a_label_of_its_own():
    labels = [str(label) for _, label in ConditionsForm().fields["kinds"].choices]

    assert labels == [
        "民間職業紹介事業者等",
        "地方自治体(都道府県・市区町村)",
        "都道府県ナースセンター",
        "福祉人材センター",
        "保育士・保育所支援センター",
        "その他の地方自治体等の機関",
    ]
    assert len(set(labels)) == len(labels)
    assert "その他" not in labels
    assert Organization.SubKind.OTHER.label == "その他の地方自治体等の機関"


def test_condition_majors_stay_in_code_order():
    form = ConditionsForm()

    industries = [str(label).split()[0] for _, label in form.fields["industries"].choices]
    occupations = [str(label).split()[0] for _, label in form.fields["occupations"].choices]
    assert occupations == [f"{n:02d}" for n in range(1, 16)]
    assert industries == sorted(industries)
