// Bundles the CLI and its evaluation worker into dist/cli.js and dist/worker.js.
// Node's ESM loader costs ~1 ms per module and yargs, ajv and friends are
// hundreds of them; one file per thread cuts `distsim run` start-up by about a
// fifth (npm run bench measures it). The library (dist/index.js) stays unbundled.
// QuickJS stays external: it loads its .wasm file relative to its own package.
import { build } from 'esbuild';

// DISTSIM_BUNDLE_OUT bundles into another folder (a scratch build must not replace the dist/ others run).
const outdir = process.env.DISTSIM_BUNDLE_OUT || 'dist';

await build({
  entryPoints: { cli: 'src/cli/start.ts', worker: 'src/runner/worker.ts' },
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
  external: ['quickjs-emscripten', 'quickjs-emscripten-core', '@jitl/*', 'ajv'],
  alias: { 'string-width': './scripts/string-width-lite.mjs' },
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: { js: "import { createRequire as __distsimRequire } from 'node:module'; const require = __distsimRequire(import.meta.url);" },
});
