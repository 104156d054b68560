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
