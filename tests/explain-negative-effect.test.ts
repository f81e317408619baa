/**
 * negative_media_effect: a channel credited with a negative contribution (phases 0-2) is a
 * caveat, read first, as phase 3's media_effect_held_at_zero is. It was a note after the figures
 * ("radio: the model attributes a negative contribution (-437823) ... treat as not identified").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { explainText } from '../src/cli/commands/explain.js';
import { weekly4 } from './weekly4-fixture.js';

describe('a negative contribution is a caveat', () => {
  let dir: string;
  let app: App;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'wv-negative-effect-'));
    app = createApp({ stateDir: dir, workers: 1, log: silentLogger });
    app.importTenantData({ tenant: 'wk4', csv: weekly4().csv });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names every channel with a negative contribution, and no note says it again', async () => {
    const e = await app.explainTenant({ tenant: 'wk4', phase: 2, replicates: 0 });
    const negative = e.channels.filter((c) => c.contribution < 0);
    expect(negative.map((c) => c.channel)).toContain('radio');
    const caveat = e.caveats.find((c) => c.code === 'negative_media_effect');
    expect(caveat).toBeDefined();
    expect(caveat!.channels).toEqual(negative.map((c) => c.channel));
    for (const c of e.channels) {
      expect(caveat!.message.includes(`${c.channel} (${Math.round(c.contribution)}, ROAS`)).toBe(
        c.contribution < 0,
      );
    }
    expect(caveat!.message).toContain('not identified');
    expect(e.notes.some((n) => /negative contribution/.test(n))).toBe(false);
    // the CLI prints it first, among the caveats
    const lines = explainText(e).split('\n');
    expect(lines.slice(0, e.caveats.length)).toContain(
      `CAVEAT (negative_media_effect): ${caveat!.message}`,
    );
  }, 120_000);

  it('phase 3 holds such an effect at 0 instead: no negative_media_effect there', async () => {
    const e = await app.explainTenant({ tenant: 'wk4', phase: 3, replicates: 0 });
    expect(e.channels.every((c) => c.contribution >= -1e-6)).toBe(true);
    expect(e.caveats.map((c) => c.code)).not.toContain('negative_media_effect');
  }, 120_000);
});
