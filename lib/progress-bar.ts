/**
 * A one-line terminal progress bar on stderr. On a TTY it redraws in place;
 * elsewhere (CI logs, pipes) it prints a line at most every few seconds.
 */
import { terminalSafe } from "../../lib/untrusted-text";

export class ProgressBar {
  private lastLine = 0;
  private readonly tty = process.stderr.isTTY === true;

  constructor(private readonly label: string) {}

  update(fraction: number, detail = ""): void {
    const now = Date.now();
    if (!this.tty && now - this.lastLine < 3000) return;
    this.lastLine = now;
    const clamped = Math.max(0, Math.min(1, fraction));
    const width = 30;
    const filled = Math.round(clamped * width);
    // The detail names production's tables: no escape sequence of theirs reaches the terminal.
    const line = terminalSafe(`${this.label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(clamped * 100).toFixed(0).padStart(3)}% ${detail}`);
    if (this.tty) process.stderr.write(`\r${line.slice(0, (process.stderr.columns ?? 120) - 1).padEnd((process.stderr.columns ?? 120) - 1)}`);
    else process.stderr.write(`${line}\n`);
  }

  done(message: string): void {
    if (this.tty) process.stderr.write("\n");
    process.stderr.write(`${terminalSafe(message)}\n`);
  }
}
