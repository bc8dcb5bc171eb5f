/**
 * The portal database's clock, as read from this process.
 *
 * Whether a run is alive is decided by comparing times different processes wrote:
 * a worker's heartbeat against another worker's recovery sweep, a worker's beat
 * against the operations page, a retry's time against pg-boss's own now(). With
 * each process on its own clock, machines that disagree by more than a heartbeat's
 * margin (45 s) took a live copy from its worker, or left a dead one looking alive;
 * a worker running behind started its deferred jobs late. Every such time is the
 * database's: the one clock all processes share.
 *
 * Read once and then kept as an offset from this process's clock, read again after
 * RESYNC_MS or as soon as this process's clock jumps (a time-sync step), so the
 * portal database sees one more query a minute per process, not one per heartbeat.
 */
import { db } from "./portal";

const RESYNC_MS = 60_000;
/** A gap between the wall clock and the monotonic one beyond this is a jump of the wall clock. */
const JUMP_MS = 1_000;

interface Reading {
  /** The database's clock less this process's wall clock, in ms. */
  offsetMs: number;
  /** This process's wall and monotonic clocks when read. */
  wallAt: number;
  monotonicAt: number;
}

let reading: Reading | null = null;
let reads: Promise<Reading> | null = null;

/** The database's current time, within the round trip of its last reading. */
export async function databaseNow(): Promise<Date> {
  const current = fresh(reading) ? reading : await readAgain();
  return new Date(Date.now() + current.offsetMs);
}

/**
 * The database's current time by the last reading, however old, without reading it
 * again: for a transaction, which must not wait for another of the pool's connections
 * (transactions holding them all would wait on each other). This process's clock until
 * a first reading.
 */
export function databaseNowAsLastRead(): Date {
  return new Date(Date.now() + (reading?.offsetMs ?? 0));
}

function fresh(read: Reading | null): read is Reading {
  if (!read) return false;
  const sinceMonotonic = performance.now() - read.monotonicAt;
  const sinceWall = Date.now() - read.wallAt;
  return sinceMonotonic < RESYNC_MS && Math.abs(sinceWall - sinceMonotonic) < JUMP_MS;
}

/** One reading at a time: callers arriving meanwhile share it. */
function readAgain(): Promise<Reading> {
  reads ??= readDatabaseClock().then(
    (read) => {
      reading = read;
      reads = null;
      return read;
    },
    (error: unknown) => {
      reads = null;
      throw error;
    },
  );
  return reads;
}

async function readDatabaseClock(): Promise<Reading> {
  const wallBefore = Date.now();
  const monotonicBefore = performance.now();
  const [row] = await db.$queryRaw<{ ms: number }[]>`SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS ms`;
  const roundTrip = performance.now() - monotonicBefore;
  // The database read its clock about half-way through the round trip.
  const wallMidway = wallBefore + roundTrip / 2;
  return { offsetMs: Number(row!.ms) - wallMidway, wallAt: wallMidway, monotonicAt: monotonicBefore + roundTrip / 2 };
}
