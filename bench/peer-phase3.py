#!/usr/bin/python3
"""Peer micro-timings for bench/run.ts, with the peer's own functions (bench_peers.py):

  ridge_alpha_search  phase-1 GridSearchCV Ridge (alpha grid, inner TimeSeriesSplit(3)) + refit,
                      on all rows of one tenant's phase-1 + calendar design
  phase3_fold         fit_phase3 on the training rows of the last outer fold (the adstock/Hill
                      coordinate search plus its final alpha-tuned Ridge)
  phase3_tenant       all 5 outer folds of phase 3 for that tenant (fit + predict)

Median wall and process-CPU seconds. Usage:
  peer-phase3.py --peers DIR --csv TENANT.csv [--runs 5] [--fold-runs 3] [--tenant-runs 1]
Prints JSON {name: {wall, cpu, runs}} (seconds).
"""
import argparse
import json
import statistics
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--peers", required=True, help="directory holding bench_peers.py")
ap.add_argument("--csv", required=True)
ap.add_argument("--runs", type=int, default=5)
ap.add_argument("--fold-runs", type=int, default=3)
ap.add_argument("--tenant-runs", type=int, default=1)
a = ap.parse_args()
sys.path.insert(0, a.peers)

import bench_peers as bp  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.model_selection import TimeSeriesSplit  # noqa: E402

df = pd.read_csv(a.csv).sort_values("date").reset_index(drop=True)
weather = bp.DEFAULT_WEATHER
X, y = bp.design(df, "revenue", weather, True, True)
splits = list(TimeSeriesSplit(n_splits=5).split(X))


def timed(fn, runs, warm=True):
    """Median wall and CPU seconds of fn() over runs calls (after one warm-up call if warm)."""
    if warm:
        fn()
    wall, cpu = [], []
    for _ in range(max(1, runs)):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return {"wall": statistics.median(wall), "cpu": statistics.median(cpu), "runs": len(wall)}


def phase3_tenant():
    for tr, te in splits:
        model, X3, _ = bp.fit_phase3(df, y, weather, True, tr)
        model.predict(X3[te])


last_train = splits[-1][0]
out = {
    "rows": int(len(y)),
    "features": int(X.shape[1]),
    "last_fold_train_rows": int(len(last_train)),
    "ridge_alpha_search": timed(lambda: bp.make_model("phase1").fit(X, y), a.runs),
    "phase3_fold": timed(lambda: bp.fit_phase3(df, y, weather, True, last_train), a.fold_runs,
                         warm=False),
    "phase3_tenant": timed(phase3_tenant, a.tenant_runs, warm=False),
}
json.dump(out, sys.stdout)
print()
