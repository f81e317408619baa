/**
 * Tool text names the server's state directory by a label, whatever its path holds: the path
 * pattern stops at a space, so "/tmp/p51-sec/st ate, (dir)/reports/..." came out as
 * "…/st ate, (dir)/reports/..." (a home directory with the user's name would show).
 */
import { describe, expect, it } from 'vitest';
import { nameRootInText, scrubPaths } from '../src/mcp/results.js';

describe('scrubPaths with a named root', () => {
  it('names the state directory by its label, and only the whole directory', () => {
    nameRootInText('/Users/jane doe/Library/Application Support/wv state/', '<state dir>');
    expect(
      scrubPaths(
        'cannot write /Users/jane doe/Library/Application Support/wv state/reports/r.html: no space',
      ),
    ).toBe('cannot write <state dir>/reports/r.html: no space');
    // Another directory that starts the same is not the state directory: scrubbed as any path.
    expect(
      scrubPaths('at /Users/jane doe/Library/Application Support/wv state2/x.csv'),
    ).not.toContain('<state dir>');
    // Paths elsewhere keep their last segment only, as before.
    expect(scrubPaths('read /srv/data/in/shop.csv')).toBe('read …/shop.csv');
  });
});
