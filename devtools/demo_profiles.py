"""Occupation archetypes for the demo's profiles: a 希望する仕事 with the あっせん予定職業分類 (中分類),
産業分類, 免許・資格, experience, hours, holidays, pay and schooling that belong to it, so a demo profile
reads like a person and a search narrows (「接客」 finds the shop and restaurant people, not everyone).

Codes are rows of organizations/data/*.csv (the tests check each one exists); texts stay clear of
what the PII guard flags (no names with 様/さん, no numbers that look like phones or addresses)."""

import datetime
import random
from collections.abc import Mapping
from dataclasses import dataclass

FULL, PART, EITHER = "full_time", "part_time", "either"
WEEKEND, SHIFT = "yes", "any"  # two_day_weekend: 土日休み, or シフト (こだわらない)


@dataclass(frozen=True)
class Archetype:
    jobs: tuple[str, ...]  # 希望する仕事, as a seeker would write it
    occupations: tuple[str, ...]  # 職業分類 中分類 (one is chosen)
    industries: tuple[str, ...]  # 産業分類 中分類 (one or two are chosen)
    experiences: tuple[str, ...]  # 経験した主な仕事; {years} is filled in
    education: tuple[str, ...]  # 学歴・訓練等受講歴
    monthly: tuple[int, int]  # 希望月収 range (円)
    hourly: tuple[int, int]  # 希望時間額 range (円)
    schedules: tuple[tuple[str, str, str], ...]  # (希望勤務時間, 希望休日, 週休二日制の希望)
    core: tuple[str, ...] = ()  # 免許・資格: one of these (the one the job needs)
    core_share: float = 1.0  # how many of them hold it
    extra: tuple[str, ...] = ()  # 免許・資格 some also hold
    skills: tuple[str, ...] = ()  # 特技 written beside the 免許・資格
    expertise: tuple[str, ...] = ()
    appeals: tuple[str, ...] = ()
    employment: tuple[int, int, int] = (6, 3, 1)  # weights of フルタイム, パートタイム, どちらでも
    driver: bool = False  # the job is driving: a 運転免許 is a given


