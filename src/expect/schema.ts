import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Ajv as AjvClass, ErrorObject, ValidateFunction } from 'ajv';
import { packageRoot } from '../package-root.js';
import { pointerSegments, type PathSegment } from './json-path.js';
import type { SpecSource } from './yaml-source.js';
import type { SpecError } from './spec-error.js';

/** Path of the published JSON Schema for expectation files. */
export function expectationSchemaPath(): string {
  return path.join(packageRoot(), 'schemas', 'expectations.schema.json');
}

let validatorCache: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (validatorCache === undefined) {
    // Loaded on first use, as for profiles: ajv costs tens of milliseconds to import and compile.
    const { Ajv } = createRequire(import.meta.url)('ajv') as { Ajv: typeof AjvClass };
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false, strictRequired: false, allowUnionTypes: true, logger: false });
    validatorCache = ajv.compile(JSON.parse(readFileSync(expectationSchemaPath(), 'utf8')) as object);
  }
  return validatorCache;
}

/** Errors located and compared; more would only cost time (the first one in the text is reported). */
const MAX_ERRORS_LOCATED = 64;

/**
 * Validates the data against schemas/expectations.schema.json. Returns the
 * problem that comes first in the text as a SpecError, or undefined.
 */
export function schemaProblem(source: SpecSource): SpecError | undefined {
  const validate = validator();
  if (validate(source.data)) return undefined;
  let best: SpecError | undefined;
  let counted = 0;
  for (const error of validate.errors ?? []) {
    const problem = describe(error, source);
    if (problem === undefined) continue;
    const candidate = source.error(problem.path, problem.message, { key: problem.key });
    if (best === undefined || before(candidate, best)) best = candidate;
    if (++counted >= MAX_ERRORS_LOCATED) break;
  }
  return best ?? source.error([], 'does not match the expectation file schema');
}

function before(a: SpecError, b: SpecError): boolean {
  const la = a.location!;
  const lb = b.location!;
  return la.line < lb.line || (la.line === lb.line && la.column < lb.column);
}

interface Problem {
  path: PathSegment[];
  message: string;
  /** Point at the key rather than the value. */
  key: boolean;
}

function describe(error: ErrorObject, source: SpecSource): Problem | undefined {
  const at = pointerSegments(error.instancePath, source.data);
  const params = error.params as Record<string, unknown>;
  const problem = (message: string, extra: Partial<Problem> = {}): Problem => ({ path: at, message, key: false, ...extra });
  switch (error.keyword) {
    case 'if':
      // Only repeats the errors of the branch taken.
      return undefined;
    case 'required':
      return problem(`missing required property "${String(params.missingProperty)}"`);
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return {
        path: [...at, name],
        message: `unknown property ${JSON.stringify(name.slice(0, 64))}${known.length > 0 ? ` (expected one of: ${known.join(', ')})` : ''}`,
        key: true,
      };
    }
    case 'type':
      return problem(`expected ${article(String(params.type))}, found ${kindOf(error.data)}`);
    case 'enum':
      return problem(`expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, found ${shown(error.data)}`);
    case 'pattern':
      return problem(`${shown(error.data)} does not match /${String(params.pattern)}/`);
    case 'propertyNames':
      return problem(`invalid name ${JSON.stringify(String(params.propertyName).slice(0, 64))}`, { path: [...at, String(params.propertyName)], key: true });
    case 'minItems':
      return problem(`expected at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`);
    case 'maxItems':
      return problem(`more than ${String(params.limit)} items`);
    case 'minLength':
      return problem(params.limit === 1 ? 'must not be empty' : `shorter than ${String(params.limit)} characters`);
    case 'maxLength':
      return problem(`longer than ${String(params.limit)} characters`);
    case 'minProperties':
      return problem(params.limit === 1 ? 'must not be empty' : `expected at least ${String(params.limit)} properties`);
    case 'maxProperties':
      return problem(`more than ${String(params.limit)} properties`);
    case 'uniqueItems':
      return problem(`items ${String(params.j)} and ${String(params.i)} are the same`, { path: [...at, Number(params.i)] });
    default:
      return problem(error.message ?? `fails ${error.keyword}`);
  }
}

function article(types: string): string {
  return types
    .split(',')
    .map((t) => (t === 'object' ? 'a mapping' : t === 'array' ? 'a list' : t === 'null' ? 'null' : `a ${t}`))
    .join(' or ');
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${shown(value)}`;
}

function shown(value: unknown): string {
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'a list' : 'a mapping';
  const text = typeof value === 'string' ? JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value) : String(JSON.stringify(value) ?? value);
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
