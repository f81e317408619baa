/**
 * explain against the tenant's previous explanation on other data (app/explain-history.ts). An
 * autopilot's monthly loop (session 75's probe K) saw meta's ROAS go 4.29 -> 10.45 between two
 * months' explanations with nothing in the answer comparing them; it moved budget on the new
 * figure. Phase 1 here (the check is the same for every phase; phase 1's Ridge fits in
 * milliseconds).
 */
import { describe, expect, it } from 'vitest';
import type { AppContext } from '../src/app/context.js';
import { movedCaveat, planMovedCaveats, sincePrevious } from '../src/app/explain-history.js';
import type { Explanation } from '../src/app/index.js';
import { useTempApp } from './app-helpers.js';

const temp = useTempApp('since');

/** The CSV with revenue raised by `extra` x meta's same-day spend on every row. */
function withMetaEffect(csv: string, extra: number): string {
  const [head, ...rows] = csv.trim().split('\n');
  const cols = head!.split(',');
  const meta = cols.indexOf('meta_spend');
  const revenue = cols.indexOf('revenue');
  return [
    head,
    ...rows.map((r) => {
      const f = r.split(',');
      f[revenue] = (Number(f[revenue]) + extra * Number(f[meta])).toFixed(2);
      return f.join(',');
    }),
  ].join('\n');
}

const roasOf = (e: Explanation, channel: string) =>
  e.channels.find((c) => c.channel === channel)!.roas;

describe('explain since the previous explanation', () => {
  it('a month more of the same data: compared, nothing moved; a changed channel: the caveat', async () => {
    const app = temp.app();
    const full = app.exportTenant('none_books').csv.trim().split('\n');
    const lessAMonth = full.slice(0, full.length - 30).join('\n');
    app.importTenantData({ tenant: 'shop', csv: lessAMonth });
    await app.startPhaseRun({ phase: 1, tenants: ['shop'] }).done;
    const first = await app.explainTenant({ tenant: 'shop', phase: 1, replicates: 10 });
    expect(first.since_previous).toBeUndefined();

    // The next month's export: the same process, 30 rows more.
    app.importTenantData({ tenant: 'shop', csv: full.join('\n'), replace: true });
    const r2 = await app.startPhaseRun({ phase: 1, tenants: ['shop'] }).done;
    const second = await app.explainTenant({ tenant: 'shop', phase: 1, replicates: 10 });
    const s2 = second.since_previous!;
    expect(s2.end).toBe(first.end);
    expect(s2.rows).toBe(first.rows);
    expect(s2.channels.map((c) => c.channel)).toEqual(['google', 'meta']);
    for (const c of s2.channels) {
      expect(c.roas_then).toBe(roasOf(first, c.channel));
      expect(c.roas_now).toBe(roasOf(second, c.channel));
      expect(c.moved).toBe(false);
    }
    expect(second.caveats.some((c) => c.code === 'roas_moved_since_previous')).toBe(false);
    // The same data explained again: the kept explanation, compared with the same previous one.
    const again = await app.explainTenant({ tenant: 'shop', phase: 1, replicates: 10 });
    expect(again.since_previous).toEqual(s2);

    // Meta's same-day effect raised by 3 per unit of spend on every row.
    app.importTenantData({
      tenant: 'shop',
      csv: withMetaEffect(full.join('\n'), 3),
      replace: true,
      acceptChanges: true,
    });
    await app.startPhaseRun({ phase: 1, tenants: ['shop'] }).done;
    const third = await app.explainTenant({ tenant: 'shop', phase: 1, replicates: 10 });
    const s3 = third.since_previous!;
    expect(s3.run_id).toBe(r2.id);
    const meta = s3.channels.find((c) => c.channel === 'meta')!;
    const google = s3.channels.find((c) => c.channel === 'google')!;
    expect(meta.roas_then).toBe(roasOf(second, 'meta'));
    // Phase 1 reads same-day spend: about 3 more per unit of spend (tolerance 0.5).
    expect(meta.roas_now - meta.roas_then).toBeGreaterThan(2.5);
    expect(meta.roas_now - meta.roas_then).toBeLessThan(3.5);
    expect(meta.moved).toBe(true);
    expect(google.moved).toBe(false);
    const caveat = third.caveats.find((c) => c.code === 'roas_moved_since_previous')!;
    expect(caveat.channels).toEqual(['meta']);
    expect(caveat.message).toContain(`run ${r2.id}, data ${second.start} to ${second.end}`);
    expect(caveat.message).toContain(`meta ${meta.roas_then.toFixed(2)} (80% `);
    // After the caveats on the model's quality, before the rest.
    const codes = third.caveats.map((c) => c.code);
    const quality = ['model_fails_threshold', 'not_validated', 'cv_of_another_model'];
    expect(
      codes.slice(0, codes.indexOf('roas_moved_since_previous')).every((c) => quality.includes(c)),
    ).toBe(true);
    // What an MCP client with a channel selection sees: that channel only.
    const view = await app.explainTenantView({
      tenant: 'shop',
      phase: 1,
      channels: ['google'],
      replicates: 10,
    });
    expect(view.since_previous!.channels.map((c) => c.channel)).toEqual(['google']);
    expect(view.caveats.some((c) => c.code === 'roas_moved_since_previous')).toBe(false);
  });
});

