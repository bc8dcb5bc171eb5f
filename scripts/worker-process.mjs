/**
 * `npm run worker`: a worker process for scaling out (scripts/worker.ts), running the
 * worker's compiled code (scripts/worker-bundle.mjs): built here unless
 * WORKER_BUNDLE_DIR names a build, so the process never loads tsx.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { buildWorkerBundle, keepInUse } from "./worker-bundle.mjs";

const folder = process.env.WORKER_BUNDLE_DIR?.trim() || (await buildWorkerBundle());
keepInUse(folder);
await import(pathToFileURL(path.join(folder, "worker.js")).href);
