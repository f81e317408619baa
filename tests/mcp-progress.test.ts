/** Progress forwarding: steps as they come, and a heartbeat between steps that take long. */
import { describe, expect, it } from 'vitest';
import { forwardProgress, PROGRESS_SETTLE_MS, type ToolExtra } from '../src/mcp/progress.js';

interface Sent {
  progress: number;
  total: number;
  message?: string;
}

function fakeExtra(sent: Sent[], token: string | number | null = 7): ToolExtra {
  return {
    _meta: token === null ? undefined : { progressToken: token },
    signal: new AbortController().signal,
    sendNotification: (n: { params: Sent & { progressToken: unknown } }) => {
      expect(n.params.progressToken).toBe(token);
      sent.push({ progress: n.params.progress, total: n.params.total, message: n.params.message });
      return Promise.resolve();
    },
  } as unknown as ToolExtra;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('forwardProgress', () => {
  it('sends a step only when it advances, and nothing without a progress token', () => {
    const none: Sent[] = [];
    expect(forwardProgress(fakeExtra(none, null)).onProgress).toBeUndefined();
    const sent: Sent[] = [];
    const f = forwardProgress(fakeExtra(sent), 60_000);
    const ev = (done: number, message: string) =>
      f.onProgress!({ runId: null, done, total: 3, tenant: 't', message });
    ev(0, 'loading');
    ev(0, 'again');
    ev(1, 'planning');
    f.stop();
    ev(3, 'stored');
    expect(sent.map((s) => [s.progress, s.message])).toEqual([
      [0, 'loading'],
      [1, 'planning'],
    ]);
  });

  it('beats between steps that take long, increasing and below the next step', async () => {
    // Before, a step that took 35 s (the refits of a first checked plan) sent nothing: a client
    // whose timeout only progress resets cancelled the call at 60 s.
    const sent: Sent[] = [];
    const f = forwardProgress(fakeExtra(sent), 40);
    f.onProgress!({ runId: null, done: 1, total: 3, tenant: 't', message: 'planning' });
    await sleep(260);
    f.onProgress!({ runId: null, done: 2, total: 3, tenant: 't', message: 'comparing' });
    f.stop();
    const n = sent.length;
    await sleep(120);
    expect(sent).toHaveLength(n); // nothing after stop
    const beats = sent.slice(1, -1);
    expect(beats.length).toBeGreaterThanOrEqual(2);
    for (const b of beats) {
      expect(b.message).toMatch(/^planning: still working \(\d+ s\)$/);
      expect(b.total).toBe(3);
    }
    const values = sent.map((s) => s.progress);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]);
    expect(Math.max(...beats.map((b) => b.progress))).toBeLessThan(2);
    expect(values.at(-1)).toBe(2);
  });

  it('does not beat after the last step', async () => {
    const sent: Sent[] = [];
    const f = forwardProgress(fakeExtra(sent), 20);
    f.onProgress!({ runId: null, done: 3, total: 3, tenant: 't', message: 'stored' });
    await sleep(120);
    f.stop();
    expect(sent.map((s) => s.progress)).toEqual([3]);
  });
});

describe('forwardProgress finish', () => {
  it('sends progress = total when the last step stopped short, then waits before the result', async () => {
    const sent: Sent[] = [];
    const f = forwardProgress(fakeExtra(sent), 60_000);
    f.onProgress!({ runId: null, done: 0, total: 3, tenant: 't', message: 'loading' });
    f.onProgress!({ runId: null, done: 1, total: 3, tenant: 't', message: 'planning' });
    const t0 = Date.now();
    await f.finish();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(PROGRESS_SETTLE_MS - 5);
    f.stop();
    expect(sent.map((s) => [s.progress, s.total])).toEqual([
      [0, 3],
      [1, 3],
      [3, 3],
    ]);
  });

  it('sends no second final step; 1 of 1 when no step was sent; nothing without a token', async () => {
    const sent: Sent[] = [];
    const f = forwardProgress(fakeExtra(sent), 60_000);
    f.onProgress!({ runId: null, done: 1, total: 1, tenant: 't', message: 'done' });
    await f.finish();
    expect(sent.map((s) => s.progress)).toEqual([1]);
    // A run served from the store has no step to tell: its call still ends on progress = total
    // (a probe's client got no notification at all).
    const served: Sent[] = [];
    await forwardProgress(fakeExtra(served), 60_000).finish();
    expect(served).toEqual([{ progress: 1, total: 1, message: 'done' }]);
    const none: Sent[] = [];
    await forwardProgress(fakeExtra(none, null)).finish();
    expect(none).toEqual([]);
  });

  it("a step's news without a step forward (a followed run stalled) is what the next beats say", async () => {
    const sent: Sent[] = [];
    const f = forwardProgress(fakeExtra(sent), 40);
    f.onProgress!({ runId: 4, done: 1, total: 3, message: 'phase 3: 1/3' });
    f.onProgress!({ runId: 4, done: 1, total: 3, message: 'run 4: stalled' });
    await sleep(200);
    f.stop();
    expect(sent[0]).toEqual({ progress: 1, total: 3, message: 'phase 3: 1/3' });
    expect(sent.length).toBeGreaterThan(1);
    for (const b of sent.slice(1)) expect(b.message).toMatch(/^run 4: stalled: still working/);
  });

  it('drops a step below a heartbeat already sent (progress must increase)', async () => {
    const sent: Sent[] = [];
    const f = forwardProgress(fakeExtra(sent), 20);
    f.onProgress!({ runId: null, done: 1, total: 3, tenant: 't', message: 'a' });
    await sleep(60);
    const beat = sent.at(-1)!.progress;
    expect(beat).toBeGreaterThan(1);
    f.onProgress!({ runId: null, done: 1.25, total: 3, tenant: 't', message: 'b' });
    f.onProgress!({ runId: null, done: 2, total: 3, tenant: 't', message: 'c' });
    f.stop();
    const values = sent.map((s) => s.progress);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]);
    expect(values).not.toContain(1.25);
    expect(values.at(-1)).toBe(2);
  });
});
