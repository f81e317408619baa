/** Checks on the raw decoded text, done before any CSV parsing so bad input is refused cheaply. */
import { CSV_LIMITS, DataError } from './errors.js';

/**
 * Whether `text` is more than `limit` bytes of UTF-8. A UTF-16 code unit is 1 to 3 bytes (a
 * surrogate pair, 2 units, is 4), so the length decides most texts without a scan: a 50 MB text
 * is not even measured.
 */
export function overUtf8Limit(text: string, limit: number): boolean {
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  return Buffer.byteLength(text, 'utf8') > limit;
}

/** Refuses text over CSV_LIMITS.maxChars bytes of UTF-8, without scanning a text far over it. */
export function checkSize(text: string, file: string): void {
  if (overUtf8Limit(text, CSV_LIMITS.maxChars)) {
    const size =
      text.length > CSV_LIMITS.maxChars
        ? `at least ${text.length} bytes`
        : `${Buffer.byteLength(text, 'utf8')} bytes`;
    throw new DataError(
      'too_large',
      file,
      null,
      null,
      `input is ${size} of UTF-8 text; the limit is ${CSV_LIMITS.maxChars} bytes ` +
        `(CSV_LIMITS.maxChars, 20 MiB); import a shorter period or aggregate daily rows to weekly`,
    );
  }
}

// How a UTF-16 byte-order mark looks after the bytes were decoded as UTF-8 (two invalid bytes),
// as Latin-1 (ÿþ or þÿ), or as UTF-16 with the wrong byte order (U+FFFE).
const UTF16_MARK = /^(?:\uFFFD\uFFFD|\u00FF\u00FE|\u00FE\u00FF|\uFFFE)/;
const SAMPLE_CHARS = 4096;

/**
 * Detects text that is not UTF-8 CSV: UTF-16 (a byte-order mark, or NUL in every other character,
 * which is what ASCII in UTF-16 looks like when decoded as UTF-8), binary (any other NUL), and
 * invalid UTF-8 (U+FFFD replacement characters, typically Latin-1 accents).
 */
export function checkEncoding(text: string, file: string): void {
  const sampleLength = Math.min(text.length, SAMPLE_CHARS);
  let nulEven = 0;
  let nulOdd = 0;
  for (let i = 0; i < sampleLength; i++) {
    if (text.charCodeAt(i) === 0) {
      if (i % 2 === 0) nulEven++;
      else nulOdd++;
    }
  }
  const nul = nulEven + nulOdd;
  const alternating =
    nul > 0 && nul >= 0.3 * sampleLength && Math.max(nulEven, nulOdd) >= 0.9 * nul;
  if ((UTF16_MARK.test(text) && nul > 0) || alternating || text.startsWith('\uFFFE')) {
    throw new DataError(
      'utf16',
      file,
      null,
      null,
      'file is UTF-16; save it as UTF-8 (in Excel: Save As > "CSV UTF-8 (Comma delimited)")',
    );
  }
  if (nul > 0 || text.indexOf('\0', sampleLength) >= 0) {
    throw new DataError(
      'binary',
      file,
      null,
      null,
      'file contains NUL characters, so it is binary (e.g. .xlsx), not CSV text; export the sheet as a UTF-8 .csv file',
    );
  }
  const bad = text.indexOf('\uFFFD');
  if (bad >= 0) {
    throw new DataError(
      'not_utf8',
      file,
      lineOf(text, bad),
      null,
      'text is not valid UTF-8 (it has a U+FFFD replacement character, typically a Latin-1 or ' +
        'Windows-1252 accent such as "é"); save the file as UTF-8',
    );
  }
}

/** 1-based line number of character `index` (line breaks LF, CRLF or a lone CR, as in rfc4180.ts). */
export function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) line++;
  }
  return line;
}

/** True when the text has nothing but whitespace and a byte-order mark. */
export function isBlank(text: string): boolean {
  return /^[\s\uFEFF]*$/.test(text);
}

/**
 * Refuses more than CSV_LIMITS.maxRows data rows before parsing, counting non-blank lines after
 * the first (a quoted cell spanning lines counts once per line, so this can only over-count).
 */
export function checkRowLimit(text: string, file: string): void {
  let lines = 0;
  let content = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      if (content) lines++;
      content = false;
    } else if (!content && c !== 13 && c !== 32 && c !== 9 && c !== 0xfeff) {
      content = true;
    }
  }
  if (content) lines++;
  const dataRows = lines - 1;
  if (dataRows > CSV_LIMITS.maxRows) throw tooManyRows(file, dataRows);
}

export function tooManyRows(file: string, dataRows: number): DataError {
  return new DataError(
    'too_many_rows',
    file,
    null,
    null,
    `file has ${dataRows} data rows; the limit is ${CSV_LIMITS.maxRows} (CSV_LIMITS.maxRows); ` +
      'import a shorter period or aggregate daily rows to weekly',
  );
}
