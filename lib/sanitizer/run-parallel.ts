/**
 * Runs independent DDL statements (index builds) over two connections to the copy:
 * one index build is CPU-bound on one core, so two keep a two-core server busy.
 * Builds on the same table take conflicting locks and simply wait for each other.
 */
import type pg from "pg";
import { openTargetClient } from "./copy-data";

const CONNECTIONS = 2;

export async function runParallel(url: string, statements: string[], onDone?: (done: number) => void): Promise<void> {
  const queue = [...statements];
  let done = 0;
  const clients: pg.Client[] = [];
  try {
    for (let i = 0; i < Math.min(CONNECTIONS, queue.length); i++) clients.push(await openTargetClient(url));
    await Promise.all(
      clients.map(async (client) => {
        for (let sql = queue.shift(); sql !== undefined; sql = queue.shift()) {
          await client.query(sql);
          onDone?.(++done);
        }
      }),
    );
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  }
}
