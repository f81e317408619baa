import { createApp } from '/work/main/dist/src/app/index.js';
import { mkdtempSync } from 'node:fs';
const app = createApp({ stateDir: mkdtempSync('/tmp/wv-r-'), workers: 2, log: () => {} });
const T = ['extreme_ski_gear', 'none_books', 'high_umbrella_rain'];
await app.startPhaseRun({ phase: 0, tenants: T }).done;
let n = 0;
for (let i = 0; i < 300; i++) {
  const h = app.startPhaseRun({ phase: 0, tenants: T, force: true });
  await new Promise((r) => setTimeout(r, (i * 7) % 40));
  app.cancelRun(h.runId);
  const d = await h.done.catch((e) => ({ status: 'threw ' + e.message }));
  if (d.status === 'cancelled') n++;
}
console.log('survived; cancelled', n);
await app.close();
