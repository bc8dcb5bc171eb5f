/** Entry name → its source: each becomes `<name>.js` in the bundle's folder. */
export declare const WORKER_ENTRIES: Readonly<Record<"worker" | "personal-data-preview" | "provision-child", string>>;
/** The folder under the project's root that holds the builds. */
export declare const WORKER_BUNDLES: string;
/** Builds the worker's code under `root` (the project's folder) and returns its folder. */
export declare function buildWorkerBundle(root?: string): Promise<string>;
/** Marks the build `dir` as in use now and every `everyMs` while the process runs, so no other build prunes it; returns what stops it (resolved once its last mark is written). */
export declare function keepInUse(dir: string, everyMs?: number): () => Promise<void>;
