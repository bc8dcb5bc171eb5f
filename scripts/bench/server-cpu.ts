/**
 * Where a copy's CPU time goes on the benchmark's PostgreSQL server: production's
 * backends, the sandbox's, and the server's own processes (checkpointer, WAL writer,
 * autovacuum…). Read from /proc, so only where the server runs on this Linux machine
 * (the benchmark's embedded one); elsewhere `start` answers undefined.
 *
 * A backend's process title names its database ("postgres: user bench_prod 127.0.0.1(…)
 * COPY"). The server's children are sampled every 100 ms: a backend's time counts to its
 * database as last seen, so a backend that ends between two samples loses at most its
 * last 100 ms to "the server's own". The server's total is exact: its own time, its
 * living children's, and its ended children's (cutime), from start to stop.
 */
import { readFile } from "node:fs/promises";
import { openClient } from "../../lib/db/client";

/** Linux's clock ticks per second for /proc times (USER_HZ: 100 on every architecture it runs). */
const TICKS_PER_SECOND = 100;
const SAMPLE_MS = 100;

export interface ServerCpu {
  productionMs: number;
  sandboxMs: number;
  /** The rest of the server's time: its own processes, and backends ended unsampled. */
  serverOwnMs: number;
}

/** The server's whole CPU time over the copy. */
export const serverTotalMs = (cpu: ServerCpu): number => cpu.productionMs + cpu.sandboxMs + cpu.serverOwnMs;

type Group = "production" | "sandbox" | "other";

interface Process {
  group: Group;
  /** CPU ticks when first seen, 0 for a process born after start. */
  startTicks: number;
  lastTicks: number;
}

/** utime + stime (and cutime + cstime when asked) of one process, in ticks; undefined when it is gone. */
async function ticksOf(pid: number, withChildren = false): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  if (!stat) return undefined;
  // Fields after the command name (which may hold spaces), from field 3 on: utime is 14, stime 15, cutime 16, cstime 17.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number) as [number, number, number, number];
  return utime + stime + (withChildren ? cutime + cstime : 0);
}

async function childrenOf(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, "utf8").catch(() => "");
  return text.split(" ").filter(Boolean).map(Number);
}

export class ServerCpuSampler {
  private readonly processes = new Map<number, Process>();
  private readonly timer: NodeJS.Timeout;
  private sampling: Promise<void> = Promise.resolve();

  private constructor(
    private readonly postmaster: number,
    private readonly postmasterStart: number,
    private readonly databaseOf: (title: string) => Group,
  ) {
    this.timer = setInterval(() => (this.sampling = this.sampling.then(() => this.sample())), SAMPLE_MS);
  }

  /**
   * Starts sampling the server behind `adminUrl`: backends of `production` count to
   * production, of databases whose names start with `sandboxPrefix` to the sandbox.
   */
  static async start(adminUrl: string, production: string, sandboxPrefix: string): Promise<ServerCpuSampler | undefined> {
    // The server's pid is our backend's parent: read while the backend still runs.
    const client = await openClient({ connectionString: adminUrl });
    let stat: string | undefined;
    try {
      const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
      stat = await readFile(`/proc/${rows[0]?.pid}/stat`, "utf8").catch(() => undefined);
    } finally {
      await client.end();
    }
    if (!stat) return undefined;
    const postmaster = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    const start = await ticksOf(postmaster, true);
    if (start === undefined) return undefined;
    const databaseOf = (title: string): Group => {
      const database = title.split(/\s+/)[2] ?? "";
      return database === production ? "production" : database.startsWith(sandboxPrefix) ? "sandbox" : "other";
    };
    const sampler = new ServerCpuSampler(postmaster, start, databaseOf);
    await sampler.sample(true);
    return sampler;
  }

  async stop(): Promise<ServerCpu> {
    clearInterval(this.timer);
    await this.sampling;
    await this.sample();
    const own = await ticksOf(this.postmaster, true);
    let living = 0;
    const byGroup: Record<Group, number> = { production: 0, sandbox: 0, other: 0 };
    let endedBeforeStart = 0;
    for (const [pid, p] of this.processes) {
      byGroup[p.group] += p.lastTicks - p.startTicks;
      if ((await ticksOf(pid)) !== undefined) living += p.lastTicks - p.startTicks;
      // An ended child's whole life is in the server's cutime: what it used before start is not the copy's.
      else endedBeforeStart += p.startTicks;
    }
    const total = (own ?? this.postmasterStart) - this.postmasterStart - endedBeforeStart + living;
    const ms = (ticks: number) => (ticks * 1000) / TICKS_PER_SECOND;
    return { productionMs: ms(byGroup.production), sandboxMs: ms(byGroup.sandbox), serverOwnMs: ms(Math.max(0, total - byGroup.production - byGroup.sandbox)) };
  }

  private async sample(atStart = false): Promise<void> {
    for (const pid of await childrenOf(this.postmaster)) {
      const ticks = await ticksOf(pid);
      if (ticks === undefined) continue;
      let p = this.processes.get(pid);
      if (!p) this.processes.set(pid, (p = { group: "other", startTicks: atStart ? ticks : 0, lastTicks: ticks }));
      p.lastTicks = ticks;
      // A new backend's title names its database once it has one: read until it does.
      if (p.group === "other") p.group = this.databaseOf(await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => ""));
    }
  }
}
