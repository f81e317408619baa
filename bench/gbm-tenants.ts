/**
 * Accuracy of our GBM against XGBoost on the 20 built-in tenants: fold-mean test R² of our GBM
 * (GBM_DEFAULTS, 200 trees, no early stopping) on the peer's phase-1 + calendar design, beside
 * the committed peer numbers (tests/fixtures/gbm-tenants/peer_gbm.json: XGBoost hist and
 * scikit-learn HistGradientBoosting, from bench_peers.py --calendar). Prints a table and the
 * Done-when check: ours >= xgb - 0.01 per tenant and on average.
 *
 * Usage: npm run build && node dist/bench/gbm-tenants.js
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BUILTIN_TENANT_IDS } from '../src/core/data/index.js';
import { ourGbmFoldR2 } from '../tests/fixtures/gbm-tenants/our-gbm.js';

interface PeerFile {
  tenants: Record<string, Record<string, { fold_r2: number[]; mean_r2: number }>>;
}

const TOLERANCE = 0.01;

function main(): void {
  const root = process.cwd();
  const peer = JSON.parse(
    readFileSync(join(root, 'tests/fixtures/gbm-tenants/peer_gbm.json'), 'utf8'),
  ) as PeerFile;
  const mean = (x: number[]): number => x.reduce((a, b) => a + b, 0) / x.length;
  const ours: number[] = [];
  const xgb: number[] = [];
  const hgb: number[] = [];
  let failures = 0;
  const started = performance.now();
  console.log('tenant                  ours     xgb      hgb      ours-xgb');
  for (const id of BUILTIN_TENANT_IDS) {
    const o = mean(ourGbmFoldR2(id));
    const x = peer.tenants[id].gbm_xgb.mean_r2;
    const h = peer.tenants[id].gbm_hgb.mean_r2;
    ours.push(o);
    xgb.push(x);
    hgb.push(h);
    const ok = o >= x - TOLERANCE;
    if (!ok) failures++;
    console.log(
      `${id.padEnd(22)} ${o.toFixed(4).padStart(7)} ${x.toFixed(4).padStart(7)} ${h.toFixed(4).padStart(8)} ${(o - x).toFixed(4).padStart(9)}${ok ? '' : '  SHORT'}`,
    );
  }
  const seconds = (performance.now() - started) / 1000;
  const mo = mean(ours);
  const mx = mean(xgb);
  console.log(
    `${'mean'.padEnd(22)} ${mo.toFixed(4).padStart(7)} ${mx.toFixed(4).padStart(7)} ${mean(hgb).toFixed(4).padStart(8)} ${(mo - mx).toFixed(4).padStart(9)}`,
  );
  console.log(
    `${failures} tenant(s) more than ${TOLERANCE} below XGBoost; average ${mo >= mx - TOLERANCE ? 'ok' : 'SHORT'}; ` +
      `100 fits in ${seconds.toFixed(1)} s`,
  );
  if (failures > 0 || mo < mx - TOLERANCE) process.exitCode = 1;
}

main();
