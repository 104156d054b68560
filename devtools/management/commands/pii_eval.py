"""manage.py pii_eval [--rounds N] [--verbose]

Scores the PII guard on its labelled evaluation set (seekers/tests/data/pii_eval.jsonl): precision and
recall for the rules alone, the rules + dictionary tags, and the rules + the NER model; then the cost per
field in ms (p50/p95) of each, the rules-only cost as the floor and the ratio to it, and the time for one
10,000-character field. Needs no database."""

import resource
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from devtools import pii_eval
from seekers import pii_ner


class Command(BaseCommand):
    help = "Precision/recall and cost per field of the PII guard, rules alone vs rules + NER"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--rounds", type=int, default=3, help="timing rounds over the set (default 3)")
        parser.add_argument("--verbose", action="store_true", help="list the misses and false alarms")

    def handle(self, *args, rounds, verbose, **options):
        data = pii_eval.examples()
        load_s = pii_eval.warm_up()
        positives = sum(1 for example in data if example.pii)
        self.stdout.write(f"eval set: {len(data)} sentences, {positives} with identifying PII, "
                          f"{len(data) - positives} without; model {pii_ner.MODEL} loaded in {load_s:.1f} s")
        self.stdout.write(f"{'mode':<18} {'precision':>9} {'recall':>7} {'TP':>4} {'FP':>4} {'FN':>4} {'TN':>4}")
        for mode in pii_eval.MODES:
            result = pii_eval.score(mode, data)
            self.stdout.write(f"{mode:<18} {result.precision:>9.3f} {result.recall:>7.3f} "
                              f"{result.tp:>4} {result.fp:>4} {result.fn:>4} {result.tn:>4}")
            if verbose:
                for text in result.misses:
                    self.stdout.write(f"    miss:  {text}")
                for text, kinds in result.false_alarms:
                    self.stdout.write(f"    alarm: {text} {kinds}")

        texts = [example.text for example in data]
        self.stdout.write(f"cost per field over {len(texts)} fields x {rounds} rounds, ms "
                          f"(wall clock | CPU of this process), and the ratio to the rules-only floor:")
        floors = {}
        for mode in pii_eval.MODES:
            line = f"  {mode:<18}"
            for clock_name, clock in (("wall", time.perf_counter), ("cpu", time.process_time)):
                timings = pii_eval.cost_ms(mode, texts, rounds, clock=clock)
                p50, p95 = pii_eval.percentile(timings, 50), pii_eval.percentile(timings, 95)
                floor = floors.setdefault(clock_name, (max(p50, 1e-3), max(p95, 1e-3)))
                line += (f" | {clock_name} p50 {p50:7.2f} p95 {p95:7.2f}"
                         f" (x{p50 / floor[0]:,.0f}/x{p95 / floor[1]:,.0f})")
            self.stdout.write(line)

        text = pii_eval.long_text()
        budget = getattr(settings, "PII_NER_MAX_CHARS", pii_ner.DEFAULT_MAX_CHARS)
        rules_ms = pii_eval.cost_ms("rules", [text])[0]
        ner_ms = pii_eval.cost_ms("rules+ner", [text])[0]
        ner_cpu_ms = pii_eval.cost_ms("rules+ner", [text], clock=time.process_time)[0]
        with override_settings(PII_NER_ENABLED=True):
            analysis = pii_ner.analyse(text)
        self.stdout.write(
            f"one {len(text):,}-char field: rules {rules_ms:.0f} ms, rules+ner {ner_ms:.0f} ms wall "
            f"({ner_cpu_ms:.0f} ms CPU); model read {analysis.model_chars:,} chars (budget {budget:,}), "
            f"dictionary tags {analysis.dictionary_chars:,}, no proper noun {analysis.skipped_chars:,}; "
            f"findings {sorted({kind for kind, _ in analysis.findings})}"
        )
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"peak memory of this process (model loaded): {peak_mb:.0f} MB")
