/**
 * The distsim executable. A `run` that will evaluate on worker threads starts
 * one before the rest of the CLI loads, so its start-up overlaps argument
 * parsing and file reading; a small run evaluates on this thread and starts
 * none (cold start is measured by npm run bench).
 */
import { prewarmWorkers } from '../runner/pool.js';
import { guessRunSize } from './quick-start.js';

// Loading QuickJS here too for a small run was measured and gained nothing: the main thread is busy loading the CLI.
if (guessRunSize(process.argv.slice(2), process.env) === 'large') prewarmWorkers(1);

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
});

const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2));
