"""Independent values for the version comparison's cross-check: SciPy's exact binomial test (McNemar's exact
test is the binomial test of the discordant pairs at 1/2) and normal distribution, with NumPy on the raw data.

Run with Debian's /usr/bin/python3 (python3-scipy). Reads the test's JSON on stdin, prints JSON on stdout.
"""
import json
import sys

import numpy as np
from scipy.stats import binomtest, norm

data = json.load(sys.stdin)
z = float(norm.ppf(0.975))


def paired(older_right, newer_right):
    a = np.array(older_right, dtype=bool)
    b = np.array(newer_right, dtype=bool)
    n = len(a)
    older_only = int(np.sum(a & ~b))
    newer_only = int(np.sum(~a & b))
    diff = float(np.mean(b.astype(float) - a.astype(float)))
    # The sample variance of the per-request differences (divided by n) is the paired Wald variance.
    d = b.astype(float) - a.astype(float)
    se = float(np.sqrt(np.mean((d - d.mean()) ** 2) / n))
    discordant = older_only + newer_only
    p = 1.0 if discordant == 0 else float(binomtest(newer_only, discordant, 0.5).pvalue)
    return {"n": n, "olderOnly": older_only, "newerOnly": newer_only, "difference": diff,
            "ciLow": diff - z * se, "ciHigh": diff + z * se, "pValue": p}


def unpaired(older_right, newer_right):
    a = np.array(older_right, dtype=float)
    b = np.array(newer_right, dtype=float)
    p1, p2 = a.mean(), b.mean()
    se = float(np.sqrt(p1 * (1 - p1) / len(a) + p2 * (1 - p2) / len(b)))
    diff = float(p2 - p1)
    return {"difference": diff, "ciLow": diff - z * se, "ciHigh": diff + z * se,
            "pValue": float(2 * norm.sf(abs(diff) / se))}


out = {
    "z": z,
    "pairedWeeks": [paired(w["older"], w["newer"]) for w in data["pairedWeeks"]],
    "pairedPooled": paired(sum((w["older"] for w in data["pairedWeeks"]), []),
                           sum((w["newer"] for w in data["pairedWeeks"]), [])),
    "unpaired": unpaired(data["unpaired"]["older"], data["unpaired"]["newer"]),
}
json.dump(out, sys.stdout)
