import path from 'node:path';
import { createRequire } from 'node:module';
import { packageRoot } from './paths.js';

/** The package version: part of every run key (a new release recomputes). */
export const CODE_VERSION: string = (() => {
  const require = createRequire(import.meta.url);
  try {
    return String(
      (require(path.join(packageRoot(), 'package.json')) as { version: string }).version,
    );
  } catch {
    return '0.0.0';
  }
})();
