// The lint tier (`npm run lint`, part of `npm test`): typescript-eslint's recommended rules (syntax only, no
// type information: tsc already type-checks, and this keeps the tier fast), the import boundaries between the
// folders of src/ (README, "How it is built"), and no source file over 500 lines.
//
// Boundaries are checked on the import string. A relative import names a top-level folder of src/ by its name
// after the leading "../"s (`../core/x`, `../../providers/types`); the top-level folder names below are not reused
// by any subfolder, so the name alone says which folder is meant. Every form of import is checked: `import`,
// `import type`, `export … from`, `import x = require()`; for vscode and the SDKs also `require()`, `import()`
// and `typeof import()`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const FOLDERS = ['core', 'flow', 'providers', 'protocol', 'webview-ui', 'sandbox', 'hsm', 'cli', 'extension'];
const SDKS = ['^@aws-sdk/', '^@smithy/'];

// A relative import that reaches the given top-level folder of src/ (optionally a path inside it).
const folder = (name, rest = '') => `^(\\.\\./)+${name}${rest}(/|$)`;

// no-restricted-imports needs ONE option object per file (a later config block replaces, not merges, an earlier
// one), so each folder's whole rule is written out here.
function boundary(files, { message, bare = [], folders = [], extra = [], onlyBare = false }) {
  const patterns = [
    ...bare.map((re) => ({ regex: re, message })),
    ...folders.map((f) => ({ regex: folder(f), message })),
    ...extra,
  ];
  if (onlyBare) patterns.push({ regex: '^[^.]', message });
  return {
    files,
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: onlyBare ? [] : [{ name: 'vscode', message: 'Only src/extension imports vscode. ' + message }],
        patterns,
      }],
    },
  };
}

function lazyLoads(files, ignores, re, message) {
  const m = `/${re.replace(/\//g, '\\/')}/`;
  return {
    files, ignores,
    rules: {
      'no-restricted-syntax': ['error',
        { selector: `CallExpression[callee.name='require'] > Literal.arguments[value=${m}]`, message },
        { selector: `ImportExpression > Literal.source[value=${m}]`, message },
        { selector: `TSImportType > Literal.source[value=${m}]`, message },
      ],
    },
  };
}

const others = (...allowed) => FOLDERS.filter((f) => !allowed.includes(f));

export default tseslint.config(
  { ignores: ['dist/**', 'media/**', 'node_modules/**', '.test-output/**', '.vscode-test/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      // tsc's noUnusedLocals (both tsconfigs) reports the same, and this rule was 40% of the tier's time.
      '@typescript-eslint/no-unused-vars': 'off',
      // Matching control characters is the point where it is used (manifest fields and file names refuse them,
      // the log redactor's placeholders are \u0001-delimited).
      'no-control-regex': 'off',
    },
  },

  // --- Import boundaries (README "How it is built": what each folder may import) ---
  boundary(['src/core/**/*.ts'], {
    message: 'src/core is pure domain code: it imports no vscode, no SDK and no other folder of src/.',
    bare: SDKS, folders: others('core'),
  }),
  boundary(['src/flow/**/*.ts'], {
    message: 'src/flow imports src/core and the provider interface (src/providers/types) only: no vscode, no SDK.',
    bare: SDKS, folders: others('core', 'flow', 'providers'),
    extra: [{ regex: folder('providers', '/(?!types$)[^/]+'), message: 'src/flow uses the KmsProvider interface (providers/types), never an implementation.' }],
  }),
  boundary(['src/providers/**/*.ts'], {
    message: 'src/providers implements KmsProvider over src/core and the SDKs: no vscode, no other folder of src/.',
    folders: others('core', 'providers'),
  }),
  boundary(['src/providers/types.ts'], {
    message: 'The provider interface (src/providers/types.ts) imports src/core only.',
    onlyBare: true, folders: others('core'), extra: [{ regex: '^\\./', message: 'The provider interface (src/providers/types.ts) imports src/core only.' }],
  }),
  boundary(['src/protocol/**/*.ts'], {
    message: 'src/protocol is browser-safe: it imports itself and src/core only (types; values from core/steps and core/specs).',
    onlyBare: true, folders: others('core', 'protocol'),
    extra: [{
      regex: folder('core', '/(?!(steps|specs)$)[^/]+'), allowTypeImports: true,
      message: 'src/protocol may import types from any of src/core, values only from core/steps and core/specs (pure constants, safe in a browser).',
    }],
  }),
  boundary(['src/webview-ui/**/*.ts'], {
    message: 'src/webview-ui runs in the browser: it imports its own files and src/protocol only.',
    onlyBare: true, folders: others('webview-ui', 'protocol'),
  }),
  boundary(['src/sandbox/**/*.ts'], {
    message: 'src/sandbox (the local KMS) imports src/core only: no vscode, not the extension, CLI, flow or providers.',
    folders: others('core', 'sandbox'),
  }),
  boundary(['src/hsm/**/*.ts'], {
    message: 'src/hsm imports src/core and the flow/provider types: no vscode, not the extension, CLI or sandbox.',
    folders: ['extension', 'cli', 'sandbox', 'protocol', 'webview-ui'],
  }),
  boundary(['src/cli/**/*.ts'], {
    message: 'src/cli runs without VS Code: no vscode, not the extension or the webviews.',
    folders: ['extension', 'protocol', 'webview-ui'],
  }),
  {
    files: ['src/extension/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{ regex: folder('webview-ui'), message: 'The browser code (src/webview-ui) is bundled on its own; the host talks to it through src/protocol.' }],
      }],
    },
  },

  // The same for loads the rule above does not see: require(), import() and `typeof import()` (the code base loads
  // chunks and heavy modules lazily that way).
  lazyLoads(['src/**/*.ts'], ['src/extension/**'], '^vscode$', 'Only src/extension loads vscode.'),
  lazyLoads(['src/core/**/*.ts', 'src/flow/**/*.ts'], [], '^(vscode$|@aws-sdk/|@smithy/)', 'src/core and src/flow load neither vscode nor an SDK.'),

  // --- No source file over 500 lines (blank lines and comments count: the limit is on what a reader scrolls) ---
  {
    files: ['src/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 500, skipBlankLines: false, skipComments: false }] },
  },
);
