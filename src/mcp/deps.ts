/** What every tool module receives. */
import type { LogFn } from '../app/log.js';
import type { App } from '../app/types.js';

export interface ToolDeps {
  app: App;
  log: LogFn;
}
