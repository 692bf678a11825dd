// Bundles the CLI and its evaluation worker into dist/cli.js and dist/worker.js.
// Node's ESM loader costs ~1 ms per module and yargs, ajv and friends are
// hundreds of them; one file per thread cuts `distsim run` start-up by about a
// fifth (npm run bench measures it). The library (dist/index.js) stays unbundled.
// QuickJS stays external: it loads its .wasm file relative to its own package.
import path from 'node:path';
import { build } from 'esbuild';

// DISTSIM_BUNDLE_OUT bundles into another folder (a scratch build must not replace the dist/ others run).
const outdir = process.env.DISTSIM_BUNDLE_OUT || 'dist';

// plist imports @xmldom/xmldom and xmlbuilder at the top of its modules, so bundled, both were parsed and ran their
// module code at start-up (~40 ms of a cold `run`, 390 KB of source), though only reading or writing a plist uses them.
// These stand-ins for plist's two uses (`new DOMParser()`, `xmlbuilder.create()`) require the packages from plist's own
// folder on first use (as plist's import would find them); the behaviour is the same.
const PLIST_DIR = `${path.sep}node_modules${path.sep}plist${path.sep}`;
const FROM_PLIST = "import { createRequire } from 'node:module'; const load = (name) => createRequire(import.meta.resolve('plist'))(name);";
const LAZY = {
  '@xmldom/xmldom': `${FROM_PLIST} export class DOMParser { constructor(options) { return new (load('@xmldom/xmldom').DOMParser)(options); } }`,
  xmlbuilder: `${FROM_PLIST} export default { create: (...args) => load('xmlbuilder').create(...args) };`,
};
const lazyPlistDependencies = {
  name: 'lazy-plist-dependencies',
  setup(b) {
    b.onResolve({ filter: /^(@xmldom\/xmldom|xmlbuilder)$/ }, (args) =>
      args.kind === 'import-statement' && args.importer.includes(PLIST_DIR) ? { path: args.path, namespace: 'lazy-plist' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-plist' }, (args) => ({ contents: LAZY[args.path], loader: 'js' }));
  },
};

await build({
  entryPoints: { cli: 'src/cli.ts', worker: 'src/runner/worker.ts' },
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  allowOverwrite: true,
  // The entry stays small: it starts an evaluation worker before the rest of the CLI (a separate chunk) loads.
  splitting: true,
  // Chunks sit beside worker.js: the pool finds its worker relative to its own file.
  chunkNames: '[name]-[hash]',
  logLevel: 'warning',
  plugins: [lazyPlistDependencies],
  external: ['quickjs-emscripten', 'quickjs-emscripten-core', '@jitl/*', 'ajv'],
  alias: { 'string-width': './scripts/string-width-lite.mjs' },
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: { js: "import { createRequire as __distsimRequire } from 'node:module'; const require = __distsimRequire(import.meta.url);" },
});
