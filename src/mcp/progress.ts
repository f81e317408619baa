/**
 * Progress notifications for long tool calls: when the client sent a progress token, the app's
 * progress events are forwarded as `notifications/progress` tied to the request.
 */
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { ProgressEvent } from '../app/types.js';

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface ProgressForwarder {
  /** Pass to the app as `onProgress` (undefined when the client asked for no progress). */
  onProgress: ((e: ProgressEvent) => void) | undefined;
  /** Stops forwarding: the token is only valid until the tool result is sent. */
  stop(): void;
}

/**
 * Forwards progress while the request is in flight. The protocol requires progress to increase
 * with every notification, so events that do not advance `done` are dropped (the first one,
 * usually done = 0, is always sent so the client learns the total).
 */
export function forwardProgress(extra: ToolExtra): ProgressForwarder {
  const token = extra._meta?.progressToken;
  if (token === undefined) return { onProgress: undefined, stop: () => {} };
  let active = true;
  let last = -1;
  const onProgress = (e: ProgressEvent) => {
    if (!active || extra.signal.aborted || !(e.done > last)) return;
    last = e.done;
    extra
      .sendNotification({
        method: 'notifications/progress',
        params: { progressToken: token, progress: e.done, total: e.total, message: e.message },
      })
      .catch(() => {
        // The client went away; the result (or cancellation) settles the call anyway.
      });
  };
  return {
    onProgress,
    stop: () => {
      active = false;
    },
  };
}
