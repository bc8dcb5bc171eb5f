import { openProductionClient } from "../crm/read-only";

/** Size in bytes of a production database, read through a read-only connection; null when it cannot be reached. */
export async function productionDatabaseSize(productionUrl: string): Promise<number | null> {
  try {
    const client = await openProductionClient(productionUrl, { connectionTimeoutMillis: 3000 });
    try {
      const { rows } = await client.query<{ size: string }>("SELECT pg_database_size(current_database())::text AS size");
      return Number(rows[0]?.size ?? 0);
    } finally {
      await client.end().catch(() => undefined);
    }
  } catch {
    return null;
  }
}
