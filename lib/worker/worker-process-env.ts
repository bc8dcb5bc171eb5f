/**
 * The environment a worker process starts with: the given one, with glibc's malloc
 * held to two arenas unless the operator chose otherwise. glibc gives threads that
 * allocate arenas of their own (up to eight per core) and keeps what is freed in
 * them; a worker's threads (libuv's, V8's helpers, the lock watchdog) left 60–80 MB of
 * such arenas resident after a copy, while its JavaScript heap held under 30 MB.
 * Measured on medium, three full copies in one process, three alternated pairs: peak
 * RSS 262–277 MB with two arenas against 290–318 MB without, the copies as fast
 * within the noise. Read by glibc when the process starts, so it is set by whoever
 * starts the worker: the web app (app-worker.ts), `npm run worker`, the benchmark.
 */
export function workerProcessEnv<Env extends Record<string, string | undefined>>(env: Env): Env & { MALLOC_ARENA_MAX: string } {
  return { MALLOC_ARENA_MAX: "2", ...env };
}
