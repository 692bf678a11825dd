import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Ajv as AjvClass, ValidateFunction } from 'ajv';
import { builtinProfilesDir } from './builtin-dir.js';

/** A JSON Schema node as found in `profiles/schema.json` (draft-07 subset). */
export interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  required?: string[];
  allOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  else?: SchemaNode;
  pattern?: string;
  definitions?: Record<string, SchemaNode>;
  [keyword: string]: unknown;
}

let schemaCache: SchemaNode | undefined;
let validatorCache: ValidateFunction | undefined;

/** Path of the profile JSON Schema. */
export function profileSchemaPath(): string {
  return path.join(builtinProfilesDir(), 'schema.json');
}

/** The parsed profile JSON Schema (`profiles/schema.json`). */
export function profileSchema(): SchemaNode {
  schemaCache ??= JSON.parse(readFileSync(profileSchemaPath(), 'utf8')) as SchemaNode;
  return schemaCache;
}

/** The compiled Ajv validator for the profile schema. */
export function profileValidator(): ValidateFunction {
  if (validatorCache === undefined) {
    // Loaded on first use: ajv costs ~60 ms to import plus ~100 ms to compile the schema,
    // and a run on the built-in profiles (validated by the test suite) never needs it.
    const { Ajv } = createRequire(import.meta.url)('ajv') as { Ajv: typeof AjvClass };
    const ajv = new Ajv({
      allErrors: true,
      discriminator: true,
      strict: true,
      strictTypes: false,
      strictRequired: false,
      allowUnionTypes: true,
      logger: false,
    });
    validatorCache = ajv.compile(profileSchema());
  }
  return validatorCache;
}

/** Follows `$ref` (local `#/definitions/...` only). */
export function deref(node: SchemaNode | undefined): SchemaNode | undefined {
  let current = node;
  for (let hops = 0; current?.$ref !== undefined && hops < 32; hops++) {
    const match = /^#\/definitions\/(.+)$/.exec(current.$ref);
    current = match === null ? undefined : profileSchema().definitions?.[match[1]!];
  }
  return current;
}

/** The node itself plus every node reachable through `allOf` and `oneOf`, dereferenced. */
function alternatives(node: SchemaNode | undefined): SchemaNode[] {
  const out: SchemaNode[] = [];
  const visit = (n: SchemaNode | undefined): void => {
    const d = deref(n);
    if (d === undefined || out.includes(d)) return;
    out.push(d);
    for (const sub of d.allOf ?? []) visit(sub);
    for (const sub of d.oneOf ?? []) visit(sub);
  };
  visit(node);
  return out;
}

/** Sub-schema of a named property (explicit `properties` only), if any. */
export function propertySchema(node: SchemaNode | undefined, key: string): SchemaNode | undefined {
  for (const alt of alternatives(node)) {
    const found = alt.properties?.[key];
    if (found !== undefined) return deref(found) ?? {};
  }
  return undefined;
}

/** Schema of the values of a map-like object (`additionalProperties` as a schema), if it is one. */
export function mapValueSchema(node: SchemaNode | undefined): SchemaNode | undefined {
  for (const alt of alternatives(node)) {
    const extra = alt.additionalProperties;
    if (typeof extra === 'object') return deref(extra) ?? {};
  }
  return undefined;
}

/** Schema of a child (property, map entry or array element); undefined when the schema forbids it. */
export function childSchema(node: SchemaNode | undefined, key: string | number): SchemaNode | undefined {
  if (typeof key === 'number') {
    for (const alt of alternatives(node)) if (alt.items !== undefined) return deref(alt.items) ?? {};
    return undefined;
  }
  return propertySchema(node, key) ?? mapValueSchema(node) ?? (isClosed(node) ? undefined : {});
}

/** Whether an object schema rejects unknown properties. */
export function isClosed(node: SchemaNode | undefined): boolean {
  return alternatives(node).some((alt) => alt.additionalProperties === false);
}

/** JSON types the node accepts (`integer` counts as its own type); empty means "anything". */
export function acceptedTypes(node: SchemaNode | undefined): Set<string> {
  const types = new Set<string>();
  for (const alt of alternatives(node)) {
    if (typeof alt.type === 'string') types.add(alt.type);
    else if (Array.isArray(alt.type)) for (const t of alt.type) types.add(t);
    const values = alt.enum ?? (alt.const === undefined ? undefined : [alt.const]);
    for (const v of values ?? []) types.add(v === null ? 'null' : typeof v);
  }
  return types;
}

/** Whether `null` is a legal value for the node. */
export function allowsNull(node: SchemaNode | undefined): boolean {
  return acceptedTypes(node).has('null');
}

/** Properties an object schema requires (the top level's list lives in its `else` branch). */
export function requiredKeys(node: SchemaNode | undefined): Set<string> {
  const keys = new Set<string>();
  for (const alt of alternatives(node)) {
    for (const k of alt.required ?? []) keys.add(k);
    for (const k of deref(alt.else)?.required ?? []) keys.add(k);
  }
  return keys;
}

/** The named definition, dereferenced (e.g. `Receipt`). */
export function definition(name: string): SchemaNode | undefined {
  return profileSchema().definitions?.[name];
}
