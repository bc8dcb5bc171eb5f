/**
 * A one-line terminal progress bar on stderr, so stdout stays clean for results. On a
 * TTY it redraws in place, at most ten times a second; elsewhere (CI logs, pipes) it
 * prints a line at most every few seconds. What it prints is made terminal-safe: the
 * detail may name production's tables, and no escape sequence of theirs reaches the terminal.
 */
import { terminalSafe } from "./untrusted-text";

const WIDTH = 30;
const TTY_REDRAW_MS = 100;
const LOG_LINE_MS = 3000;

export class ProgressBar {
  private lastLine = -Infinity;
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = stream.isTTY === true;
  }

  update(fraction: number, detail = ""): void {
    const now = performance.now();
    if (now - this.lastLine < (this.tty ? TTY_REDRAW_MS : LOG_LINE_MS)) return;
    this.lastLine = now;
    const clamped = Math.max(0, Math.min(1, fraction));
    const filled = Math.round(clamped * WIDTH);
    const line = terminalSafe(`${this.label} [${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ${(clamped * 100).toFixed(0).padStart(3)}% ${detail}`);
    const columns = (this.stream.columns || 120) - 1;
    if (this.tty) this.stream.write(`\r${line.slice(0, columns).padEnd(columns)}`);
    else this.stream.write(`${line}\n`);
  }

  /** Ends the bar's line, and says `message` when there is one. */
  done(message?: string): void {
    if (this.tty) this.stream.write("\n");
    if (message) this.stream.write(`${terminalSafe(message)}\n`);
  }
}
