/**
 * The environment as the checks read it: a variable set to nothing (`AUDIT_RETENTION_DAYS=`
 * in a .env file or a container's list) counts as unset. Read as a number it was 0, so one
 * such line meant no copy-rate cap, and another refused the start with a bound nobody chose.
 */
export function setVariables(source: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(source).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1].trim() !== ""));
}
