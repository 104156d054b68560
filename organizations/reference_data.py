"""Loads the reference code files of organizations/data/ (each names its official source at the
top). Used by a data migration so every database has them, and by tests."""

import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_rows(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines)]


def load_reference_data(apps) -> None:
    """Insert or update every code. Major groups get their bit position in file order."""
    prefecture = apps.get_model("organizations", "Prefecture")
    for row in read_rows("prefectures.csv"):
        prefecture.objects.update_or_create(code=row["code"], defaults={"name": row["name"]})

    for model_name, file_name in (("OccupationGroup", "occupations.csv"), ("IndustryGroup", "industries.csv")):
        model = apps.get_model("organizations", model_name)
        rows = read_rows(file_name)
        majors = [r for r in rows if not r["major_code"]]
        for bit, row in enumerate(majors):
            model.objects.update_or_create(code=row["code"], defaults={"name": row["name"], "bit": bit, "major": None})
        for row in rows:
            if row["major_code"]:
                model.objects.update_or_create(
                    code=row["code"], defaults={"name": row["name"], "major_id": row["major_code"], "bit": None}
                )

    qualification = apps.get_model("organizations", "Qualification")
    for row in read_rows("qualifications.csv"):
        qualification.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "category": row.get("category", "")}
        )


def load_offices(apps) -> None:
    """The Hello Work offices of offices.csv (only rows checked against the source it names)."""
    office = apps.get_model("organizations", "Office")
    for row in read_rows("offices.csv"):
        office.objects.update_or_create(code=row["code"], defaults={
            "prefecture_id": row["prefecture_code"], "name": row["name"], "address": row["address"],
            "phone": row["phone"],
        })


def load_municipalities(apps) -> None:
    """The 全国地方公共団体コード of municipalities.csv, inserted or updated in one statement per batch."""
    municipality = apps.get_model("organizations", "Municipality")
    rows = [municipality(code=r["code"], prefecture_id=r["prefecture_code"], name=r["name"], kana=r["kana"])
            for r in read_rows("municipalities.csv")]
    municipality.objects.bulk_create(rows, batch_size=500, update_conflicts=True, unique_fields=["code"],
                                     update_fields=["prefecture", "name", "kana"])
