/**
 * The worker's code compiled ahead of time, so worker processes run it with plain
 * `node` instead of through tsx: the web app's own worker, `npm run worker`, the
 * review's preview process, and the benchmark's copy (which measures what a worker
 * runs). tsx compiles every module as it is first imported, on a thread of its own
 * that stays for the life of the process. Measured on medium, alternated: a worker's
 * peak RSS over a default copy 196–213 MB against 243–248 MB through tsx, over a
 * pseudonymised one 282–288 MB against 322–330 MB, and a fresh worker's first copy
 * used 2.7–3.2 core-seconds against 3.9–4.1.
 *
 * Plain JavaScript, so `npm run worker` can build it without tsx. The code goes into
 * `.worker/<hash of the code>/`:
 * - the same sources give the same folder, so the processes of one version share it,
 *   and a build never writes into a folder a running process reads: a worker loads
 *   parts of its code only when it first needs them (the pseudonymiser, the lock
 *   watchdog's thread);
 * - the folder is two levels below the project's root, as lib's modules are, so a
 *   module that finds a file from its own URL (`../../prisma/crm/contract.sql`) finds
 *   the same file, and packages resolve from the project's node_modules;
 * - folders of other versions that no process has started from or run from in a week are
 *   removed: a process that runs from a folder marks it as in use while it runs (keepInUse).
 */
import { createHash, randomUUID } from "node:crypto";
import { realpathSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build, stop } from "esbuild";

/** Entry name → its source: each becomes `<name>.js` in the folder. */
export const WORKER_ENTRIES = {
  worker: "scripts/worker.ts",
  "personal-data-preview": "scripts/personal-data-preview.ts",
  "provision-child": "scripts/bench/provision-child.ts",
};
/** Started as a thread from its own file (lib/crm/lock-watchdog.ts): copied beside the code, as it is. */
const THREAD_FILES = ["lib/crm/lock-watchdog-thread.mjs"];
export const WORKER_BUNDLES = ".worker";
const KEEP_UNUSED_MS = 7 * 24 * 60 * 60 * 1000;
/** How often a running process marks its build as in use: far within KEEP_UNUSED_MS. */
const IN_USE_EVERY_MS = 60 * 60 * 1000;

/** Builds the worker's code under `root` (the project's folder) and returns its folder. */
export async function buildWorkerBundle(root = process.cwd()) {
  const bundles = path.join(root, WORKER_BUNDLES);
  let result;
  try {
    result = await build({
      absWorkingDir: root,
      entryPoints: WORKER_ENTRIES,
      // Where the files would go: only their relative paths (source maps, chunks) depend on it.
      outdir: path.join(bundles, "out"),
      bundle: true,
      // Shared code goes into chunks, and what a module imports only when needed stays apart (faker's locales).
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      packages: "external",
      sourcemap: true,
      write: false,
      logLevel: "silent",
    });
  } finally {
    // esbuild answers from a process of its own: not kept beside a worker for nothing.
    await stop();
  }
  const files = result.outputFiles.map((f) => ({ name: path.relative(path.join(bundles, "out"), f.path), contents: f.contents }));
  for (const thread of THREAD_FILES) files.push({ name: path.basename(thread), contents: await readFile(path.join(root, thread)) });
  files.sort((a, b) => (a.name < b.name ? -1 : 1));
  const hash = createHash("sha256");
  for (const f of files) hash.update(`${f.name}\0${f.contents.length}\0`).update(f.contents);
  const dir = path.join(bundles, hash.digest("hex").slice(0, 16));
  if (!(await exists(dir))) await writeAtOnce(bundles, dir, files);
  // Marks the folder as in use, for the pruning of other builds.
  const now = new Date();
  await utimes(dir, now, now);
  await pruneUnused(bundles, dir, now.getTime());
  return dir;
}

/**
 * Marks `dir` as in use now and every `everyMs` while this process runs, so another
 * version's start does not prune it under a worker that has run from it for a week and
 * has yet to load a part of its code (the pseudonymiser loads on a first pseudonymised
 * copy). A folder that cannot be marked (a read-only deployment's, which no build here
 * prunes) is left as it is. Returns what stops the marking, resolved once its last mark is written.
 */
export function keepInUse(dir, everyMs = IN_USE_EVERY_MS) {
  let marking = Promise.resolve();
  const mark = () => {
    const now = new Date();
    marking = utimes(dir, now, now).catch(() => undefined);
  };
  mark();
  const timer = setInterval(mark, everyMs);
  // Never what keeps a process alive.
  timer.unref();
  // Once the last mark is written: one still under way would date the folder after the stop.
  return () => {
    clearInterval(timer);
    return marking;
  };
}

/** Writes the files into a folder of their own, then moves it into place: a reader sees all of them or none. */
async function writeAtOnce(bundles, dir, files) {
  const temporary = path.join(bundles, `.building-${randomUUID()}`);
  await mkdir(temporary, { recursive: true });
  try {
    for (const f of files) await writeFile(path.join(temporary, f.name), f.contents);
    await rename(temporary, dir);
  } catch (error) {
    // Another process built the same code at the same moment: its folder is this one.
    if (!(await exists(dir))) throw error;
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
}

async function pruneUnused(bundles, current, now) {
  for (const entry of await readdir(bundles, { withFileTypes: true })) {
    const folder = path.join(bundles, entry.name);
    if (!entry.isDirectory() || folder === current) continue;
    const { mtimeMs } = await stat(folder).catch(() => ({ mtimeMs: now }));
    if (now - mtimeMs > KEEP_UNUSED_MS) await rm(folder, { recursive: true, force: true });
  }
}

const exists = (file) => stat(file).then(
  () => true,
  () => false,
);

// `node scripts/worker-bundle.mjs`: builds, and prints the folder. Node names this module by its real
// path, as a URL (a space or a letter beyond ASCII escaped): compared with the path as typed, a
// project under such a folder, or reached through a link, built nothing.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) console.log(await buildWorkerBundle());
