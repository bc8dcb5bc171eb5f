/**
 * One consistent view of production for the whole copy. The first connection opens
 * a REPEATABLE READ READ ONLY transaction and exports its snapshot; the others
 * import it with SET TRANSACTION SNAPSHOT, so tables copied in parallel on different
 * connections all see production at the same instant, while production's own users
 * keep writing. Every connection is opened read-only (lib/crm/read-only.ts).
 *
 * The exporting transaction must stay open until every importer has joined, so the
 * main connection is kept for the whole copy (and copies tables itself).
 */
import type pg from "pg";
import { openProductionClient } from "../crm/read-only";

export interface ProductionSnapshot {
  main: pg.Client;
  id: string;
  /** `now()` inside the snapshot transaction. */
  at: Date;
  /** Another connection on the same snapshot. */
  join(): Promise<pg.Client>;
  /** Ends every connection opened through this snapshot. */
  close(): Promise<void>;
}

const BEGIN = "BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY";

export async function openSnapshot(productionUrl: string): Promise<ProductionSnapshot> {
  const clients: pg.Client[] = [];
  const main = await openProductionClient(productionUrl);
  clients.push(main);
  try {
    await main.query(BEGIN);
    const { rows } = await main.query<{ id: string; at: Date }>("SELECT pg_export_snapshot() AS id, now() AS at");
    const row = rows[0];
    if (!row) throw new Error("pg_export_snapshot returned nothing");
    return {
      main,
      id: row.id,
      at: row.at,
      async join() {
        const client = await openProductionClient(productionUrl);
        clients.push(client);
        await client.query(BEGIN);
        await client.query(`SET TRANSACTION SNAPSHOT '${row.id.replace(/'/g, "''")}'`);
        return client;
      },
      async close() {
        // Read-only transactions: ROLLBACK and COMMIT are the same; ending the
        // session is enough, and never leaves anything open on production.
        await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      },
    };
  } catch (error) {
    await main.end().catch(() => undefined);
    throw error;
  }
}
