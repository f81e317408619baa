/** What every tool module receives. */
import type { LogFn } from '../app/log.js';
import type { App } from '../app/types.js';

export interface ToolDeps {
  app: App;
  log: LogFn;
  /**
   * The protocol version agreed with the client at initialize (server.ts): what a result may
   * carry (resource_link items exist from 2025-06-18 on). Before initialize, the latest.
   */
  protocolVersion: () => string;
}
