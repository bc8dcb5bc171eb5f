/**
 * Whether a value from an address (a path's id, a `?run=`) could be one of the portal's ids (a
 * cuid): anything else is no object of anyone's, and is answered as not found before a database
 * is asked. PostgreSQL compares no text holding a NUL, which would otherwise end as a 500.
 */
export const isPlainId = (value: unknown): value is string => typeof value === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(value);