ARCHETYPES: tuple[Archetype, ...] = (
    Archetype(
        jobs=("介護職員", "介護スタッフ(特別養護老人ホーム)", "グループホームの介護職"),
        occupations=("050",), industries=("85",),
        experiences=("特別養護老人ホームでの入浴・食事・排せつ介助 {years}年", "グループホームでの生活支援 {years}年",
                     "介護老人保健施設での介護業務 {years}年(夜勤あり)"),
        education=("高等学校卒業", "専門学校卒業(介護福祉学科)", "ハロートレーニング(介護職員実務者研修科)修了"),
        monthly=(190_000, 260_000), hourly=(1_100, 1_400),
        schedules=(("シフト制(夜勤可)", "シフト制 月9日", SHIFT), ("日勤のみ 8:30〜17:30", "4週8休", WEEKEND),
                   ("早番・遅番のシフト制", "シフト制 月9日", SHIFT)),
        core=("0301", "0306", "0305"), extra=("0104",),
        expertise=("認知症の方への声かけと見守り", "移乗・入浴介助、介護記録の作成"),
        appeals=("利用者様のペースに合わせた介助を心がけています。", "夜勤にも対応できます。"),
        employment=(6, 3, 2),
    ),
    Archetype(
        jobs=("訪問介護(ホームヘルパー)", "訪問介護員"),
        occupations=("051",), industries=("85",),
        experiences=("訪問介護事業所での身体介護・生活援助 {years}年", "サービス付き高齢者向け住宅での訪問介護 {years}年"),
        education=("高等学校卒業", "短期大学卒業(生活科学科)"),
        monthly=(180_000, 240_000), hourly=(1_200, 1_600),
        schedules=(("9:00〜16:00", "土日", WEEKEND), ("午前中のみ", "日曜・他1日", SHIFT), ("日中のみ(夜間は不可)", "土日", WEEKEND)),
        core=("0305", "0306", "0301"), extra=("0105",),  # 0307 (ホームヘルパー2級) is now 0305
        appeals=("一人ひとりの生活習慣を大切にした援助を心がけています。",),
        employment=(2, 6, 2),
    ),
    Archetype(
        jobs=("一般事務", "総務事務", "営業事務"),
        occupations=("034", "033", "040"), industries=("24", "55", "69"),
        experiences=("製造業の総務部で書類作成・電話応対・備品管理 {years}年", "商社の営業事務(受発注・請求書作成) {years}年",
                     "不動産管理会社での契約書類の作成 {years}年"),
        education=("高等学校卒業", "短期大学卒業(ビジネス科)", "大学卒業(経済学部)"),
        monthly=(170_000, 230_000), hourly=(1_100, 1_350),
        schedules=(("9:00〜17:30", "土日祝", WEEKEND), ("9:00〜15:00(時短希望)", "土日祝", WEEKEND),
                   ("8:30〜17:00", "土日祝・年末年始", WEEKEND)),
        core=("0803", "0802"), core_share=0.5, extra=("0901",),
        skills=("Excel(VLOOKUP・ピボットテーブル)、Word", "PowerPointでの資料作成"),
        appeals=("正確で丁寧な書類作成が得意です。", "電話応対や来客対応にも慣れています。"),
        employment=(5, 4, 1),
    ),
    Archetype(
        jobs=("経理事務", "経理・会計スタッフ"),
        occupations=("038",), industries=("72", "24", "56"),
        experiences=("会計事務所での記帳代行・決算補助 {years}年", "中小企業の経理(月次決算・給与計算) {years}年"),
        education=("大学卒業(商学部)", "専門学校卒業(会計ビジネス科)", "高等学校卒業(商業科)"),
        monthly=(200_000, 300_000), hourly=(1_200, 1_600),
        schedules=(("9:00〜18:00", "土日祝", WEEKEND), ("9:00〜16:00", "土日祝", WEEKEND)),
        core=("0802", "0801", "0803"), extra=("0812", "0901"),
        skills=("会計ソフト(勘定奉行・freee)", "Excel(関数・マクロ)"),
        expertise=("月次・年次決算、消費税申告の補助", "給与計算と社会保険の手続き"),
        appeals=("数字の確認を怠らない仕事を続けてきました。",),
        employment=(7, 2, 1),
    ),
    Archetype(
        jobs=("医療事務", "病院の受付・医療事務"),
        occupations=("037",), industries=("83",),
        experiences=("内科クリニックでの受付・会計・レセプト作成 {years}年", "総合病院の医事課で入院会計 {years}年"),
        education=("専門学校卒業(医療秘書科)", "高等学校卒業"),
        monthly=(170_000, 220_000), hourly=(1_050, 1_300),
        schedules=(("8:30〜17:30", "日祝・他1日", SHIFT), ("午前のみ 8:30〜12:30", "土日祝", WEEKEND),
                   ("シフト制(土曜午前あり)", "日祝・他1日", SHIFT)),
        extra=("0803",),
        skills=("電子カルテの入力", "レセプト点検"),
        appeals=("患者さんに落ち着いて説明することを心がけています。",),
        employment=(4, 5, 1),
    ),
    Archetype(
        jobs=("看護師", "病棟看護師", "訪問看護師"),
        occupations=("023",), industries=("83", "85"),
        experiences=("総合病院の内科病棟 {years}年", "訪問看護ステーションでの在宅看護 {years}年",
                     "整形外科クリニックの外来看護 {years}年"),
        education=("看護専門学校卒業", "看護大学卒業"),
        monthly=(270_000, 380_000), hourly=(1_700, 2_200),
        schedules=(("2交替制(夜勤可)", "シフト制 月10日", SHIFT), ("日勤のみ 8:30〜17:00", "4週8休", WEEKEND),
                   ("夜勤専従", "シフト制 月10日", SHIFT)),
        core=("0206",), extra=("0204", "0104"),
        expertise=("急性期病棟での看護、採血・点滴", "在宅での服薬管理と家族への助言"),
        appeals=("チームで情報を共有しながら看護にあたってきました。",),
        employment=(7, 2, 1),
    ),
    Archetype(
        jobs=("准看護師", "クリニックの准看護師"),
        occupations=("023",), industries=("83",),
        experiences=("有床診療所での看護業務 {years}年", "介護老人保健施設の看護職 {years}年"),
        education=("准看護学校卒業", "高等学校衛生看護科卒業"),
        monthly=(220_000, 290_000), hourly=(1_400, 1_800),
        schedules=(("日勤のみ", "日祝・木曜", SHIFT), ("9:00〜18:00", "4週8休", WEEKEND)),
        core=("0207",),
        appeals=("検温や処置の介助を落ち着いて行えます。",),
        employment=(5, 4, 1),
    ),
    Archetype(
        jobs=("保育士", "保育園の保育士", "学童保育の指導員"),
        occupations=("029", "030"), industries=("85", "81"),
        experiences=("認可保育園で1歳児クラスの担任 {years}年", "幼稚園で年長組の担任 {years}年", "学童保育で放課後の見守り {years}年"),
        education=("短期大学卒業(保育科)", "大学卒業(教育学部)", "専門学校卒業(こども保育学科)"),
        monthly=(190_000, 250_000), hourly=(1_100, 1_400),
        schedules=(("7:30〜19:00の間でシフト", "日祝・他1日", SHIFT), ("8:30〜17:30", "土日祝", WEEKEND),
                   ("13:00〜19:00", "土日祝", WEEKEND)),
        core=("0401",), core_share=0.9, extra=("0402",),
        skills=("ピアノ(童謡の伴奏)",),
        appeals=("子どもの小さな変化に気づけるよう、保護者との連絡を大切にしています。",),
        employment=(5, 4, 1),
    ),
    Archetype(
        jobs=("プログラマー", "システムエンジニア", "Webアプリケーション開発"),
        occupations=("009",), industries=("39", "40"),
        experiences=("業務システムの開発(Java・SQL) {years}年", "Webアプリケーションの開発(Python・Django) {years}年",
                     "受託開発でのテストと保守 {years}年"),
        education=("大学卒業(情報工学科)", "専門学校卒業(情報処理科)", "ハロートレーニング(Javaプログラマー科)修了"),
        monthly=(260_000, 450_000), hourly=(1_800, 2_600),
        schedules=(("フレックスタイム制", "土日祝", WEEKEND), ("9:30〜18:30", "土日祝", WEEKEND), ("在宅勤務を含む", "土日祝", WEEKEND)),
        core=("0903", "0904"), core_share=0.7, extra=("0902", "0911"),
        skills=("Git、Linux、Docker", "SQL(PostgreSQL)"),
        expertise=("要件定義から設計・実装・テストまで", "データベース設計と性能調査"),
        appeals=("読みやすいコードとテストを書くことを大切にしています。",),
        employment=(8, 1, 1),
    ),
    Archetype(
        jobs=("社内SE・ヘルプデスク", "ネットワーク保守"),
        occupations=("010",), industries=("39", "37"),
        experiences=("社内ヘルプデスクでのPC設定・問い合わせ対応 {years}年", "社内ネットワークの保守運用 {years}年"),
        education=("専門学校卒業(ネットワーク科)", "大学卒業(理工学部)"),
        monthly=(230_000, 330_000), hourly=(1_500, 2_000),
        schedules=(("9:00〜18:00", "土日祝", WEEKEND), ("シフト制(24時間監視)", "シフト制 週2日", SHIFT)),
        core=("0901", "0903", "0906"), core_share=0.8, extra=("0902",),
        skills=("Windows Server、Active Directory", "ルーター・スイッチの設定"),
        appeals=("パソコンが苦手な方にもわかる言葉で説明できます。",),
        employment=(7, 2, 1),
    ),
    Archetype(
        jobs=("調理補助", "給食の調理補助", "キッチンスタッフ"),
        occupations=("055",), industries=("76", "83", "77"),
        experiences=("病院給食の盛り付け・食器洗浄 {years}年", "居酒屋の厨房で仕込みと調理補助 {years}年",
                     "弁当工場での調理・盛り付け {years}年"),
        education=("高等学校卒業", "中学校卒業"),
        monthly=(150_000, 200_000), hourly=(1_050, 1_250),
        schedules=(("6:00〜10:00(早朝)", "シフト制 週2日", SHIFT), ("10:00〜15:00", "土日", WEEKEND),
                   ("17:00〜22:00", "シフト制 週2日", SHIFT)),
        core=("0506",), core_share=0.4, extra=("0501",),
        appeals=("衛生管理と手際のよさを心がけています。",),
        employment=(2, 7, 1),
    ),
    Archetype(
        jobs=("調理師", "和食の調理師"),
        occupations=("055",), industries=("76", "75"),
        experiences=("和食店での調理(煮方・焼方) {years}年", "ホテルの洋食部門での調理 {years}年"),
        education=("調理師専門学校卒業", "高等学校卒業"),
        monthly=(220_000, 300_000), hourly=(1_250, 1_600),
        schedules=(("10:00〜22:00の間で実働8時間", "シフト制 月8日", SHIFT), ("仕込みからランチまで", "水曜・他1日", SHIFT)),
        core=("0501",), extra=("0506", "0502"),
        expertise=("献立作成と原価管理", "魚の仕込みと季節料理"),
        appeals=("仕込みから片付けまで段取りよく進められます。",),
        employment=(7, 2, 1),
    ),
    Archetype(
        jobs=("販売員", "スーパーの売場スタッフ", "アパレル販売"),
        occupations=("045",), industries=("58", "56", "57"),
        experiences=("スーパーでのレジ・品出し・接客 {years}年", "アパレル店での接客販売と在庫管理 {years}年",
                     "ホームセンターの売場担当 {years}年"),
        education=("高等学校卒業", "短期大学卒業"),
        monthly=(170_000, 230_000), hourly=(1_050, 1_250),
        schedules=(("9:00〜18:00(シフト)", "シフト制 週2日", SHIFT), ("10:00〜15:00", "平日2日", SHIFT),
                   ("夕方以降 17:00〜21:00", "シフト制 週2日", SHIFT)),
        skills=("POSレジの操作", "売場のPOP作成"),
        appeals=("お客様の目線に立った売場づくりが得意です。", "明るい接客を心がけています。"),
        employment=(3, 6, 1),
    ),
    Archetype(
        jobs=("登録販売者", "ドラッグストアの医薬品販売"),
        occupations=("045",), industries=("60",),
        experiences=("ドラッグストアでの医薬品の販売と接客 {years}年", "調剤薬局併設店での売場管理 {years}年"),
        education=("高等学校卒業", "大学卒業(薬学部中退)"),
        monthly=(200_000, 260_000), hourly=(1_150, 1_400),
        schedules=(("9:00〜21:00の間でシフト", "シフト制 週2日", SHIFT),),
        core=("0222",),
        appeals=("医薬品の相談に丁寧に応じてきました。",),
        employment=(5, 4, 1),
    ),
    Archetype(
        jobs=("ホールスタッフ", "カフェスタッフ", "ホテルのレストラン係"),
        occupations=("056",), industries=("76", "75"),
        experiences=("カフェでの接客・レジ {years}年", "ホテルのレストランで配膳・接客 {years}年", "居酒屋のホール担当 {years}年"),
        education=("高等学校卒業", "専門学校卒業(ホテル学科)", "大学在学中"),
        monthly=(160_000, 220_000), hourly=(1_050, 1_300),
        schedules=(("11:00〜15:00(ランチ)", "平日2日", SHIFT), ("17:00〜23:00", "シフト制 週2日", SHIFT), ("土日のみ", "平日", SHIFT)),
        extra=("0911",),
        skills=("英語での簡単な案内",),
        appeals=("笑顔での接客に自信があります。", "混雑する時間帯でも落ち着いて対応できます。"),
        employment=(2, 7, 1),
    ),
    Archetype(
        jobs=("法人営業", "ルート営業"),
        occupations=("048",), industries=("54", "55", "67"),
        experiences=("事務機器メーカーの法人向けルート営業 {years}年", "損害保険代理店での法人営業 {years}年",
                     "食品卸の量販店向け営業 {years}年"),
        education=("大学卒業(経営学部)", "大学卒業(法学部)", "高等学校卒業"),
        monthly=(240_000, 350_000), hourly=(1_300, 1_700),
        schedules=(("9:00〜18:00", "土日祝", WEEKEND), ("フレックスタイム制", "土日祝", WEEKEND)),
        core=("0104",), extra=("0810", "0812"),
        skills=("提案書の作成", "顧客管理システムの運用"),
        appeals=("既存顧客との関係を長く保つ営業を続けてきました。",),
        employment=(9, 0, 1),
    ),
    Archetype(
        jobs=("施設警備員", "交通誘導警備員"),
        occupations=("059",), industries=("92",),
        experiences=("商業施設の巡回・出入管理 {years}年", "工事現場での交通誘導 {years}年", "オフィスビルの防災センター勤務 {years}年"),
        education=("高等学校卒業", "中学校卒業"),
        monthly=(180_000, 240_000), hourly=(1_100, 1_350),
        schedules=(("日勤 8:00〜17:00", "シフト制 月8日", SHIFT), ("夜勤 20:00〜翌5:00", "シフト制 月8日", SHIFT),
                   ("24時間勤務(隔日)", "隔日勤務", SHIFT)),
        core=("0706", "0705", "0708"), core_share=0.6, extra=("0704", "0104"),
        appeals=("体力には自信があります。夜勤も可能です。",),
        employment=(6, 3, 1),
    ),
    Archetype(
        jobs=("清掃スタッフ", "ビル清掃", "ホテルの客室清掃"),
        occupations=("096",), industries=("92", "75"),
        experiences=("オフィスビルの日常清掃 {years}年", "ホテル客室のベッドメイク {years}年", "病院内の清掃業務 {years}年"),
        education=("高等学校卒業", "中学校卒業"),
        monthly=(150_000, 190_000), hourly=(1_050, 1_200),
        schedules=(("早朝 6:00〜9:00", "土日", WEEKEND), ("9:00〜15:00", "土日", WEEKEND), ("夕方 17:00〜20:00", "シフト制 週2日", SHIFT)),
        appeals=("決められた手順を守り、丁寧に仕上げます。",),
        employment=(2, 7, 1),
    ),
    Archetype(
        jobs=("ビル設備管理", "設備保守スタッフ"),
        occupations=("057",), industries=("69", "92"),
        experiences=("商業ビルの空調・電気設備の点検 {years}年", "マンション管理会社での設備点検 {years}年"),
        education=("工業高等学校卒業(電気科)", "ハロートレーニング(ビル設備管理科)修了"),
        monthly=(210_000, 290_000), hourly=(1_250, 1_550),
        schedules=(("8:30〜17:30", "土日祝", WEEKEND), ("24時間勤務(隔日)", "シフト制 月9日", SHIFT)),
        core=("0613", "0620", "0616"), extra=("0621", "0625", "0623"),
        expertise=("受変電設備の点検、ボイラーの運転管理",),
        appeals=("小さな異常も記録して早めに報告します。",),
        employment=(8, 1, 1),
    ),
    Archetype(
        jobs=("型枠大工", "建設作業員", "鉄筋工"),
        occupations=("090",), industries=("07", "06"),
        experiences=("住宅基礎の型枠工事 {years}年", "マンション新築現場の鉄筋組立 {years}年"),
        education=("高等学校卒業", "工業高等学校卒業(建築科)"),
        monthly=(250_000, 350_000), hourly=(1_400, 1_800),
        schedules=(("8:00〜17:00", "日曜・他月2日", SHIFT), ("8:00〜17:00", "日祝", SHIFT)),
        core=("0118",), core_share=0.7, extra=("0113", "0115", "0104"),
        appeals=("現場の安全確認を欠かさず作業しています。",),
        employment=(9, 0, 1),
    ),
    Archetype(
        jobs=("施工管理", "建築現場の施工管理"),
        occupations=("008",), industries=("06",),
        experiences=("戸建住宅の現場管理(工程・安全・品質) {years}年", "店舗改装工事の施工管理 {years}年"),
        education=("大学卒業(建築学科)", "専門学校卒業(建築科)"),
        monthly=(300_000, 450_000), hourly=(1_800, 2_400),
        schedules=(("8:00〜17:00", "土日(現場による)", SHIFT), ("8:00〜17:00", "日祝", SHIFT)),
        core=("0604", "0603", "0602"), extra=("0104",),
        skills=("CADでの図面修正",),
        expertise=("工程表の作成と協力業者との調整",),
        appeals=("工期を守るための段取りが得意です。",),
        employment=(9, 0, 1),
    ),
    Archetype(
        jobs=("電気工事士", "電気設備工事"),
        occupations=("094",), industries=("08",),
        experiences=("住宅・店舗の屋内配線工事 {years}年", "工場の電気設備の保守工事 {years}年"),
        education=("工業高等学校卒業(電気科)", "職業能力開発校(電気工事科)修了"),
        monthly=(240_000, 340_000), hourly=(1_400, 1_800),
        schedules=(("8:00〜17:00", "日祝・第2土曜", SHIFT), ("8:00〜17:00", "土日祝", WEEKEND)),
        core=("0613", "0612"), extra=("0618", "0114", "0104"),
        appeals=("図面を読み、一人で現場を任されてきました。",),
        employment=(9, 0, 1),
    ),
    Archetype(
        jobs=("倉庫作業(フォークリフト)", "物流センターの入出荷", "ピッキング作業"),
        occupations=("095", "098"), industries=("47", "44"),
        experiences=("物流センターでの入出荷・フォークリフト作業 {years}年", "食品倉庫でのピッキングと検品 {years}年"),
        education=("高等学校卒業", "中学校卒業"),
        monthly=(180_000, 250_000), hourly=(1_100, 1_400),
        schedules=(("8:00〜17:00", "土日", WEEKEND), ("夜勤 22:00〜翌7:00", "シフト制 週2日", SHIFT), ("9:00〜14:00", "土日", WEEKEND)),
        core=("0112",), core_share=0.7, extra=("0118", "0104"),
        skills=("ハンディターミナルでの在庫管理",),
        appeals=("重い荷物の扱いにも慣れています。",),
        employment=(5, 4, 1),
    ),
    Archetype(
        jobs=("配送ドライバー", "ルート配送(2t・4t車)"),
        occupations=("083", "082"), industries=("44",),
        experiences=("食品のルート配送(4t車) {years}年", "宅配便の集配 {years}年", "建材の配送(2t車) {years}年"),
        education=("高等学校卒業",),
        monthly=(230_000, 310_000), hourly=(1_200, 1_500),
        schedules=(("早朝 5:00〜14:00", "日曜・他1日", SHIFT), ("8:00〜17:00", "土日", WEEKEND)),
        core=("0102", "0103"), extra=("0112",),
        appeals=("無事故無違反で運転を続けています。",),
        employment=(8, 1, 1), driver=True,
    ),
    Archetype(
        jobs=("大型トラック運転手", "長距離ドライバー"),
        occupations=("083",), industries=("44",),
        experiences=("大型車での長距離輸送 {years}年", "トレーラーでのコンテナ輸送 {years}年"),
        education=("高等学校卒業", "中学校卒業"),
        monthly=(300_000, 400_000), hourly=(1_500, 1_900),
        schedules=(("夜間運行あり", "シフト制 月8日", SHIFT), ("日帰り運行のみ", "シフト制 月8日", SHIFT)),
        core=("0101",), extra=("0107", "0119", "0112"),
        appeals=("体調管理と安全運転を第一にしています。",),
        employment=(9, 0, 1), driver=True,
    ),
    Archetype(
        jobs=("タクシー乗務員", "送迎ドライバー"),
        occupations=("085",), industries=("43", "85"),
        experiences=("タクシー乗務 {years}年", "デイサービスの送迎運転 {years}年"),
        education=("高等学校卒業", "大学卒業"),
        monthly=(220_000, 320_000), hourly=(1_100, 1_400),
        schedules=(("隔日勤務", "シフト制 月11日", SHIFT), ("日勤 7:00〜16:00", "シフト制 月8日", SHIFT),
                   ("送迎の時間帯のみ", "土日", WEEKEND)),
        core=("0111",), core_share=0.8, extra=("0305",),
        appeals=("地理に詳しく、安全運転を心がけています。",),
        employment=(6, 3, 1), driver=True,
    ),
    Archetype(
        jobs=("製造オペレーター", "工場のライン作業", "機械組立"),
        occupations=("070", "074", "071"), industries=("31", "24", "29"),
        experiences=("自動車部品工場でのNC旋盤操作 {years}年", "電子部品の組立ライン {years}年", "金属プレス加工 {years}年"),
        education=("工業高等学校卒業(機械科)", "高等学校卒業", "ハロートレーニング(機械加工科)修了"),
        monthly=(200_000, 280_000), hourly=(1_150, 1_450),
        schedules=(("2交替制(日勤・夜勤)", "シフト制 週2日", SHIFT), ("8:00〜17:00", "土日(会社カレンダー)", WEEKEND)),
        extra=("0112", "0118", "0115"),
        skills=("ノギス・マイクロメーターでの測定",),
        appeals=("品質のばらつきを減らす工夫を続けてきました。",),
        employment=(7, 2, 1),
    ),
    Archetype(
        jobs=("自動車整備士", "建設機械の整備"),
        occupations=("075",), industries=("89", "90"),
        experiences=("ディーラーでの車検・点検整備 {years}年", "建設機械の点検・修理 {years}年"),
        education=("自動車整備専門学校卒業", "工業高等学校卒業(機械科)"),
        monthly=(230_000, 320_000), hourly=(1_300, 1_600),
        schedules=(("9:00〜18:00", "水曜・他1日", SHIFT), ("9:00〜18:00", "日祝", SHIFT)),
        core=("0104",), extra=("0106", "0113"),
        appeals=("故障の原因を順に確かめて直すことが得意です。",),
        employment=(9, 0, 1),
    ),
    Archetype(
        jobs=("農作業スタッフ", "野菜の収穫・出荷作業"),
        occupations=("064",), industries=("01",),
        experiences=("野菜農家での収穫・出荷調整 {years}年", "ビニールハウスでのトマト栽培 {years}年"),
        education=("農業高等学校卒業", "高等学校卒業"),
        monthly=(170_000, 220_000), hourly=(1_000, 1_200),
        schedules=(("6:00〜15:00", "日曜", SHIFT), ("繁忙期のみ", "天候による", SHIFT)),
        core=("0104",), extra=("0106",),
        appeals=("屋外の作業や早朝からの仕事も苦になりません。",),
        employment=(4, 5, 1),
    ),
    Archetype(
        jobs=("コールセンターのオペレーター", "電話での問い合わせ対応"),
        occupations=("036",), industries=("37", "92"),
        experiences=("通信会社のコールセンターで問い合わせ対応 {years}年", "通販会社での受注電話 {years}年"),
        education=("高等学校卒業", "大学卒業(文学部)"),
        monthly=(180_000, 230_000), hourly=(1_150, 1_450),
        schedules=(("9:00〜18:00", "土日祝", WEEKEND), ("10:00〜16:00", "土日祝", WEEKEND),
                   ("シフト制(土日あり)", "シフト制 週2日", SHIFT)),
        extra=("0901",),
        skills=("タイピング(ブラインドタッチ)",),
        appeals=("話をよく聞き、要点をまとめて記録することが得意です。",),
        employment=(4, 5, 1),
    ),
)