describe('sincePrevious (by hand)', () => {
  const e = (roas: number, p80: [number, number] | null): Explanation =>
    ({
      tenant: 't',
      phase: 3,
      rows: 100,
      start: '2024-01-01',
      end: '2024-04-09',
      caveats: [],
      channels: [
        {
          channel: 'a',
          roas,
          intervals: p80 ? { roas: { p80, p95: p80 } } : null,
        },
      ],
    }) as unknown as Explanation;

  it('moved needs both readings outside the other interval and a 25% move', () => {
    // Disjoint intervals, a 30% move: moved.
    expect(sincePrevious(e(2.6, [2.5, 2.7]), e(2, [1.9, 2.1]), 1).channels[0]!.moved).toBe(true);
    // Disjoint intervals, a 10% move: not a reason to hold a budget.
    expect(sincePrevious(e(2.2, [2.15, 2.25]), e(2, [1.95, 2.05]), 1).channels[0]!.moved).toBe(
      false,
    );
    // A 50% move inside the new, wide interval: not moved.
    expect(sincePrevious(e(3, [1.8, 4]), e(2, [1.9, 2.1]), 1).channels[0]!.moved).toBe(false);
    // No interval on either side: not judged.
    expect(sincePrevious(e(3, null), e(2, [1.9, 2.1]), 1).channels[0]!.moved).toBeNull();
    // A sign flip counts as a move of any size.
    const flip = sincePrevious(e(-0.5, [-0.7, -0.3]), e(0.4, [0.3, 0.5]), 7);
    expect(flip.channels[0]!.ratio).toBeCloseTo(-1.25, 12);
    expect(flip.channels[0]!.moved).toBe(true);
    expect(movedCaveat(flip)!.message).toContain('a 0.40 (80% 0.30 to 0.50) -> -0.50');
    expect(movedCaveat(sincePrevious(e(2, null), e(2, null), 1))).toBeNull();
  });
});

describe('planMovedCaveats', () => {
  const e = (roas: number, p80: [number, number], end: string): Explanation =>
    ({
      tenant: 't',
      phase: 3,
      rows: 100,
      start: '2024-01-01',
      end,
      caveats: [],
      channels: [{ channel: 'meta', roas, intervals: { roas: { p80, p95: p80 } } }],
    }) as unknown as Explanation;
  // Run 2 holds the plan's model on the current data; run 1 last month's explanation.
  const store = {
    listRuns: () => [
      { id: 2, tenants: ['t'] },
      { id: 1, tenants: ['t'] },
    ],
    tenantDatasetHash: (id: number) => (id === 2 ? 'now' : 'then'),
    getModels: (id: number) =>
      id === 1
        ? [{ payload: { dataset_hash: 'then', explanation: e(4.29, [3.9, 4.7], '2024-10-31') } }]
        : [],
  };
  const ctx = { store } as unknown as Pick<AppContext, 'store'>;

  it("names a channel whose ROAS moved since last month's explanation (probe s75 K's meta)", () => {
    const [c] = planMovedCaveats(ctx, e(10.45, [9.1, 11.8], '2024-11-30'), 'now', 'explanation');
    expect(c.code).toBe('roas_moved_since_previous');
    expect(c.channels).toEqual(['meta']);
    expect(c.message).toContain(
      '(run 1, data 2024-01-01 to 2024-10-31, 100 rows): meta 4.29 (80% 3.90 to 4.70) -> 10.45',
    );
    expect(planMovedCaveats(ctx, e(4.4, [4.0, 4.8], '2024-11-30'), 'now', 'explanation')).toEqual(
      [],
    );
    expect(planMovedCaveats(ctx, null, 'now', 'explanation')).toEqual([]);
  });
});
