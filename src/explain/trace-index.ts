import { traceSource } from '../simulate/trace.js';
import type { TraceCall, TraceEvaluation, TraceEvent } from '../types.js';

/**
 * The last evaluation of each source (and of each source per bound volume)
 * in a trace, found in one pass, so explaining many outcomes stays linear in
 * the trace instead of scanning it once per outcome.
 */
export class TraceIndex {
  private readonly last = new Map<string, number>();

  constructor(readonly events: TraceEvent[]) {
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (e.kind !== 'evaluation') continue;
      this.last.set(key(e.source, undefined), i);
      if (e.target !== undefined) this.last.set(key(e.source, e.target), i);
    }
  }

  /** Index of the last evaluation of `source` (bound to volume `target` when given). */
  lastOf(source: string, target?: string): number | undefined {
    return this.last.get(key(traceSource(source), target));
  }

  evaluation(index: number): TraceEvaluation {
    return this.events[index] as TraceEvaluation;
  }

  /** The calls and log lines the evaluation at `index` made (the events up to the next evaluation). */
  madeBy(index: number): { calls: TraceCall[]; log: string[] } {
    const calls: TraceCall[] = [];
    const log: string[] = [];
    for (let j = index + 1; j < this.events.length; j++) {
      const c = this.events[j]!;
      if (c.kind === 'evaluation') break;
      if (c.kind === 'log') log.push(c.text);
      else calls.push(c);
    }
    return { calls, log };
  }
}

function key(source: string, target: string | undefined): string {
  return target === undefined ? source : `${source}\u0000${target}`;
}
