import datetime
import unicodedata

from django import forms
from django.contrib.auth import password_validation
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils.translation import gettext_lazy as _

from organizations import reference_cache
from organizations.models import (
    KIND_CHOICES_FOR_CONDITIONS,
    IndustryGroup,
    Municipality,
    OccupationGroup,
    Organization,
    Prefecture,
    Qualification,
)

from .dates import parse_birth_date
from .keys import normalize_code
from .models import Profile
from .search.paging import PAGE_SIZES
from .validity import normalize_kyushoku_number, validate_kyushoku_number


class BirthDateField(forms.Field):
    """生年月日 as text, in 西暦 or 和暦 (seekers.dates.parse_birth_date), instead of a date picker that
    makes a seeker scroll back through decades. What was typed is shown again as typed when refused."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("生年月日"))
        kwargs.setdefault("help_text", _("西暦・和暦のどちらでも入力できます(例: 1990/4/1、平成2年4月1日、H2.4.1)。"))
        # A text keyboard, not a numeric one: 和暦 needs 平成 or H, and phones' numeric pads have no "/".
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "text", "autocomplete": "bday",
                                                           "maxlength": "30"}))
        kwargs.setdefault("error_messages", {"required": _("生年月日を入力してください。")})
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        return parse_birth_date(str(value)[:100])


class WidthFoldedEmailField(forms.EmailField):
    """An address typed with a Japanese keyboard in full-width (ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ) is the
    same address in ASCII."""

    def to_python(self, value):
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value)
        return super().to_python(value)


class KyushokuNumberField(forms.CharField):
    """求職番号 as printed on the ハローワーク受付票, typed in any width, with or without the hyphen."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("求職番号"))
        kwargs.setdefault("help_text", _("ハローワークでお渡しした「ハローワーク受付票」に記載の番号です(例: 13010-12345678)。"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}))
        kwargs.setdefault("error_messages", {
            "required": _("求職番号を入力してください。"),
            "max_length": _("求職番号は「12345-12345678」の形(数字5桁-数字8桁)で入力してください。"),
        })
        super().__init__(max_length=30, **kwargs)

    def clean(self, value):
        value = normalize_kyushoku_number(super().clean(value))
        validate_kyushoku_number(value)
        return value


class RegistrationForm(forms.Form):
    kyushoku_number = KyushokuNumberField()
    birth_date = BirthDateField()
    email = WidthFoldedEmailField(
        label=_("メールアドレス"),
        help_text=_(
            "ユーザIDと認証キーをこのアドレスにお送りします。"
            "ハローワークにメールアドレスを届け出た方は、そのアドレスを入力してください。"
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("メールアドレスを入力してください。"),
            "invalid": _("メールアドレスを正しく入力してください(例: taro@example.jp)。"),
        },
    )
    email2 = WidthFoldedEmailField(
        label=_("メールアドレス(確認)"), widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("確認のため、メールアドレスをもう一度入力してください。"),
            "invalid": _("メールアドレス(確認)を正しく入力してください(例: taro@example.jp)。"),
        },
    )
    password1 = forms.CharField(
        label=_("パスワード"),
        strip=False,
        help_text=_("10文字以上。数字だけ、よく使われるものは使えません。"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("パスワードを入力してください。")},
    )
    password2 = forms.CharField(
        label=_("パスワード(確認)"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("確認のため、パスワードをもう一度入力してください。")},
    )
    agree = forms.BooleanField(
        label=_("利用規約(求職者用)に同意します"),
        error_messages={"required": _("利用登録には利用規約への同意が必要です。")},
    )

    def clean(self):
        data = super().clean()
        if data.get("email") and data.get("email2") and data["email"].lower() != data["email2"].lower():
            self.add_error("email2", _("メールアドレスが一致しません。同じアドレスを2回入力してください。"))
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("パスワードが一致しません。同じパスワードを2回入力してください。"))
        elif password1:
            try:
                password_validation.validate_password(password1)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class UserIdReminderForm(forms.Form):
    """ユーザIDを忘れた方: the three things only the seeker knows together."""

    kyushoku_number = KyushokuNumberField()
    birth_date = BirthDateField()
    email = WidthFoldedEmailField(
        label=_("登録したメールアドレス"),
        help_text=_("利用登録のときに入力した(または、ハローワークに届け出た)メールアドレスです。"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("登録したメールアドレスを入力してください。"),
            "invalid": _("メールアドレスを正しく入力してください(例: taro@example.jp)。"),
        },
    )


