/**
 * Shared pieces of the hardening tests: temporary directories, the real app behind an in-memory
 * MCP connection, explicit output-schema validation, and the "clear message" check for errors.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { createApp } from '../src/app/index.js';
import { silentLogger } from '../src/app/log.js';
import { STORE_FILE } from '../src/store/index.js';
import { connect, text, type Connected } from './mcp-helpers.js';

const made: string[] = [];

/** A fresh directory under the OS temp dir (real path, so symlinked /tmp does not matter). */
export function tempDir(prefix: string): string {
  const d = realpathSync(mkdtempSync(path.join(tmpdir(), `wv-hard-${prefix}-`)));
  made.push(d);
  return d;
}

export function removeTempDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export interface RealServer extends Connected {
  stateDir: string;
  tools: Map<string, Tool>;
  /** Throws unless `structured` matches the tool's declared output schema (JSON Schema, ajv). */
  checkOutput(tool: string, structured: unknown): void;
}

/** createApp on a temp state dir, createServer, an SDK client over an in-memory transport. */
export async function connectReal(
  opts: { workers?: number; importDirs?: string[]; stateDir?: string } = {},
): Promise<RealServer> {
  const stateDir = opts.stateDir ?? tempDir('state');
  const app = createApp({
    stateDir,
    workers: opts.workers ?? 2,
    log: silentLogger,
    importDirs: opts.importDirs ?? [],
    // No bootstrap refits: the fuzz explains many times; intervals are tested on their own.
    explainReplicates: 0,
  });
  const c = await connect(app);
  const tools = new Map((await c.client.listTools()).tools.map((t) => [t.name, t]));
  const ajv = new AjvJsonSchemaValidator();
  const validators = new Map(
    [...tools.values()]
      .filter((t) => t.outputSchema)
      .map((t) => [t.name, ajv.getValidator(t.outputSchema as Record<string, unknown>)]),
  );
  return {
    ...c,
    stateDir,
    tools,
    checkOutput(tool, structured) {
      const v = validators.get(tool);
      if (!v) throw new Error(`${tool} declares no output schema`);
      const r = v(structured);
      if (!r.valid) throw new Error(`${tool}: output does not match its schema: ${r.errorMessage}`);
    },
    close: async () => {
      await c.close();
      await app.close();
    },
  };
}

/** Absolute paths the server knows and a client must never see. */
export function serverPaths(...extra: string[]): string[] {
  return [process.cwd(), tmpdir(), realpathSync(tmpdir()), '/work/', ...extra].filter(
    (p) => p.length > 1,
  );
}

/**
 * An error result meant for people: text present, no stack frames, no SQL or SQLite codes, none
 * of the server's absolute paths. Returns the text.
 */
export function expectCleanError(r: CallToolResult, forbiddenPaths: string[]): string {
  if (r.isError !== true) throw new Error(`expected an error result, got ${JSON.stringify(r)}`);
  const t = text(r);
  const problems: string[] = [];
  if (t.trim().length < 10) problems.push('message too short');
  if (/\n\s+at .+[(:]\d+|\bat .+\.(ts|js|mjs|cjs):\d+/.test(t)) problems.push('stack trace');
  if (/\bSQLITE_[A-Z]+|\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b/.test(t))
    problems.push('SQL');
  for (const p of forbiddenPaths) if (t.includes(p)) problems.push(`path ${p}`);
  if (problems.length) throw new Error(`unclear error (${problems.join(', ')}): ${t}`);
  return t;
}

/** PRAGMA integrity_check of a (closed) state directory's store, read-only. */
export function integrityCheck(stateDir: string): string {
  const db = new Database(path.join(stateDir, STORE_FILE), { readonly: true });
  try {
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}
