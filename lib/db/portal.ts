/**
 * The one Prisma client for the portal database, built on first use (so that
 * `next build` needs no database) and cached on globalThis so that dev-server
 * reloads do not open new pools.
 */
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/portal/client";
import { env } from "../config/env";

const globalForPrisma = globalThis as unknown as { portalDb?: PrismaClient };

function client(): PrismaClient {
  globalForPrisma.portalDb ??= new PrismaClient({
    adapter: new PrismaPg({ connectionString: env().DATABASE_URL, max: 10 }),
  });
  return globalForPrisma.portalDb;
}

export const db = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const real = client();
    const value: unknown = Reflect.get(real, property, real);
    return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(real) : value;
  },
});
