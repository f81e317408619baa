/**
 * Text control columns read as categories (core/csv/categories.ts, parse.ts readCategoryColumn):
 * an `events` column of "na" / "event1" / "event2" becomes one 0/1 control per value.
 */
import { describe, expect, it } from 'vitest';
import { DataError, parseTenantCsv, tenantToCsv, withCanonicalColumns } from '../src/core/csv.js';
import { calendarCategory, categoryColumn, looksCategorical } from '../src/core/csv/categories.js';
import { CLI_OPTION_WORDS } from '../src/core/words.js';
import { useTempApp } from './app-helpers.js';
import { call, connect, text } from './mcp-helpers.js';

/** Event of week i: 'event1' every 13th week, 'event2' every 17th, else the given blank. */
function eventOf(i: number, blank: string): string {
  if (i % 13 === 5) return 'event1';
  if (i % 17 === 3) return 'event2';
  return blank;
}

/**
 * A weekly CSV of `weeks` rows from 2021-01-04: one channel, an events column and revenue that
 * event1 lifts by 600 and event2 by 300 (a fixed wiggle stands for noise). `events` 'text' writes
 * the events as text with `blank` elsewhere; 'dummies' writes the 0/1 columns a person would make
 * by hand (events_event1, events_event2).
 */
function weeklyCsv(weeks: number, events: 'text' | 'dummies', blank = 'na'): string {
  const head =
    events === 'text'
      ? 'date,meta_spend,events,revenue'
      : 'date,meta_spend,events_event1,events_event2,revenue';
  const rows = [head];
  for (let i = 0; i < weeks; i++) {
    const d = new Date(Date.UTC(2021, 0, 4 + 7 * i)).toISOString().slice(0, 10);
    const spend = 100 + ((i * 37) % 50);
    const e = eventOf(i, blank);
    const lift = e === 'event1' ? 600 : e === 'event2' ? 300 : 0;
    const revenue = 2000 + 3 * spend + lift + ((i * 53) % 41) - 20;
    const cells =
      events === 'text' ? [e] : [e === 'event1' ? '1' : '0', e === 'event2' ? '1' : '0'];
    rows.push([d, String(spend), ...cells, String(revenue)].join(','));
  }
  return rows.join('\n') + '\n';
}

describe('looksCategorical and categoryColumn', () => {
  it('reads text with blanks, 0 and missing markers as categories, and any other number as numeric', () => {
    expect(looksCategorical(['na', 'event1', '', '0', '-', 'event2'])).toBe(true);
    expect(looksCategorical(['na', '', '0'])).toBe(false); // nothing but blanks
    expect(looksCategorical(['event1', '1', '0'])).toBe(false); // a number other than 0
    expect(looksCategorical(['1', '2.5'])).toBe(false);
  });

  it('gives one 0/1 column per value, in code-unit order, the blank rows as the baseline', () => {
    const c = categoryColumn('events', ['na', 'b', 'B', '', 'b', '0', 'a']);
    expect(c.baseline).toEqual({ kind: 'blank' });
    expect(c.levels).toBe(3);
    expect(c.indicators.map((i) => i.name)).toEqual(['events_B', 'events_a', 'events_b']);
    expect(Array.from(c.indicators[0].values)).toEqual([0, 0, 1, 0, 0, 0, 0]);
    expect(Array.from(c.indicators[1].values)).toEqual([0, 0, 0, 0, 0, 0, 1]);
    expect(Array.from(c.indicators[2].values)).toEqual([0, 1, 0, 0, 1, 0, 0]);
  });

  it('without blank rows leaves out the most frequent value (ties: the first by code units)', () => {
    const c = categoryColumn('season', ['lo', 'hi', 'hi', 'mid', 'lo', 'hi']);
    expect(c.baseline).toEqual({ kind: 'level', level: 'hi', rows: 3 });
    expect(c.indicators.map((i) => i.name)).toEqual(['season_lo', 'season_mid']);
    const tie = categoryColumn('s', ['b', 'a', 'b', 'a']);
    expect(tie.baseline).toEqual({ kind: 'level', level: 'a', rows: 2 });
    expect(tie.indicators.map((i) => i.level)).toEqual(['b']);
  });
});

