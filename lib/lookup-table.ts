/**
 * Lookups keyed by names from outside the portal. A production table, column, task
 * kind or schedule may be named "constructor", "toString" or "__proto__", which a
 * plain object answers from its prototype (a function: truthy); a table named
 * "constructor" passed for classified, and a schedule of "toString" took the wizard
 * down. A lookup table has no prototype; a parsed object is read for its own keys.
 */

/** `entries` as a frozen object without a prototype: only its own keys answer. */
export function lookupTable<T>(entries: Record<string, T>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}

/** `record[key]` when the record itself holds the key (zod and JSON.parse give plain objects). */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
