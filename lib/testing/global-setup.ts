/**
 * Vitest global setup: one throwaway PostgreSQL server for the whole run, in a
 * temporary folder (never the developer's data). Tests create their own
 * databases on it through lib/testing/pg.ts, and build sandboxes as the server's
 * sandbox role, as the app does: the whole suite runs with least privilege. And the
 * worker's compiled code, which the tests that start worker processes run, as the
 * portal's server runs it (scripts/worker-bundle.mjs).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startLocalServer } from "../db/local-server";
import { buildWorkerBundle } from "../../scripts/worker-bundle.mjs";
import { freePort } from "./free-port";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    sandboxServerUrl: string;
    workerBundle: string;
  }
}

export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(path.join(tmpdir(), "sandbox-portal-test-"));
  const server = await startLocalServer({ dataDir, port: await freePort(), throwaway: true });
  project.provide("pgAdminUrl", server.adminUrl);
  project.provide("sandboxServerUrl", server.sandboxServerUrl);
  project.provide("workerBundle", await buildWorkerBundle());
  return async () => {
    await server.stop();
    // The cluster goes with the server; its folder (and the credentials in it) too, so runs leave nothing behind.
    await rm(dataDir, { recursive: true, force: true });
  };
}
