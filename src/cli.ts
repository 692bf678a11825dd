/** The distsim executable (bundled as dist/cli.js): see cli/start.ts. */
import './cli/start.js';
