"""Independent values for the collector's metric cross-check: scikit-learn and SciPy on the same data.

Run with Debian's /usr/bin/python3 (python3-sklearn, python3-scipy). Reads the test's JSON on stdin,
prints JSON on stdout.
"""
import json
import sys

import numpy as np
from scipy.spatial.distance import jensenshannon
from scipy.stats import t as student_t
from scipy.stats import ttest_ind
from sklearn.metrics import (
    accuracy_score,
    label_ranking_average_precision_score,
    mean_absolute_error,
    ndcg_score,
    top_k_accuracy_score,
)

data = json.load(sys.stdin)
out = {}

single = data["single"]
classes = single["classes"]
y_true = [classes.index(c) for c in single["y_true"]]
scores = np.array(single["scores"])
out["hitAt"] = [float(top_k_accuracy_score(y_true, scores, k=k, labels=list(range(len(classes))))) for k in (1, 2, 3, 4, 5)]
out["accuracy"] = float(accuracy_score(single["y_true"], single["y_pred"]))
# With one relevant label per row, label ranking average precision is the reciprocal rank: MRR.
onehot = np.zeros_like(scores, dtype=int)
onehot[np.arange(len(y_true)), y_true] = 1
out["mrr"] = float(label_ranking_average_precision_score(onehot, scores))

multi = data["multi"]
relevance = np.array(multi["relevance"])
mscores = np.array(multi["scores"])
out["ndcg"] = {str(k): float(ndcg_score(relevance, mscores, k=k)) for k in (3, 5)}

reg = data["regression"]
out["mae"] = float(mean_absolute_error(reg["y_true"], reg["y_pred"]))


def decile_edges(values):
    # NumPy's default quantile (method="linear"), as the collector takes decile edges.
    return np.unique(np.quantile(np.array(values), [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]))


def psi(p, q, eps=1e-4):
    p = np.maximum(np.array(p) / np.sum(p), eps)
    q = np.maximum(np.array(q) / np.sum(q), eps)
    return float(np.sum((q - p) * np.log(q / p)))


num = data["numeric"]
edges = decile_edges(num["ref"])
bins = len(edges) + 1
ref_counts = np.bincount(np.searchsorted(edges, num["ref"], side="left"), minlength=bins)
cur_counts = np.bincount(np.searchsorted(edges, num["cur"], side="left"), minlength=bins)
out["numeric"] = {
    "js": float(jensenshannon(ref_counts, cur_counts, base=2)),
    "psi": psi(ref_counts, cur_counts),
}

cat = data["categorical"]
known = sorted(set(cat["ref"]))
keys = known + ["(other)"]
count = lambda vals: np.array([sum(1 for v in vals if (v if v in known else "(other)") == k) for k in keys])
out["categorical"] = {
    "js": float(jensenshannon(count(cat["ref"]), count(cat["cur"]), base=2)),
    "psi": psi(count(cat["ref"]), count(cat["cur"])),
}

biz = data["business"]
baseline = np.array(biz["baseline"], dtype=float)
welch = {}
for rank, values in biz["ranks"].items():
    a = np.array(values, dtype=float)
    qa = a.var(ddof=1) / len(a)
    qb = baseline.var(ddof=1) / len(baseline)
    df = (qa + qb) ** 2 / (qa**2 / (len(a) - 1) + qb**2 / (len(baseline) - 1))
    diff = float(a.mean() - baseline.mean())
    half = float(student_t.ppf(0.975, df) * np.sqrt(qa + qb))
    # The same statistic as SciPy's Welch test: diff / standard error.
    assert abs(ttest_ind(a, baseline, equal_var=False).statistic - diff / np.sqrt(qa + qb)) < 1e-9
    welch[rank] = {"mean": float(a.mean()), "sd": float(a.std(ddof=1)), "diff": diff, "low": diff - half, "high": diff + half}
out["business"] = {"baselineMean": float(baseline.mean()), "welch": welch}

json.dump(out, sys.stdout)
