// Lint config: typescript-eslint's recommended rules on src, tests and bench.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Node I/O and outside services: never in the pure layers (core, phases, gates, report, plan). */
const NODE_IO = [
  'node:*',
  'fs',
  'path',
  'better-sqlite3',
  'piscina',
  'bullmq',
  'ioredis',
  '@modelcontextprotocol/*',
];
/** The layers below the pure ones (store, app and the two faces). */
const OUTER = ['store', 'app', 'mcp', 'cli'];
/** Import patterns naming a src folder at any depth: '../store/x.js', '../../store/index.js', ... */
const layer = (...folders) => folders.flatMap((f) => [`**/${f}`, `**/${f}/**`]);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'state/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  // ---- determinism: output must not depend on the machine's locale or time zone -------------------
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          // The default locale comes from LANG: under lt_LT 'y' sorts before 'iz'.
          selector: "CallExpression[callee.property.name='localeCompare'][arguments.length<2]",
          message: "Compare by code units (core/stats.ts byCodeUnits) or name the locale ('en').",
        },
        {
          selector:
            'CallExpression[callee.property.name=/^toLocale(String|DateString|TimeString)$/][arguments.length=0]',
          message: "Name the locale (toLocaleString('en-US')): the default one comes from LANG.",
        },
        {
          selector: "NewExpression[callee.object.name='Intl'][arguments.length=0]",
          message:
            "Name the locale (new Intl.Collator('en', ...)): the default one comes from LANG.",
        },
        {
          selector:
            'CallExpression[callee.property.name=/^get(FullYear|Month|Date|Day|Hours|Minutes|Seconds)$/]',
          message: 'Local time depends on TZ: use the getUTC* methods.',
        },
      ],
    },
  },
  // ---- layers: each imports only the ones above it (docs/architecture.md) ----------------------
  // Patterns are gitignore-style and match a folder at any depth ('../../store/x.js' too).
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'src/core is pure: no Node I/O.' },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: NODE_IO, message: 'src/core is pure: no Node I/O, no SQLite, no MCP.' },
            {
              group: [...layer('phases', 'gates', 'report', 'plan'), ...layer(...OUTER)],
              message: 'src/core imports nothing above it.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: 'Use the seeded generator in src/core/random.ts.',
        },
      ],
    },
  },
  {
    files: ['src/plan/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: NODE_IO, message: 'src/plan is pure: no Node I/O, no SQLite, no MCP.' },
            {
              group: [...layer('gates', 'report'), ...layer(...OUTER)],
              message: 'src/plan imports only src/core and src/phases (fitted models, curves).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/phases/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: NODE_IO, message: 'src/phases is pure: no Node I/O, no SQLite, no MCP.' },
            {
              group: [...layer('gates', 'report', 'plan'), ...layer(...OUTER)],
              message: 'src/phases imports only src/core.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/report/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: NODE_IO,
              message: 'src/report is pure (HTML/chart text): no Node I/O, no SQLite, no MCP.',
            },
            {
              group: [...layer('plan'), ...layer(...OUTER)],
              message: 'src/report imports only src/core, src/phases and src/gates.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/gates/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: NODE_IO, message: 'src/gates is pure: no Node I/O, no SQLite, no MCP.' },
            {
              group: [...layer('report', 'plan'), ...layer(...OUTER)],
              message: 'src/gates imports only src/core and src/phases.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/store/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: layer('report', 'plan', 'app', 'mcp', 'cli'),
              message: 'src/store imports only src/core and the phases/gates types.',
            },
            {
              // phases/types.ts is the phase vocabulary (PhaseId, parsePhase): values allowed.
              group: ['**/phases/*', '!**/phases/types.js', ...layer('gates')],
              allowTypeImports: true,
              message:
                'src/store may import the phases/gates types only (import type), and phases/types.js.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/app/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: layer('mcp', 'cli'),
              message: 'src/app serves both faces: it imports neither.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/mcp/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: layer('core', 'phases', 'gates', 'report', 'plan', 'store', 'cli'),
              message:
                'src/mcp imports only src/app (src/app/types.ts re-exports the vocabulary it needs).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: layer('core', 'phases', 'gates', 'report', 'plan', 'store', 'mcp'),
              message:
                'src/cli imports only src/app (src/app/types.ts re-exports the vocabulary it needs).',
            },
          ],
        },
      ],
    },
  },
);
