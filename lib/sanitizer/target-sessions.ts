/**
 * The run's sessions on its new database: opened once, right after CREATE DATABASE,
 * and used by every step up to the verification, which opens a fresh one of its own
 * (rule 14). A connection costs a round trip or more and a server process; a run used
 * to open one per step.
 */
import type pg from "pg";
import { endOrCut } from "../db/client";
import { COPY_CONNECTIONS, openAll, openTargetClient } from "./copy-data";

export class TargetSessions {
  private opened: Promise<pg.Client[]> | undefined;

  /** `signal`: the run's, which cuts every session when it aborts (sandbox-session.ts). */
  constructor(
    readonly url: string,
    private readonly signal?: AbortSignal,
  ) {}

  /** COPY_CONNECTIONS sessions: the copy's two streams, then two index builds at a time. */
  all(): Promise<pg.Client[]> {
    this.opened ??= openAll(COPY_CONNECTIONS, () => openTargetClient(this.url, this.signal));
    return this.opened;
  }

  async first(): Promise<pg.Client> {
    const [client] = await this.all();
    return client!;
  }

  /** Ends every session; safe to call more than once, or when none was opened. */
  async close(): Promise<void> {
    const opened = this.opened;
    this.opened = undefined;
    const clients = await opened?.catch(() => []);
    // A server that has stopped answering never says goodbye.
    await Promise.all((clients ?? []).map((c) => endOrCut(c)));
  }
}
