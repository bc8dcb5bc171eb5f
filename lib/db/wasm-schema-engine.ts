/**
 * Prisma's official wasm schema engine (`@prisma/schema-engine-wasm`), the offline
 * stand-in for the native schema-engine binary that cannot be downloaded on this
 * project's machines. It talks to PostgreSQL through a Prisma driver adapter
 * (`@prisma/adapter-pg`) instead of opening connections itself.
 *
 * The package's own entry point does `import * as wasm from "./x.wasm"`, which Node
 * only supports behind --experimental-wasm-modules. So we compile the .wasm by hand
 * and hand it to the JS glue (`schema_engine_bg.js`), which is what the entry point
 * would have done.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type {
  ErrorRegistry,
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import * as glue from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { SchemaEngine, SchemaFilter } from "@prisma/schema-engine-wasm/schema_engine_bg";
import { OfflinePgAdapterFactory } from "./offline-pg-adapter";
import { PgMigrationAdapterFactory } from "./pg-migration-adapter";
import { log } from "../observability/log";

export type { SchemaEngine } from "@prisma/schema-engine-wasm/schema_engine_bg";

/** The wasm instance's exports that the glue needs called directly. */
interface EngineExports {
  __wbindgen_start(): void;
}

// The glue keeps the wasm instance in a module-level variable, and engines created
// from one instance must never be served by another. Test runners (vitest) evaluate
// this file afresh per test file while sharing the one node_modules glue module, so
// the "already loaded" promise lives on globalThis, not in a module variable.
const LOADED = Symbol.for("sandbox-portal.schema-engine-wasm.loaded");
type GlobalWithEngine = typeof globalThis & { [LOADED]?: Promise<void> };

function loadWasm(): Promise<void> {
  const g = globalThis as GlobalWithEngine;
  g[LOADED] ??= (async () => {
    const require = createRequire(import.meta.url);
    const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = await readFile(path.join(path.dirname(gluePath), "schema_engine_bg.wasm"));
    const compiled = new WebAssembly.Module(bytes);
    // The wasm module imports everything from its JS glue, under the glue's file name.
    const instance = new WebAssembly.Instance(compiled, { "./schema_engine_bg.js": withUnrefTimers(glue) });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports as unknown as EngineExports).__wbindgen_start();
  })().catch((error: unknown) => {
    delete g[LOADED]; // let a later call try again
    throw error;
  });
  return g[LOADED];
}

/**
 * The engine races some operations against timers (e.g. a 10 s timeout on taking its
 * migration advisory lock) and never clears them, which kept every script alive for
 * ten seconds after its work was done. Unref'd timers still fire while the process
 * has other work (the pending query they race against), but no longer hold it open.
 */
function withUnrefTimers(imports: typeof glue): WebAssembly.ModuleImports {
  const patched: WebAssembly.ModuleImports = { ...imports };
  for (const name of Object.keys(imports)) {
    // wasm-bindgen names the import `__wbg_setTimeout_<hash>`.
    if (name.startsWith("__wbg_setTimeout_")) {
      patched[name] = (callback: () => void, ms: number) => setTimeout(callback, ms >>> 0).unref();
    }
  }
  return patched;
}

/**
 * No externally managed tables or enums (prisma.config.ts `tables.external` /
 * `enums.external`): the engine owns everything in the schema.
 */
export const NO_SCHEMA_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

export interface OpenEngine {
  /**
   * Runs engine calls, turning rejections into readable Errors. Call methods on the
   * engine object itself (`(e) => e.diff(…)`): detached wasm methods lose `this`.
   */
  run<T>(call: (engine: SchemaEngine) => Promise<T>): Promise<T>;
  /** Frees the engine's wasm memory and closes every connection it opened. */
  close(): Promise<void>;
}

/** An engine over a real PostgreSQL database. */
export function openPgEngine(connectionString: string, log?: (line: string) => void): Promise<OpenEngine> {
  return openEngine(new PgMigrationAdapterFactory(connectionString), log);
}

/** An engine that needs no server; it can only diff schemas (see offline-pg-adapter.ts). */
export function openOfflineEngine(log?: (line: string) => void): Promise<OpenEngine> {
  return openEngine(new OfflinePgAdapterFactory(), log);
}

async function openEngine(
  factory: SqlMigrationAwareDriverAdapterFactory,
  log: (line: string) => void = defaultLog,
): Promise<OpenEngine> {
  await loadWasm();
  // Freeing the engine does not dispose the adapter connections it opened (the pg pool
  // would keep the process alive), so remember them and dispose them ourselves.
  const opened: SqlDriverAdapter[] = [];
  const remember = (adapter: SqlDriverAdapter) => (opened.push(adapter), adapter);
  const bound = bindMigrationAwareSqlAdapterFactory({
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => remember(await factory.connect()),
    connectToShadowDb: async () => remember(await factory.connectToShadowDb()),
  });
  // Errors thrown inside the adapter reach the engine only as an id into this registry.
  const toError = (error: unknown) => engineError(error, bound.errorRegistry);
  const closeAdapters = async () => {
    await Promise.allSettled(opened.map((adapter) => adapter.dispose()));
  };

  let engine: SchemaEngine;
  try {
    // `datamodels: undefined`: schemas are passed per call (diff); migrations need none.
    engine = await glue.SchemaEngine.new({ datamodels: undefined }, log, bound);
  } catch (error) {
    await closeAdapters();
    throw toError(error);
  }
  return {
    async close() {
      engine.free();
      await closeAdapters();
    },
    async run(call) {
      try {
        return await call(engine);
      } catch (error) {
        throw toError(error);
      }
    },
  };
}

function defaultLog(line: string): void {
  if (process.env.SCHEMA_ENGINE_DEBUG) log.info({ component: "schema-engine" }, line);
}

/**
 * Makes engine rejections readable:
 * - errors the adapter threw come back as "External error id#N": the original error
 *   waits in the adapter's error registry (driver-adapter-utils), so surface that;
 * - user-facing engine errors carry a Prisma code (e.g. P3018, a migration that failed
 *   to apply) which we put in front of the message.
 */
function engineError(error: unknown, registry: ErrorRegistry): Error {
  const message = error instanceof Error ? error.message : String(error);
  const external = /External error id#(\d+)/.exec(message);
  if (external) {
    const original = registry.consumeError(Number(external[1]))?.error;
    if (original instanceof Error) return original;
    if (original !== undefined) return new Error(String(original), { cause: error });
  }
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    if (typeof code === "string" && !error.message.startsWith(code)) {
      error.message = `${code}: ${error.message}`;
    }
    return error;
  }
  return new Error(`schema engine failed: ${message}`, { cause: error });
}