class AuthKeyForm(forms.Form):
    auth_key = forms.CharField(
        label=_("認証キー"),
        max_length=40,
        help_text=_("利用登録後にメールでお送りした8文字の認証キーを入力してください。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}),
    )

    def clean_auth_key(self):
        value = normalize_code(self.cleaned_data["auth_key"])
        if not value:
            raise forms.ValidationError(_("認証キーを入力してください。"))
        return value


class StopForm(forms.Form):
    """The stop's second step. `confirm` is sent only by that step's checkbox, so a POST made
    without seeing what the stop does (a link, a stale form, a hand-made request) stops nothing."""

    confirm = forms.BooleanField(
        label=_("求職情報がすべての利用団体から見えなくなり、メッセージの送受信もできなくなること、"
                "再開にはハローワークでの手続きが必要なことを確認しました"),
        error_messages={"required": _("停止する場合は確認のチェックを入れてください。")},
    )
    password = forms.CharField(
        label=_("パスワード"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("本人による操作であることを確かめるため、ログインに使うパスワードを入力してください。"),
        error_messages={"required": _("パスワードを入力してください。")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        value = self.cleaned_data["password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("パスワードが正しくありません。"))
        return value


class ProfileReviewForm(forms.Form):
    """公開前の確認 (SPEC rule 15). `confirm` is sent only by the review page's checkbox, so a POST
    made without seeing the profile (a link, a hand-made request) publishes nothing."""

    confirm = forms.BooleanField(
        label=_("利用団体に表示される内容を確認し、氏名・住所・電話番号・メールアドレスなど、"
                "私を特定できる情報が含まれていないことを確かめました"),
        error_messages={"required": _("公開を始める場合は、内容を確かめた上でチェックを入れてください。")},
    )


# --- Long code lists, grouped -----------------------------------------------------------------------

# The eight 地方 of the usual regional division, each a run of JIS X 0401 codes (so the prefectures
# stay in code order inside their 地方, and the 地方 in the order of their first code).
REGIONS = [
    ("hokkaido", _("北海道"), range(1, 2)),
    ("tohoku", _("東北"), range(2, 8)),
    ("kanto", _("関東"), range(8, 15)),
    ("chubu", _("中部"), range(15, 24)),
    ("kinki", _("近畿"), range(24, 31)),
    ("chugoku", _("中国"), range(31, 36)),
    ("shikoku", _("四国"), range(36, 40)),
    ("kyushu", _("九州・沖縄"), range(40, 48)),
]
REGION_OF = {f"{number:02d}": label for _key, label, numbers in REGIONS for number in numbers}


def occupation_groups(occupations):
    """職業分類 as <optgroup>s: each 大分類 in code order, first the 大分類 itself (it matches all its
    中分類, seekers.search.facets), then its 中分類 in code order. Sorting the codes as text would put
    "01 管理的職業" between "009" and "010"."""
    majors = sorted((o for o in occupations if o.major_id is None), key=lambda o: o.code)
    children: dict[str, list] = {}
    for occupation in sorted(occupations, key=lambda o: o.code):
        if occupation.major_id is not None:
            children.setdefault(occupation.major_id, []).append(occupation)
    return [
        (str(major), [(major, _("%(major)s(大分類すべて)") % {"major": major}),
                      *((child, str(child)) for child in children.get(major.code, []))])
        for major in majors
    ]


def _grouped_in_code_order(items, group_of):
    """(group, [(item, label)]) in the order each group's first code comes."""
    groups: dict[str, list] = {}
    for item in sorted(items, key=lambda item: item.code):
        groups.setdefault(str(group_of(item)), []).append((item, str(item)))
    return list(groups.items())


def qualification_groups(qualifications):
    """免許・資格 by their 区分, in code order (the code's first two digits are the 区分)."""
    return _grouped_in_code_order(qualifications, lambda q: q.category or _("その他"))


def prefecture_groups(prefectures):
    """都道府県 by 地方, in JIS X 0401 order."""
    return _grouped_in_code_order(prefectures, lambda p: REGION_OF[p.code])


class OrganizationNameForm(forms.Form):
    """ブロック設定's search for an organisation by name (a GET form: what was typed stays in the box)."""

    name = forms.CharField(
        label=_("団体名(一部でも可)"), max_length=100,
        error_messages={"required": _("ブロックしたい利用団体の団体名を入力してください。"),
                        "max_length": _("団体名は100文字以内で入力してください。")},
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "enterkeyhint": "search"}),
    )


class GroupedModelChoiceIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for group, members in self.field.grouped(list(self.queryset)):
            yield (group, [(ModelChoiceIteratorValue(self.field.prepare_value(item), item), label)
                           for item, label in members])


class ReferenceSelect(forms.Select):
    """A select of reference codes rendered once per process, language, name, value and attributes
    (organizations.reference_cache, invalidated when the codes change): rendering ~120 options through
    the template engine cost more than the rest of the search page."""

    def render(self, name, value, attrs=None, renderer=None):
        field = self.choices.field
        if field.queryset.query.has_filters():  # the memo's key names the whole table's codes only
            return super().render(name, value, attrs, renderer)
        key = ("select", field.queryset.model._meta.label, field.grouped.__qualname__, str(field.empty_label), name,
               "" if value is None else str(value), tuple(sorted((attrs or {}).items())),
               tuple(sorted(self.attrs.items())))
        return reference_cache.memoized(key, lambda: super(ReferenceSelect, self).render(name, value, attrs, renderer))


class GroupedModelChoiceField(forms.ModelChoiceField):
    """A select whose options sit in <optgroup>s. `grouped(items)` returns [(group label, [(item,
    option label)])]; the value is still the item's primary key, checked against the queryset.
    Rendered through ReferenceSelect's per-process memo."""

    iterator = GroupedModelChoiceIterator
    widget = ReferenceSelect

    def __init__(self, *, grouped, **kwargs):
        self.grouped = grouped
        super().__init__(**kwargs)


def _bit_choices(queryset):
    return [(str(item.bit), str(item)) for item in queryset]


def _bits_to_list(value: int) -> list[str]:
    return [str(bit) for bit in range(64) if value >> bit & 1]


class ConditionsForm(forms.Form):
    """メッセージ受信条件設定 (Q1). Nothing chosen in a group means no restriction by it.

    `region_groups` is the 「地方ごとまとめて選ぶ」 shortcut: each 地方 ticked adds all its prefectures
    to `regions` when the form is cleaned, so it works without JavaScript (static/js/region-shortcut.js
    only ticks the boxes on the page as the seeker goes). It is never shown ticked on a fresh page,
    so unticking one prefecture of a 地方 chosen earlier is not undone by the shortcut."""

    kinds = forms.MultipleChoiceField(
        label=_("受信する利用団体の種別"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("選ばない場合は、提供先区分で認めたすべての種別から受信します。"
                    "「地方自治体」は都道府県・市区町村そのもの、「その他の地方自治体等の機関」は"
                    "3つのセンター以外の、地方自治体等に含まれる機関です。"),
    )
    region_groups = forms.MultipleChoiceField(
        label=_("地方ごとまとめて選ぶ"), required=False, widget=forms.CheckboxSelectMultiple,
    )
    regions = forms.MultipleChoiceField(
        label=_("求人を取り扱う地域"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("選んだ地域のいずれかの求人を取り扱う団体に限ります。"
                    "「〇〇をまとめて選ぶ」にチェックを入れると、その地方の都道府県をすべて選びます。"),
    )
    industries = forms.MultipleChoiceField(
        label=_("取り扱う業種(産業大分類)"), required=False, widget=forms.CheckboxSelectMultiple,
    )
    occupations = forms.MultipleChoiceField(
        label=_("取り扱う職種(職業大分類)"), required=False, widget=forms.CheckboxSelectMultiple,
    )
    privacy_mark = forms.BooleanField(label=_("プライバシーマークを取得している団体に限る"), required=False)

    # The kinds a seeker chooses among, each named so it can be told from the others: a 地方自治体 with
    # no 細分 is the prefecture or municipality itself.
    KIND_LABELS = {("local_gov", ""): _("地方自治体(都道府県・市区町村)")}

    def __init__(self, *args, profile=None, **kwargs):
        data = args[0] if args else kwargs.get("data")
        if profile is not None and data is None:
            kwargs["initial"] = {
                "kinds": _bits_to_list(profile.cond_kind_bits),
                "regions": _bits_to_list(profile.cond_region_bits),
                "industries": _bits_to_list(profile.cond_industry_bits),
                "occupations": _bits_to_list(profile.cond_occupation_bits),
                "privacy_mark": profile.cond_privacy_mark,
            }
        super().__init__(*args, **kwargs)
        kind_labels = dict(Organization.Kind.choices)
        sub_labels = dict(Organization.SubKind.choices)
        self.fields["kinds"].choices = [
            (str(i), self.KIND_LABELS.get((kind, sub)) or (sub_labels[sub] if sub else kind_labels[kind]))
            for i, (kind, sub) in enumerate(KIND_CHOICES_FOR_CONDITIONS)
        ]
        self.fields["region_groups"].choices = [
            (key, _("%(region)sをまとめて選ぶ") % {"region": label}) for key, label, _numbers in REGIONS
        ]
        self.fields["regions"].choices = [
            (group, [(str(p.bit), label) for p, label in members])
            for group, members in prefecture_groups(Prefecture.objects.all())
        ]
        self.fields["industries"].choices = _bit_choices(IndustryGroup.objects.filter(major=None))
        self.fields["occupations"].choices = _bit_choices(OccupationGroup.objects.filter(major=None))

    def clean(self):
        data = super().clean()
        if data.get("region_groups") and "regions" in data:
            chosen = set(data["regions"])
            for key, _label, numbers in REGIONS:
                if key in data["region_groups"]:
                    chosen.update(str(number - 1) for number in numbers)
            data["regions"] = sorted(chosen, key=int)
        return data

    def region_sections(self) -> list[dict]:
        """The regions field as the page shows it: per 地方, its shortcut box and its prefectures'."""
        prefectures = {widget.data["value"]: widget for widget in self["regions"]}
        shortcuts = {widget.data["value"]: widget for widget in self["region_groups"]}
        return [
            {"key": key, "label": label, "shortcut": shortcuts[key],
             "prefectures": [prefectures[str(number - 1)] for number in numbers if str(number - 1) in prefectures]}
            for key, label, numbers in REGIONS
        ]

    def bits(self, name: str) -> list[int]:
        return [int(value) for value in self.cleaned_data.get(name, [])]


class SearchForm(forms.Form):
    """The members' search over published fields only (GET, bookmarkable)."""

    # How the results are shown, not which: a saved search lists no such condition.
    DISPLAY_FIELDS = ("per_page",)

    occupation = GroupedModelChoiceField(
        label=_("あっせん予定職業分類"), required=False, queryset=None, empty_label=_("指定なし"),
        grouped=occupation_groups,
        help_text=_("求職情報の「あっせんを予定する職業の職業分類」で探します。"
                    "大分類を選ぶと、その中分類のいずれかに当てはまる求職者をすべて探します。"),
    )
    prefecture = GroupedModelChoiceField(label=_("希望勤務地(都道府県)"), required=False, queryset=None,
                                         empty_label=_("指定なし"), grouped=prefecture_groups)
    municipality = forms.CharField(
        label=_("希望勤務地(市区町村)"), required=False, max_length=30,
        help_text=_("全国地方公共団体コード(6桁、例: 131016)または市区町村名(例: 千代田区)。"
                    "名称が複数の都道府県にあるときは都道府県も選んでください。"),
    )
    employment_type = forms.ChoiceField(label=_("希望就業形態"), required=False,
                                        choices=[("", _("指定なし")), *Profile.EmploymentType.choices])
    wants_regular = forms.ChoiceField(label=_("正社員希望"), required=False,
                                      choices=[("", _("指定なし")), *Profile.Wish.choices])
    income_min = forms.IntegerField(label=_("希望月収(下限・円)"), required=False, min_value=0, max_value=10_000_000)
    income_max = forms.IntegerField(label=_("希望月収(上限・円)"), required=False, min_value=0, max_value=10_000_000)
    qualification = GroupedModelChoiceField(label=_("免許・資格"), required=False, queryset=None,
                                            empty_label=_("指定なし"), grouped=qualification_groups)
    dispatch_ok = forms.BooleanField(label=_("派遣可"), required=False)
    contract_ok = forms.BooleanField(label=_("請負可"), required=False)
    relocation_ok = forms.BooleanField(label=_("転居可"), required=False)
    overseas_ok = forms.BooleanField(label=_("海外勤務可"), required=False)
    u_i_turn = forms.ChoiceField(label=_("Uターン・Iターン希望"), required=False,
                                 choices=[("", _("指定なし")), *(c for c in Profile.Turn.choices if c[0])])
    keyword = forms.CharField(label=_("キーワード"), required=False, max_length=100,
                              help_text=_("公開されている自由記述(経験・アピールポイントなど)から探します。"))
    per_page = forms.TypedChoiceField(
        label=_("1ページの表示件数(件)"), required=False, coerce=int, empty_value=PAGE_SIZES[0],
        choices=[(n, str(n)) for n in PAGE_SIZES],
        help_text=_("「このページの全員に案内を送る」は、このページに表示された求職者全員に送ります。"),
        error_messages={"invalid_choice": _("表示件数は20件・50件・100件から選んでください。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occupation"].queryset = OccupationGroup.objects.all()
        self.fields["prefecture"].queryset = Prefecture.objects.all()
        self.fields["qualification"].queryset = Qualification.objects.all()

    def clean_municipality(self):
        """The typed code or name as a Municipality (or None), checked against the chosen prefecture
        in clean(): a 6-digit code, the 5 digits without the check digit, or the name."""
        text = unicodedata.normalize("NFKC", self.cleaned_data.get("municipality") or "").strip()
        if not text:
            return None
        if text.isdigit():
            found = Municipality.objects.filter(code__startswith=text) if len(text) == 5 else (
                Municipality.objects.filter(code=text))
            found = list(found.select_related("prefecture")[:2]) if len(text) in (5, 6) else []
            if len(found) != 1:
                raise forms.ValidationError(_("その全国地方公共団体コードの市区町村はありません。"))
            return found[0]
        self._municipality_name = text
        return text

    def clean(self):
        data = super().clean()
        municipality, prefecture = data.get("municipality"), data.get("prefecture")
        if isinstance(municipality, str):
            found = Municipality.objects.filter(name=municipality).select_related("prefecture")
            if prefecture is not None:
                found = found.filter(prefecture=prefecture)
            found = list(found[:2])
            if not found:
                self.add_error("municipality", _("その名称の市区町村が見つかりません。"))
            elif len(found) > 1:
                self.add_error("municipality", _("同じ名称の市区町村が複数あります。都道府県も選んでください。"))
            data["municipality"] = found[0] if len(found) == 1 else None
        elif municipality is not None and prefecture is not None and municipality.prefecture_id != prefecture.pk:
            self.add_error("municipality", _("%(m)s は%(p)sの市区町村ではありません。")
                           % {"m": municipality.name, "p": prefecture.name})
            data["municipality"] = None
        low, high = data.get("income_min"), data.get("income_max")
        if low is not None and high is not None and low > high:
            self.add_error("income_max", _("上限は下限以上の金額にしてください。"))
        return data


def _mail_hour_choices():
    return [("", _("送らない"))] + [(str(hour), _("毎日 %(hour)s:00(日本時間)") % {"hour": hour}) for hour in range(24)]


class SavedSearchForm(forms.Form):
    """The name of a saved search and the hour of its daily new-match mail (none by default)."""

    name = forms.CharField(label=_("名前"), max_length=50,
                           help_text=_("一覧で見分けられる名前を付けてください(50文字まで)。例: 東京都・介護職"),
                           error_messages={"required": _("名前を入力してください。"),
                                           "max_length": _("名前は50文字以内にしてください。")})
    mail_hour = forms.TypedChoiceField(
        label=_("新着のお知らせメール"), required=False, coerce=int, empty_value=None, choices=_mail_hour_choices,
        help_text=_("選んだ時刻に、前回のお知らせ(または最後に開いたとき)以降に公開された求職情報の件数と、"
                    "この検索を開くリンクをメールでお知らせします。求職情報の内容はメールに記載しません。"
                    "新着がない日は送りません。"),
        error_messages={"invalid_choice": _("一覧から時刻を選んでください。")},
    )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())
