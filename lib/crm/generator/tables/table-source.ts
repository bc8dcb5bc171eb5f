import type { CopyValue } from "../copy-text";

/** One table's generated content: columns and a lazy row stream. */
export interface TableSource {
  table: string;
  columns: readonly string[];
  /** Exact number of rows `rows()` yields. */
  count: number;
  rows(): Iterable<readonly CopyValue[]>;
}
