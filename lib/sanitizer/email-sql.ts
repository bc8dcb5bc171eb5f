/**
 * Rule 2 in SQL: the twin of `rewriteEmail` (options.ts), applied inside the copy's
 * SELECT so the rewrite costs nothing beyond reading the row. Keep both in step:
 * twins.db.test.ts runs them on the same inputs.
 */
import { quoteLiteral } from "./sql";

/** An expression rewriting the text expression `expr` (a quoted column) for `domain`. */
export function rewriteEmailSql(expr: string, domain: string): string {
  return `CASE WHEN ${expr} IS NULL OR ${expr} = '' THEN ${expr} ELSE replace(${expr}, '@', '_') || ${quoteLiteral(`@${domain}`)} END`;
}

/** A condition true for values the rewrite cannot have produced (the verifier's test). */
export function notRewrittenEmailSql(expr: string, domain: string): string {
  return `(${expr} <> '' AND (position('@' in ${expr}) <> length(${expr}) - ${domain.length} OR right(${expr}, ${domain.length + 1}) <> ${quoteLiteral(`@${domain}`)}))`;
}
