/** run_phase's signal: the reason a waiting run records when its request ends early. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../src/app/types.js';
import { runSignal } from '../src/mcp/tools/run-phase.js';

async function reasonOf(connected: boolean, reason?: unknown): Promise<unknown> {
  const request = new AbortController();
  const signal = runSignal(request.signal, () => connected);
  if (reason === undefined) request.abort();
  else request.abort(reason);
  // The reason is decided a microtask later (the SDK drops its transport after aborting).
  expect(signal.aborted).toBe(false);
  await Promise.resolve();
  expect(signal.aborted).toBe(true);
  return signal.reason;
}

describe('runSignal', () => {
  it("records the client's reason when the client cancelled the request", async () => {
    const r = await reasonOf(true, 'McpError: MCP error -32001: Request timed out');
    expect(r).toBeInstanceOf(AppError);
    expect((r as AppError).code).toBe('cancelled');
    expect((r as AppError).message).toBe(
      'cancelled by the client (notifications/cancelled: McpError: MCP error -32001: Request timed out)',
    );
    expect(((await reasonOf(true)) as AppError).message).toBe(
      'cancelled by the client (notifications/cancelled)',
    );
  });

  it('says the connection closed when the server lost its transport (client gone, shutdown)', async () => {
    const r = (await reasonOf(false)) as AppError;
    expect(r.code).toBe('cancelled');
    expect(r.message).toMatch(/^cancelled: the MCP connection closed before the run finished/);
  });

  it('an already aborted request gives an aborted signal too', async () => {
    const request = new AbortController();
    request.abort('gone');
    const signal = runSignal(request.signal, () => true);
    await Promise.resolve();
    expect((signal.reason as AppError).message).toBe(
      'cancelled by the client (notifications/cancelled: gone)',
    );
  });
});