# 求職番号 offices: prefecture code with a weight (more applications in the big prefectures).
OFFICE_PREFECTURES = {
    "13": 10, "27": 7, "14": 6, "23": 6, "11": 5, "12": 5, "01": 4, "40": 4, "28": 4, "22": 3, "26": 3,
    "34": 3, "04": 2, "15": 2, "20": 2, "33": 2, "43": 2, "47": 2, "07": 1, "17": 1, "32": 1, "38": 1, "46": 1,
}
COMMUTES = (("電車", False), ("電車・バス", False), ("自転車", False), ("自家用車", True), ("徒歩", False))
LOCATIONS = ("自宅から通える範囲", "{prefecture}内", "{prefecture}内(転勤なし)", "最寄り駅から電車で1時間以内")
DRIVING_LICENSES = frozenset({f"01{n:02d}" for n in range(1, 12)})  # 0101–0111: the 運転免許 rows


@dataclass(frozen=True)
class DemoProfile:
    """One demo person: the Profile's fields, and the codes of its many-to-many rows."""

    office_prefecture: str
    desired_prefecture: str
    birth_date: datetime.date
    fields: dict
    occupations: tuple[str, ...]
    industries: tuple[str, ...]
    qualifications: tuple[str, ...]


def archetype_for(job: str) -> Archetype:
    """The archetype whose 希望する仕事 includes `job` (for the demo's fixed logins)."""
    return next(a for a in ARCHETYPES if job in a.jobs)


