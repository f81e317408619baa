/**
 * A lift test that no longer fits the tenant's data is named in explain's note by the id it is
 * stored under (`lift list`, `lift remove --id`), not by its position among the tenant's tests:
 * ids count over all tenants, so "lift test 1" named another tenant's test.
 */
import { describe, expect, it } from 'vitest';
import { useTempApp } from './app-helpers.js';

const temp = useTempApp('lift-id');

/**
 * A go-dark test of google on the rows of [from, to] of the CSV, at 2x ROAS, SE 10% (or cutting
 * `share` of the spend at `roas`).
 */
function goDark(csv: string, from: string, to: string, roas = 2, share = 1): string {
  const [header, ...rows] = csv.trim().split('\n');
  const cols = header.split(',');
  const g = cols.indexOf('google_spend');
  let spend = 0;
  for (const r of rows) {
    const cells = r.split(',');
    if (cells[0] >= from && cells[0] <= to) spend += Number(cells[g]);
  }
  const lift = -roas * share * spend;
  return `channel,start_date,end_date,spend_change,incremental_revenue,standard_error\ngoogle,${from},${to},${-share * spend},${lift},${Math.abs(0.1 * lift)}\n`;
}

describe('a lift test skipped by explain', () => {
  it('is named by its stored id', async () => {
    const app = temp.app();
    const books = app.exportTenant('none_books').csv;
    const kitchen = app.exportTenant('none_kitchen').csv;
    app.importTenantData({ tenant: 'other', csv: kitchen });
    app.importTenantData({ tenant: 'shop', csv: books });
    app.addLiftTests({ tenant: 'other', csv: goDark(kitchen, '2023-03-01', '2023-04-25') });
    const added = app.addLiftTests({
      tenant: 'shop',
      csv: goDark(books, '2024-07-01', '2024-08-25'),
    }).added;
    expect(added[0].id).toBe(2);
    // The same shop with its last year cut: the test's window is past its data.
    const [header, ...rows] = books.trim().split('\n');
    const cut = [header, ...rows.filter((r) => r < '2024-01-01')].join('\n') + '\n';
    app.importTenantData({ tenant: 'shop', csv: cut, replace: true, acceptChanges: true });
    const e = await app.explainTenant({ tenant: 'shop', phase: 0, replicates: 0 });
    const note = e.notes.find((n) => n.includes('skipped'));
    expect(note).toMatch(/^lift test #2 \(google 2024-07-01\.\.2024-08-25\) skipped: /);
  });
});

describe('a lift test left partly past the data by a shorter re-import', () => {
  it('is skipped by explain as `lift add` refuses it, and named beside the used one', async () => {
    const app = temp.app();
    const books = app.exportTenant('none_books').csv;
    app.importTenantData({ tenant: 'partial', csv: books });
    const inside = app.addLiftTests({
      tenant: 'partial',
      // Near what the data imply (ROAS about 3.4 there): used, not a conflict.
      csv: goDark(books, '2023-05-01', '2023-06-25', 3.4),
    }).added[0];
    const across = app.addLiftTests({
      tenant: 'partial',
      // Half the spend cut: the days left inside the data still hold that much.
      csv: goDark(books, '2023-12-11', '2024-01-21', 3.4, 0.5),
    }).added[0];
    // The data cut at 2024-01-01: the second test's window now runs 21 days past them.
    const [header, ...rows] = books.trim().split('\n');
    const cut = [header, ...rows.filter((r) => r < '2024-01-01')].join('\n') + '\n';
    const imported = app.importTenantData({
      tenant: 'partial',
      csv: cut,
      replace: true,
      acceptChanges: true,
    });
    expect(imported.warnings.some((w) => w.startsWith(`lift test ${across.id} (google`))).toBe(
      true,
    );
    const e = await app.explainTenant({ tenant: 'partial', phase: 3, replicates: 0 });
    expect(e.calibration?.tests.map((t) => t.start)).toEqual(['2023-05-01']);
    expect(e.notes).toContain(
      `calibrated with ${e.calibration!.tests.filter((t) => t.used).length} of 1 usable lift test(s) (1 more recorded and skipped, named in the notes below): figures are calibrated; uncalibrated_roas shows the model before calibration`,
    );
    const skipped = e.notes.find((n) => n.startsWith(`lift test #${across.id} `));
    expect(skipped).toMatch(/^lift test #\d+ \(google 2023-12-11\.\.2024-01-21\) skipped: /);
    expect(skipped).toContain('ends after');
    expect(inside.id).toBeLessThan(across.id);
  }, 120_000);
});
