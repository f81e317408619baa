/** Entry of a bench module run as a script (`node dist/bench/X.js ...`). */
import { pathToFileURL } from 'node:url';

/**
 * Runs `main` when `moduleUrl` (the caller's import.meta.url) is the file node was started with;
 * an error prints its message alone on stderr and exits 2 (bad options are the usual cause).
 */
export function runAsScript(moduleUrl: string, main: () => void): void {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? '').href) return;
  try {
    main();
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  }
}
