/**
 * Opens a report in a real browser: Debian's Chromium driven by playwright-core (never a
 * downloaded browser), headless, a fresh user-data dir per launch. Records console errors, page
 * errors, failed requests and every request made; measures each chart's drawn marks; saves a
 * screenshot; downloads one chart's CSV through its button.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.WV_MMM_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export interface ChartInPage {
  id: string;
  rows: number;
  /** Shapes drawn inside the chart's mark groups (bars, lines, points, areas, texts). */
  marks: number;
  width: number;
  height: number;
}

export interface PageCheck {
  /** Console errors, uncaught page errors and failed requests. */
  errors: string[];
  /** Every URL the page requested (the file itself, and blob: downloads). */
  requests: string[];
  charts: ChartInPage[];
  /** Text of the first chart's CSV download, through its button. */
  csv: string | null;
  screenshot: string;
  /** Headings of the HTML sections (gate, tables, notes). */
  sections: string[];
}

export async function checkInBrowser(file: string, screenshot: string): Promise<PageCheck> {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'wv-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1200, height: 900 },
    acceptDownloads: true,
  });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) =>
      errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`),
    );
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    // Evaluated in the page (strings: the project's TypeScript has no DOM types).
    const charts = (await page.evaluate(`
      Array.from(document.querySelectorAll('figure.chart')).map((f) => {
        const svg = f.querySelector('svg');
        const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
        const marks = f.querySelectorAll(
          'g.role-mark > path, g.role-mark > rect, g.role-mark > line, g.role-mark > text',
        ).length;
        return {
          id: f.getAttribute('data-chart-id') || '',
          rows: Number(f.getAttribute('data-rows')),
          marks,
          width: box.width,
          height: box.height,
        };
      })
    `)) as ChartInPage[];
    const sections = (await page.evaluate(
      `Array.from(document.querySelectorAll('main > section > h2')).map((h) => h.textContent || '')`,
    )) as string[];
    await page.screenshot({ path: screenshot });
    let csv: string | null = null;
    const button = page.locator('button[data-format="csv"]').first();
    if ((await button.count()) > 0) {
      const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
      const saved = await download.path();
      csv = readFileSync(saved, 'utf8');
    }
    return { errors, requests, charts, csv, screenshot, sections };
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}
