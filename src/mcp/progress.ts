/**
 * Progress notifications for long tool calls: when the client sent a progress token, the app's
 * progress events are forwarded as `notifications/progress` tied to the request, with a heartbeat
 * in between (see forwardProgress).
 */
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { ProgressEvent } from '../app/types.js';

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * Longest time without a progress notification while a call runs. Clients cancel a request after
 * a timeout (60 s in the TypeScript SDK) unless progress resets it, and one step of a plan or an
 * explanation can take longer than that: the first checked plan of a 15-channel, 5-year tenant
 * sent nothing for 35 s between "planning" and "stored" (its bootstrap refits).
 */
export const PROGRESS_HEARTBEAT_MS = 10_000;

/**
 * How long a call waits after its last progress notification before it answers. The TypeScript
 * SDK's client handles a notification a microtask later but a response at once: when both arrive
 * in one read (a busy host), the response retires the progress token first and the last
 * notification is dropped as "unknown token" (modelcontextprotocol/typescript-sdk#2580). With a
 * client whose event loop was blocked 20 ms of every 25, 19 of 20 train_tenant calls ended at 0/1
 * and 5 of 10 plans at 1/3; with this wait, none.
 */
export const PROGRESS_SETTLE_MS = 50;

export interface ProgressForwarder {
  /** Pass to the app as `onProgress` (undefined when the client asked for no progress). */
  onProgress: ((e: ProgressEvent) => void) | undefined;
  /**
   * Call before a successful result: sends progress = total when the last notification stopped
   * short of it (1 of 1 when there was none: a run served from the store), then waits
   * PROGRESS_SETTLE_MS so the client reads it before the result.
   */
  finish(): Promise<void>;
  /** Stops forwarding: the token is only valid until the tool result is sent. */
  stop(): void;
}

/**
 * Forwards progress while the request is in flight. The protocol requires progress to increase
 * with every notification, so events that do not exceed the last value sent are dropped (the first one,
 * usually done = 0, is always sent so the client learns the total). When nothing was sent for
 * `heartbeatMs`, a heartbeat repeats the last step's message with "still working" and a progress
 * between that step and the next (done + k/(k+1) on the k-th beat, below the next step's value).
 */
export function forwardProgress(
  extra: ToolExtra,
  heartbeatMs = PROGRESS_HEARTBEAT_MS,
): ProgressForwarder {
  const token = extra._meta?.progressToken;
  if (token === undefined) {
    return { onProgress: undefined, finish: () => Promise.resolve(), stop: () => {} };
  }
  let active = true;
  let lastDone = -1;
  /** The last progress value sent (a heartbeat's included): every notification must exceed it. */
  let lastSent = -1;
  let lastTotal = 0;
  let lastMessage = '';
  let beats = 0;
  let sentAt = Date.now();
  const started = sentAt;
  const send = (progress: number, total: number, message: string | undefined) => {
    sentAt = Date.now();
    lastSent = progress;
    extra
      .sendNotification({
        method: 'notifications/progress',
        params: { progressToken: token, progress, total, message },
      })
      .catch(() => {
        // The client went away; the result (or cancellation) settles the call anyway.
      });
  };
  const onProgress = (e: ProgressEvent) => {
    if (!active || extra.signal.aborted) return;
    if (!(e.done > lastSent)) {
      // No step forward, but news (a followed run stalled): the next heartbeat says it.
      if (e.done === lastDone && e.total === lastTotal && e.message) lastMessage = e.message;
      return;
    }
    lastDone = e.done;
    lastTotal = e.total;
    lastMessage = e.message ?? '';
    beats = 0;
    send(e.done, e.total, e.message);
  };
  const timer = setInterval(
    () => {
      if (!active || extra.signal.aborted || lastDone < 0 || lastDone >= lastTotal) return;
      if (Date.now() - sentAt < heartbeatMs) return;
      beats++;
      const seconds = Math.round((Date.now() - started) / 1000);
      send(
        lastDone + beats / (beats + 1),
        lastTotal,
        `${lastMessage ? `${lastMessage}: ` : ''}still working (${seconds} s)`,
      );
    },
    Math.max(10, Math.floor(heartbeatMs / 4)),
  );
  timer.unref();
  return {
    onProgress,
    finish: async () => {
      if (!active || extra.signal.aborted) return;
      // A call with no step to tell (a run served from the store) still ends on progress = total.
      if (lastDone < 0) send(1, 1, 'done');
      else if (lastSent < lastTotal) send(lastTotal, lastTotal, 'done');
      const wait = PROGRESS_SETTLE_MS - (Date.now() - sentAt);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    },
    stop: () => {
      active = false;
      clearInterval(timer);
    },
  };
}
