/**
 * Holds a copy to the room it reserved on its sandbox server (expected-size.ts) while
 * it writes. The expected size is production's, and it can be short: a partial copy
 * of a few named companies that hold most of production's rows. So from the moment
 * its database exists, the copy's size on the server is measured every couple of
 * seconds; once it outgrows its reservation, the copy asks for a quarter more than
 * it has reached, and if the server has no such room, it stops (NO_ROOM, TOO_LARGE)
 * and its database is dropped. A copy can overrun its room only by what it writes
 * between two measurements.
 */
import { databaseSize } from "./drop";
import type { SanitizationError } from "./errors";
import { refusedRoom, type RoomReserver, type RoomVerdict } from "./expected-size";

const WATCH_INTERVAL_MS = 2_000;
const GROWTH_HEADROOM = 1.25;

export class RoomWatch {
  private readonly stopped = new AbortController();
  private readonly refused = new AbortController();
  private reserved = 0;
  private watching: Promise<void> | undefined;

  constructor(
    private readonly serverUrl: string,
    private readonly databaseName: string,
    private readonly reserve: RoomReserver,
  ) {}

  /** Aborts, with the refusal as its reason, when the copy outgrows its room and no more is given. */
  get signal(): AbortSignal {
    return this.refused.signal;
  }

  /** The refusal that stopped the copy, if one did. */
  refusal(): SanitizationError | undefined {
    return this.refused.signal.aborted ? (this.refused.signal.reason as SanitizationError) : undefined;
  }

  /** The copy's first reservation, asked for before its database is created. */
  async reserveFirst(bytes: number): Promise<RoomVerdict> {
    const verdict = await this.reserve(bytes);
    if (verdict === "reserved") this.reserved = bytes;
    return verdict;
  }

  /** Once the database exists: measures it until stop(). */
  start(): void {
    this.watching ??= this.watch();
  }

  async stop(): Promise<void> {
    this.stopped.abort();
    await this.watching;
  }

  private async watch(): Promise<void> {
    while (!this.stopped.signal.aborted && !this.refused.signal.aborted) {
      await pause(WATCH_INTERVAL_MS, this.stopped.signal);
      if (this.stopped.signal.aborted) return;
      // A measurement that fails (the server busy for a moment) is taken again at the next turn.
      // Cut when the copy ends: a server that hangs holds neither the run nor its clean-up.
      const size = await databaseSize(this.serverUrl, this.databaseName, this.stopped.signal).catch(() => null);
      if (size === null || size <= this.reserved || this.stopped.signal.aborted) continue;
      const more = Math.ceil(size * GROWTH_HEADROOM);
      // An answer that does not come (the portal's database away for a moment) is asked for again at the next turn.
      const verdict = await this.reserve(more).catch(() => null);
      if (verdict === "reserved") this.reserved = more;
      else if (verdict) this.refused.abort(refusedRoom(verdict, more));
    }
  }
}

/** `ms`, or less if `signal` aborts first; its listener goes with it, however it ends. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
