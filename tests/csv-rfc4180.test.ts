import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsvRecords } from '../src/core/csv/rfc4180.js';

/** Writes one cell the RFC 4180 way: quoted (quotes doubled) when it needs to be. */
function encodeCell(cell: string, forceQuote: boolean): string {
  const needs = forceQuote || /[",\r\n]/.test(cell) || cell !== cell.trim() || cell === '';
  return needs ? `"${cell.replace(/"/g, '""')}"` : cell;
}

const cellArb = fc.string({
  unit: fc.constantFrom('a', 'Z', '1', '.', '-', 'é', ' ', ',', '"', '\n', '\r\n'),
  maxLength: 6,
});
const recordArb = fc.array(
  fc.record({ cell: cellArb, quote: fc.boolean(), pad: fc.constantFrom('', ' ', '  \t') }),
  { minLength: 1, maxLength: 5 },
);
const fileArb = fc.record({
  records: fc.array(recordArb, { minLength: 1, maxLength: 12 }),
  eol: fc.constantFrom('\n', '\r\n', '\r'),
  trailing: fc.boolean(),
  bom: fc.boolean(),
});

describe('readCsvRecords', () => {
  it('agrees with csv-parse and with the line numbers the writer counted, on random valid CSV', () => {
    fc.assert(
      fc.property(fileArb, ({ records, eol, trailing, bom }) => {
        const expectedCells: string[][] = [];
        const expectedLines: number[] = [];
        const out: string[] = [];
        let line = 1;
        for (const record of records) {
          const cells = record.map((r) => r.cell);
          const text = record.map((r) => r.pad + encodeCell(r.cell, r.quote) + r.pad).join(',');
          // The reader drops records whose cells are all empty (blank lines, ",,,").
          if (cells.some((c) => c !== '')) {
            expectedCells.push(cells);
            expectedLines.push(line);
          }
          line += 1 + (cells.join('').match(/\r\n|\r|\n/g) ?? []).length;
          out.push(text);
        }
        const text = (bom ? '\uFEFF' : '') + out.join(eol) + (trailing ? eol : '');
        const result = readCsvRecords(text);
        expect(result).toEqual({ cells: expectedCells, lines: expectedLines });
        const reference = (
          parse(text, {
            bom: true,
            trim: true,
            relax_column_count: true,
            record_delimiter: eol,
          }) as string[][]
        ).filter((r) => r.some((c) => c !== ''));
        expect(reference).toEqual(expectedCells);
      }),
      { numRuns: 400, seed: 20240601 },
    );
  });

  it('reports unclosed quotes at the opening line and text after a closing quote', () => {
    expect(readCsvRecords('a,b\n1,2\n"3,4\n5,6\n')).toEqual({ problem: 'unclosed_quote', line: 3 });
    expect(readCsvRecords('a,b\n"x"y,2\n')).toEqual({ problem: 'text_after_quote', line: 2 });
    expect(readCsvRecords('a,b\n"x\ny" z,2\n')).toEqual({ problem: 'text_after_quote', line: 3 });
  });

  it('keeps a quote inside an unquoted cell as a character', () => {
    expect(readCsvRecords('a,b\n5" tall,2')).toEqual({
      cells: [
        ['a', 'b'],
        ['5" tall', '2'],
      ],
      lines: [1, 2],
    });
  });
});
