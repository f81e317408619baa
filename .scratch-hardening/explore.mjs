import { createApp } from '/work/main/dist/src/app/index.js';
import { createServer } from '/work/main/dist/src/mcp/server.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { mkdtempSync } from 'node:fs';
const app = createApp({ stateDir: mkdtempSync('/tmp/wv-x-'), workers: 2, log: () => {} });
const logs = [];
const server = createServer({ app, log: (l, m) => logs.push([l, m]) });
const client = new Client({ name: 'x', version: '1' });
const [a, b] = InMemoryTransport.createLinkedPair();
await Promise.all([server.connect(b), client.connect(a)]);
await client.listTools();
const tryCall = async (name, args) => {
  try { const r = await client.callTool({ name, arguments: args }); console.log(name, JSON.stringify(args)?.slice(0,80), '=>', r.isError, JSON.stringify(r.content).slice(0, 400)); }
  catch (e) { console.log(name, JSON.stringify(args)?.slice(0,80), 'THREW', e.code, e.message.slice(0, 300)); }
};
await tryCall('run_phase', { phase: 'x', zzz: 1 });
await tryCall('run_phase', [1, 2]);
await tryCall('run_phase', 'str');
await tryCall('run_phase', null);
await tryCall('list_tenants', JSON.parse('{"__proto__": {"tier": 1}}'));
await tryCall('list_tenants', JSON.parse('{"constructor": 1}'));
await tryCall('get_run', { run_id: 2 ** 60 });
await tryCall('get_run', { run_id: 1e308 });
await tryCall('compare_phases', { a: { phase: 1, run_id: 3 }, b: 'run:99999999999999999' });
await tryCall('import_tenant_data', { tenant: 'acme', path: '/etc/passwd' });
await tryCall('list_runs', { limit: 5, phase: 1, offset: 2 ** 62 });
await tryCall('train_tenant', { tenant: 'extreme_ski_gear', phase: 1, options: { alphas: [1e-6, 1e6], folds: 10 } });
await tryCall('explain_tenant', { tenant: 'extreme_ski_gear', phase: 0 });
console.log(logs);
await client.close(); await app.close();
