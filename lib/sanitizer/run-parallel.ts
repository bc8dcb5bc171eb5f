/**
 * Runs independent DDL statements (index builds) over the run's sessions on the
 * copy: one index build is CPU-bound on one core, so two keep a two-core server busy.
 * Builds on the same table take conflicting locks and simply wait for each other.
 */
import type pg from "pg";

export async function runParallel(clients: pg.ClientBase[], statements: string[], onDone?: (done: number) => void): Promise<void> {
  const queue = [...statements];
  let done = 0;
  await Promise.all(
    clients.map(async (client) => {
      for (let sql = queue.shift(); sql !== undefined; sql = queue.shift()) {
        await client.query(sql);
        onDone?.(++done);
      }
    }),
  );
}
