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

export interface ProgressForwarder {
  /** Pass to the app as `onProgress` (undefined when the client asked for no progress). */
  onProgress: ((e: ProgressEvent) => void) | undefined;
  /** Stops forwarding: the token is only valid until the tool result is sent. */
  stop(): void;
}

/**
 * Forwards progress while the request is in flight. The protocol requires progress to increase
 * with every notification, so events that do not advance `done` are dropped (the first one,
 * usually done = 0, is always sent so the client learns the total). When nothing was sent for
 * `heartbeatMs`, a heartbeat repeats the last step's message with "still working" and a progress
 * between that step and the next (done + k/(k+1) on the k-th beat, below the next step's value).
 */
export function forwardProgress(
  extra: ToolExtra,
  heartbeatMs = PROGRESS_HEARTBEAT_MS,
): ProgressForwarder {
  const token = extra._meta?.progressToken;
  if (token === undefined) return { onProgress: undefined, stop: () => {} };
  let active = true;
  let lastDone = -1;
  let lastTotal = 0;
  let lastMessage = '';
  let beats = 0;
  let sentAt = Date.now();
  const started = sentAt;
  const send = (progress: number, total: number, message: string | undefined) => {
    sentAt = Date.now();
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
    if (!active || extra.signal.aborted || !(e.done > lastDone)) return;
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
    stop: () => {
      active = false;
      clearInterval(timer);
    },
  };
}
