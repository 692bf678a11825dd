/**
 * The distsim executable. For `run`, one evaluation worker starts before the
 * rest of the CLI loads, so its WebAssembly compilation overlaps argument
 * parsing and file reading (cold start is measured by npm run bench).
 */
import { prewarmWorkers } from './runner/pool.js';

if (process.argv[2] === 'run') prewarmWorkers(1);

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
});

const { main } = await import('./cli/main.js');
process.exitCode = await main(process.argv.slice(2));
