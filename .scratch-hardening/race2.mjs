import { createApp } from '/work/main/dist/src/app/index.js';
import { mkdtempSync } from 'node:fs';
process.on('uncaughtException', (e) => { console.log('UNCAUGHT', e.stack.slice(0, 1500)); process.exit(3); });
const app = createApp({ stateDir: mkdtempSync('/tmp/wv-r-'), workers: 2, log: () => {} });
const T = ['extreme_ski_gear', 'none_books', 'high_umbrella_rain'];
const t0 = Date.now();
let i = 0;
while (Date.now() - t0 < 40000) {
  i++;
  const jobs = [];
  for (let k = 0; k < 6; k++) {
    const c = new AbortController();
    const tenant = T[(i + k) % 3];
    const p = k % 3 === 0 ? app.trainTenant({ tenant, phase: k % 2 }, { signal: c.signal })
      : k % 3 === 1 ? app.explainTenant({ tenant, phase: 0 }, { signal: c.signal })
      : app.startPhaseRun({ phase: 0, tenants: [tenant], force: true }, { signal: c.signal }).done;
    jobs.push(p.catch(() => {}));
    setTimeout(() => c.abort(), Math.floor(Math.random() * 25));
  }
  await Promise.all(jobs);
}
console.log('survived', i);
await app.close();
