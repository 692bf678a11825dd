/** A guest failure, classified (docs/installer-behaviour.md §9). */
export interface GuestError {
  /** `hard-timeout`: the pool's watchdog stopped the worker (the interrupt handler was not polled in time). */
  kind: 'timeout' | 'hard-timeout' | 'out-of-memory' | 'stack-overflow' | 'syntax' | 'exception';
  name: string;
  message: string;
  /** Stack frames, innermost first: the file is the evaluation's label (`script[1]`, `choice[x]@selected`). */
  frames: GuestFrame[];
}

export interface GuestFrame {
  file: string;
  line: number;
  column: number;
  function?: string;
}

const FRAME = /^\s*at (?:(.*?) \((.+):(\d+):(\d+)\)|(.+):(\d+):(\d+))\s*$/;

/** Classifies what `context.dump(error)` returned. Matches messages, not names: QuickJS variants differ. */
export function classifyGuestError(dumped: unknown): GuestError {
  if (dumped === null || dumped === undefined) {
    // A dump that fails is what a heap exhausted to the last byte looks like.
    return { kind: 'out-of-memory', name: 'InternalError', message: 'out of memory', frames: [] };
  }
  if (typeof dumped !== 'object') {
    return { kind: 'exception', name: typeof dumped, message: String(dumped), frames: [] };
  }
  const e = dumped as { name?: unknown; message?: unknown; stack?: unknown };
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const message = typeof e.message === 'string' ? e.message : safeString(dumped);
  const frames = typeof e.stack === 'string' ? parseFrames(e.stack) : [];
  let kind: GuestError['kind'] = 'exception';
  if (message === 'interrupted') kind = 'timeout';
  else if (message === 'out of memory') kind = 'out-of-memory';
  else if (/stack overflow|Maximum call stack size exceeded/.test(message)) kind = 'stack-overflow';
  else if (name === 'SyntaxError') kind = 'syntax';
  return { kind, name, message, frames };
}

function parseFrames(stack: string): GuestFrame[] {
  const frames: GuestFrame[] = [];
  for (const line of stack.split('\n')) {
    const m = FRAME.exec(line);
    if (!m) continue;
    if (m[2] !== undefined) {
      frames.push({ file: m[2], line: Number(m[3]), column: Number(m[4]), ...(m[1] && m[1] !== '<eval>' && { function: m[1] }) });
    } else {
      frames.push({ file: m[5]!, line: Number(m[6]), column: Number(m[7]) });
    }
    if (frames.length >= 8) break;
  }
  return frames;
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return '[unprintable value]';
  }
}
