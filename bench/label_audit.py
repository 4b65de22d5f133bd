"""SQuAD 2.0 questions labelled unanswerable that their distractor sentence answers as asked (session 28's audit).

bench/data/squad_label_audit.jsonl holds ids and verdicts only (no SQuAD text): "hand", the calibration article's
unanswerable questions that answers-v12 answered at P >= 0.9, read by hand; "helper", every unanswerable question of
the 4 training articles with a distractor sentence, read by a helper agent with the same test, and (session 29) the
calibration article's other 118 unanswerable questions, read against the whole article (2 answered as asked: 26 of its
149 in all). bench/answerability.py --why counts their misses apart and --audited counts them as answerable;
bench/answer_data.py --audited trains the training articles' ones as answers.
"""

from __future__ import annotations

from bench.datasets import ROOT, read_jsonl

AUDIT = ROOT / "bench" / "data" / "squad_label_audit.jsonl"
MISLABELLED = frozenset(r["id"] for r in read_jsonl(AUDIT) if r["answered_as_asked"])