def _round(value: float, step: int) -> int:
    return int(round(value / step) * step)


def demo_profile(rng: random.Random, *, today: datetime.date, prefecture_names: Mapping[str, str],
                 qualification_names: Mapping[str, str], archetype: Archetype | None = None) -> DemoProfile:
    """A person drawn from one archetype (chosen by `rng` unless given), reproducible from the seed.
    The names are the reference rows' (code → name), for the texts that mention them."""
    a = archetype or rng.choice(ARCHETYPES)
    office = rng.choices(list(OFFICE_PREFECTURES), weights=list(OFFICE_PREFECTURES.values()))[0]
    moving = rng.random() < 0.12
    desired = rng.choice([p for p in OFFICE_PREFECTURES if p != office]) if moving else office
    age = rng.randint(20, 64)
    years = rng.randint(1, max(1, min(25, age - 19)))
    birth = today - datetime.timedelta(days=age * 365 + rng.randint(0, 364))

    qualifications = []
    if a.core and rng.random() < a.core_share:
        qualifications.append(rng.choice(a.core))
    qualifications += [code for code in a.extra if rng.random() < 0.35]
    licensed = a.driver or bool(DRIVING_LICENSES & set(qualifications)) or rng.random() < 0.55
    if licensed and not DRIVING_LICENSES & set(qualifications):
        qualifications.append(rng.choice(("0104", "0104", "0105")))
    qualifications = list(dict.fromkeys(qualifications))

    employment = rng.choices((FULL, PART, EITHER), weights=a.employment)[0]
    monthly = _round(rng.uniform(*a.monthly), 10_000)
    hourly = _round(rng.uniform(*a.hourly), 50)
    commute, by_car = rng.choice(COMMUTES) if licensed else rng.choice(COMMUTES[:3] + COMMUTES[4:])
    hours, holidays, weekend = rng.choice(a.schedules)
    wants_regular = {FULL: rng.choice(("yes", "yes", "any")), PART: rng.choice(("no", "any")), EITHER: "any"}
    fields = {
        "desired_job": rng.choice(a.jobs),
        "desired_hours": hours,
        "employment_type": employment,
        "wants_regular": wants_regular[employment],
        "dispatch_ok": rng.random() < 0.2,
        "contract_ok": rng.random() < 0.1,
        "desired_holidays": holidays,
        "two_day_weekend": weekend,
        "desired_location": rng.choice(LOCATIONS).format(prefecture=prefecture_names[desired]),
        "commute_method": commute,
        "commute_limit_minutes": rng.choice((20, 30, 45, 60, 90)),
        "relocation_ok": moving or rng.random() < 0.08,
        "car_commute": by_car,
        "desired_monthly_income": monthly if employment != PART else None,
        "desired_hourly_wage": hourly if employment != FULL else None,
        "education": rng.choice(a.education),
        "has_driving_license": licensed,
        "main_experience": rng.choice(a.experiences).format(years=years),
        "last_monthly_income": (_round(monthly * rng.uniform(0.85, 1.05), 10_000) if employment != PART
                                else _round(hourly * rng.randint(60, 120), 10_000)),
        "expertise": rng.choice(a.expertise) if a.expertise else "",
        "appeal_points": rng.choice(a.appeals) if a.appeals else "",
        "u_i_turn": rng.choice(("u", "i")) if moving and rng.random() < 0.6 else "",
        "overseas_ok": "0911" in qualifications and rng.random() < 0.5,
    }
    # 免許・資格・特技 as a seeker writes it: the qualifications by name, then a skill or two.
    written = [qualification_names[code] for code in qualifications]
    if a.skills and rng.random() < 0.7:
        written.append(rng.choice(a.skills))
    fields["licenses_skills"] = "、".join(written)
    return DemoProfile(
        office_prefecture=office, desired_prefecture=desired, birth_date=birth, fields=fields,
        occupations=(rng.choice(a.occupations),),
        industries=tuple(rng.sample(a.industries, min(len(a.industries), rng.randint(1, 2)))),
        qualifications=tuple(qualifications),
    )
