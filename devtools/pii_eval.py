"""The PII guard's labelled evaluation set (seekers/tests/data/pii_eval.jsonl) scored three ways: the rules
alone, the rules + the dictionary's person/place tags (what text past the NER budget gets), and the rules +
the NER model; and the cost per field of each. Used by `manage.py pii_eval` and by the test that holds the
README's figures."""

import json
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from django.test.utils import override_settings

from seekers import pii, pii_ner

EVAL_SET = Path(__file__).resolve().parents[1] / "seekers" / "tests" / "data" / "pii_eval.jsonl"

MODES = {
    "rules": {"PII_NER_ENABLED": False},
    "rules+dictionary": {"PII_NER_ENABLED": True, "PII_NER_MAX_CHARS": 0},
    "rules+ner": {"PII_NER_ENABLED": True},
}


@dataclass(frozen=True)
class Example:
    text: str
    pii: bool
    kinds: tuple[str, ...]


@dataclass
class Score:
    mode: str
    tp: int
    fp: int
    fn: int
    tn: int
    misses: list
    false_alarms: list

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def examples(path: Path = EVAL_SET) -> list[Example]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Example(row["text"], row["pii"], tuple(row["kinds"])) for row in rows]


def kinds_found(text: str, mode: str) -> set[str]:
    with override_settings(**MODES[mode]):
        return {finding.kind for finding in pii.detect(text)}


def score(mode: str, data: list[Example] | None = None) -> Score:
    """A sentence counts as flagged when the guard returns any finding for it."""
    tp = fp = fn = tn = 0
    misses, false_alarms = [], []
    for example in data or examples():
        found = kinds_found(example.text, mode)
        if example.pii and found:
            tp += 1
        elif example.pii:
            fn += 1
            misses.append(example.text)
        elif found:
            fp += 1
            false_alarms.append((example.text, sorted(found)))
        else:
            tn += 1
    return Score(mode, tp, fp, fn, tn, misses, false_alarms)


def cost_ms(mode: str, texts: list[str], rounds: int = 1, clock=time.perf_counter) -> list[float]:
    """Milliseconds per field (pii.detect on one text), every text `rounds` times; wall clock by default,
    time.process_time for the CPU this process spent (steadier on a shared machine)."""
    timings = []
    with override_settings(**MODES[mode]):
        for _ in range(rounds):
            for text in texts:
                start = clock()
                pii.detect(text)
                timings.append((clock() - start) * 1000)
    return timings


def percentile(values: list[float], pct: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def long_text(chars: int = 10_000) -> str:
    """A 10,000-character free text dense in names and places, the worst case for the budget."""
    unit = "2015年から田中工業株式会社で営業を担当し、大阪府と兵庫県の顧客を回りました。上司の佐藤部長に学びました。"
    text = (unit * (chars // len(unit) + 1))[: chars - 20]
    return text + "最後に、私は山田太郎と申します。"


def warm_up() -> float:
    """Load the model (once per process); seconds it took."""
    start = time.perf_counter()
    pii_ner.model()
    return time.perf_counter() - start
