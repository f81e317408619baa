/** Persistence layer (better-sqlite3): public entry point of src/store. */
export { openStore, Store, STORE_FILE, INTERRUPTED_ERROR, type StoreOptions } from './store.js';
export { DatasetExistsError, StoreBusyError, StoreError } from './errors.js';
export { makeDirs } from './dirs.js';
export { contentHash, canonicalJson, compareTenantIds, runKey, type RunKeyParts } from './hash.js';
export { encodeJson, decodeJson } from './json.js';
export { resolveStateDir, findPackageRoot, STATE_DIR_ENV, PACKAGE_NAME } from './paths.js';
export { MIGRATIONS, SCHEMA_VERSION } from './schema.js';
export type * from './records.js';
