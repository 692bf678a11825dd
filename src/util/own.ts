/**
 * `obj[key]` for a key that comes from input text (a sysctl name, a receipt
 * id, a path): only the object's own property, never one it inherits, so
 * `__proto__`, `constructor` or `toString` find nothing instead of
 * Object.prototype's members.
 */
export function own<T>(obj: Readonly<Record<string, T>> | undefined | null, key: string): T | undefined {
  return obj !== undefined && obj !== null && Object.hasOwn(obj, key) ? obj[key] : undefined;
}