describe('parseTenantCsv: text controls', () => {
  it('makes the same series as the 0/1 columns written by hand, and says what it made', () => {
    const parsed = parseTenantCsv(weeklyCsv(120, 'text'), { tenant: 'ev' });
    const byHand = parseTenantCsv(weeklyCsv(120, 'dummies'), { tenant: 'ev' });
    expect(parsed.series.controlNames).toEqual(['events_event1', 'events_event2']);
    expect(tenantToCsv(withCanonicalColumns(parsed.series))).toBe(
      tenantToCsv(withCanonicalColumns(byHand.series)),
    );
    expect(parsed.warnings).toContain(
      'column "events" holds text: it is read as categories: 0/1 controls "events_event1", "events_event2" (1 on the rows with that value); ' +
        'the rows that are empty, 0 or a missing marker such as "na" are the baseline; leave it out with roles.ignore_columns: ["events"]',
    );
    // Blanks written as empty cells or 0 read the same.
    for (const blank of ['', '0', 'NA', 'none']) {
      const other = parseTenantCsv(weeklyCsv(120, 'text', blank), { tenant: 'ev' });
      expect(tenantToCsv(other.series)).toBe(tenantToCsv(parsed.series));
    }
  });

  it('refuses a named text control with more than 20 values, in the words of the face', () => {
    const rows = ['date,meta_spend,campaign,revenue'];
    for (let i = 0; i < 60; i++) {
      const d = new Date(Date.UTC(2021, 0, 4 + 7 * i)).toISOString().slice(0, 10);
      rows.push(`${d},${100 + i},c${i % 21},${1000 + 3 * i}`);
    }
    const csv = rows.join('\n') + '\n';
    const run = () =>
      parseTenantCsv(csv, {
        tenant: 'many',
        fileName: 'f.csv',
        roles: { controlColumns: ['campaign'] },
        words: CLI_OPTION_WORDS,
      });
    expect(run).toThrow(DataError);
    expect(run).toThrow(
      'f.csv, column "campaign": the control column holds text with 21 different values; a text control is read as categories (one 0/1 column per value) ' +
        'and takes at most 20: group the values into fewer kinds, or leave the column out with --ignore campaign',
    );
    // Not named: left out with the plain warning (free text).
    const inferred = parseTenantCsv(csv, { tenant: 'many' });
    expect(inferred.series.controlNames).toEqual([]);
    expect(inferred.warnings).toContain(
      'column "campaign" has no numbers; it is ignored (list it in roles.ignore_columns to silence this warning)',
    );
  });

  it('leaves out unnamed text whose values each appear once, and models it when named', () => {
    const rows = ['date,meta_spend,note,revenue'];
    for (let i = 0; i < 60; i++) {
      const d = new Date(Date.UTC(2021, 0, 4 + 7 * i)).toISOString().slice(0, 10);
      rows.push(`${d},${100 + i},${i % 20 === 7 ? `launch ${i}` : ''},${1000 + 3 * i}`);
    }
    const csv = rows.join('\n') + '\n';
    const inferred = parseTenantCsv(csv, { tenant: 'notes', words: CLI_OPTION_WORDS });
    expect(inferred.series.controlNames).toEqual([]);
    expect(inferred.warnings.join('\n')).toContain(
      'column "note" has no numbers and each of its text values appears on one row only (notes rather than events?); it is ignored: ' +
        'to model each value as an event (a 0/1 control), list it with the other controls in --controls',
    );
    const named = parseTenantCsv(csv, { tenant: 'notes', roles: { controlColumns: ['note'] } });
    expect(named.series.controlNames).toEqual([
      'note_launch 27',
      'note_launch 47',
      'note_launch 7',
    ]);
    expect(Array.from(named.series.controls[2]).reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('leaves out unnamed weekday or month names (the calendar the model has), and models them when named', () => {
    const names = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
    const rows = ['date,meta_spend,weekday,revenue'];
    for (let i = 0; i < 70; i++) {
      const d = new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10);
      rows.push(`${d},${100 + i},${names[i % 7]},${1000 + 3 * i}`);
    }
    const csv = rows.join('\n') + '\n';
    const inferred = parseTenantCsv(csv, { tenant: 'wd', words: CLI_OPTION_WORDS });
    expect(inferred.series.controlNames).toEqual([]);
    expect(inferred.warnings).toContain(
      'column "weekday" holds weekday names, which restate the date: the model has day-of-week terms of its own, so it is ignored; ' +
        'to model it anyway (one 0/1 control per name), list it with the other controls in --controls; to silence this warning list it in --ignore',
    );
    const named = parseTenantCsv(csv, { tenant: 'wd', roles: { controlColumns: ['weekday'] } });
    // Every row has a name, so the most frequent (ties: first by code units, "Fri") is the baseline.
    expect(named.series.controlNames).toEqual([
      'weekday_Mon',
      'weekday_Sat',
      'weekday_Sun',
      'weekday_Thu',
      'weekday_Tue',
      'weekday_Wed',
    ]);
    expect(calendarCategory(['January', 'feb', 'Sept'])).toBe('month');
    expect(calendarCategory(['Monday', 'promo'])).toBeNull();
  });

  it('refuses a value whose column name the file already has, and a number among the text', () => {
    const clash = weeklyCsv(60, 'text').replace(
      'date,meta_spend,events,revenue',
      'date,meta_spend,events,Events_Event1,revenue',
    );
    const withColumn = clash
      .split('\n')
      .map((line, i) => {
        if (i === 0 || line === '') return line;
        const cells = line.split(',');
        cells.splice(3, 0, '0');
        return cells.join(',');
      })
      .join('\n');
    expect(() => parseTenantCsv(withColumn, { tenant: 'clash', fileName: 'c.csv' })).toThrow(
      /c\.csv, row 7, column "events": the value "event1" would name the category column "events_event1", which the file already has/,
    );
    const mixed = weeklyCsv(60, 'text').replace(',na,', ',2,');
    expect(() => parseTenantCsv(mixed, { tenant: 'mixed', fileName: 'm.csv' })).toThrow(
      /m\.csv, row 3, column "events": "na" marks a missing value/,
    );
  });
});

describe('a text control through the app and MCP', () => {
  const { app } = useTempApp('categories');

  it('is imported over MCP as 0/1 controls, exported as them, and read back as the same data', async () => {
    const c = await connect(app());
    let hash: string | undefined;
    try {
      const r = await call(c, 'import_tenant_data', {
        tenant: 'events_mcp',
        csv: weeklyCsv(156, 'text'),
        roles: { control_columns: ['events'] },
      });
      expect(r.isError).toBeFalsy();
      expect(text(r)).toContain('column "events" holds text: it is read as categories');
      const result = r.structuredContent as { controls: string[]; content_hash: string };
      expect(result.controls).toEqual(['events_event1', 'events_event2']);
      // The summary names the controls as it names the channels and weather.
      expect(text(r)).toContain(', weather none, controls events_event1, events_event2.');
      hash = result.content_hash;
    } finally {
      await c.close();
    }
    // Stored as the 0/1 columns: read back from the store, exported and imported again unchanged.
    expect(app().describeTenant('events_mcp').summary.controls).toEqual([
      'events_event1',
      'events_event2',
    ]);
    const exported = app().exportTenant('events_mcp').csv;
    expect(exported.split('\n')[0]).toBe('date,meta_spend,events_event1,events_event2,revenue');
    const again = app().importTenantData({ tenant: 'events_again', csv: exported });
    expect(again.content_hash).toBe(hash);
  });

  it('lets the model see the events: phase 1 beats the same data with the column left out', async () => {
    app().importTenantData({ tenant: 'with_events', csv: weeklyCsv(156, 'text') });
    app().importTenantData({
      tenant: 'without_events',
      csv: weeklyCsv(156, 'text'),
      roles: { ignoreColumns: ['events'] },
    });
    const withEvents = await app().trainTenant({ tenant: 'with_events', phase: 1 });
    const without = await app().trainTenant({ tenant: 'without_events', phase: 1 });
    // The events move revenue by 300-600 where spend moves it by 150: measured 0.03 without the
    // column and 0.99 with it.
    expect(without.mean_r2).toBeLessThan(0.7);
    expect(withEvents.mean_r2).toBeGreaterThan(without.mean_r2 + 0.2);
  });
});
