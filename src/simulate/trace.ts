import type { Evaluable } from '../distribution/model.js';
import type { DiagnosticSink } from '../diagnostics/sink.js';
import type { EvalOutcome } from '../sandbox/session.js';
import type { TraceEvaluation, TraceEvent } from '../types.js';
import type { CallRecorder } from '../mocks/host-api.js';
import type { Purpose } from './evaluator.js';

/** Longest expression text kept per evaluation event. */
const MAX_TRACE_CODE = 200;
/** Longest argument and answer text kept per call event. */
const MAX_TRACE_ARG = 200;
const MAX_TRACE_ANSWER = 500;
/** Longest source address kept (a choice id is input text). */
const MAX_TRACE_SOURCE = 1000;
/** Arguments kept per call. */
const MAX_TRACE_ARGS = 8;

/**
 * Records a profile's evaluations and API calls as plain data (they cross the
 * worker boundary with the result). Bounded: past `maxEvents` nothing more is
 * kept and one TRACE_LIMIT_EXCEEDED diagnostic says so. Only created when a
 * run asks for a trace, so without one the seams pay a single branch.
 */
export class TraceRecorder implements CallRecorder {
  readonly events: TraceEvent[] = [];
  private full = false;
  private last: TraceEvaluation | undefined;
  /** Set by the host while answering a call when the profile had no answer. */
  absent = false;
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly maxEvents: number,
    private readonly sink: DiagnosticSink,
  ) {}

  private push(event: TraceEvent): boolean {
    if (this.events.length >= this.maxEvents) {
      if (!this.full) {
        this.full = true;
        this.sink.report('TRACE_LIMIT_EXCEEDED', `the trace passed ${this.maxEvents} events; later evaluations and calls are not recorded`, {
          args: { maxEvents: this.maxEvents },
        });
      }
      return false;
    }
    this.events.push(event);
    return true;
  }

  /** An evaluation starts; its outcome is filled in by `finished`. */
  starting(ev: Evaluable, purpose: Purpose, target: string | undefined): void {
    const event: TraceEvaluation = {
      kind: 'evaluation',
      source: traceSource(ev.source),
      location: { line: ev.position.line, column: ev.position.column },
      code: cut(ev.code, MAX_TRACE_CODE),
      purpose,
      outcome: { ok: true, type: 'undefined', truthy: false },
    };
    if (purpose === 'choice') {
      const n = this.seen.get(ev.source) ?? 0;
      this.seen.set(ev.source, n + 1);
      event.pass = n + 1;
    }
    if (target !== undefined) event.target = target;
    this.last = this.push(event) ? event : undefined;
  }

  finished(outcome: EvalOutcome): void {
    if (!this.last) return;
    this.last.outcome = outcome.ok
      ? { ok: true, type: outcome.type, truthy: outcome.truthy }
      : { ok: false, error: { kind: outcome.error.kind, name: outcome.error.name, message: cut(outcome.error.message, MAX_TRACE_ANSWER) } };
  }

  /** The boolean the last evaluation became. */
  coerced(value: boolean): void {
    if (this.last) this.last.coerced = value;
  }

  call(evaluation: string | null, op: string, args: string[], answer: () => string | undefined): string | undefined {
    const source = evaluation === null ? null : traceSource(evaluation);
    if (op === 'log') {
      const result = answer();
      this.push({ kind: 'log', source, text: cut(args[0] ?? '', MAX_TRACE_ANSWER) });
      return result;
    }
    this.absent = false;
    const result = answer();
    this.push({
      kind: 'call',
      source,
      op,
      args: args.slice(0, MAX_TRACE_ARGS).map((a) => cut(a, MAX_TRACE_ARG)),
      answer: result === undefined ? null : cut(result, MAX_TRACE_ANSWER),
      absent: this.absent,
    });
    this.absent = false;
    return result;
  }
}

/** A source address as the trace keeps it. */
export function traceSource(source: string): string {
  return cut(source, MAX_TRACE_SOURCE);
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
