/**
 * A terminal progress bar for long generations, on stderr so stdout stays clean
 * for results. On a TTY it redraws one line (at most ten times a second); when
 * piped to a log it prints a plain line every ten percent instead.
 */
import type { GenerateProgress } from "./index";

export function progressBar(stream: NodeJS.WriteStream = process.stderr): {
  update: (p: GenerateProgress) => void;
  done: () => void;
} {
  const started = performance.now();
  let lastDraw = 0;
  let lastDecile = -1;
  const width = 30;

  function line(p: GenerateProgress): string {
    const ratio = p.rowsTotal > 0 ? Math.min(1, p.rowsDone / p.rowsTotal) : 0;
    const filled = Math.round(ratio * width);
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(p.rowsDone / seconds) : 0;
    const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
    const label = p.phase === "data" ? p.table ?? "" : p.phase;
    return `${bar} ${(ratio * 100).toFixed(1).padStart(5)}%  ${p.rowsDone.toLocaleString("en")}/${p.rowsTotal.toLocaleString("en")} rows  ${rate.toLocaleString("en")} rows/s  ${label}`;
  }

  return {
    update(p) {
      if (stream.isTTY) {
        const now = performance.now();
        if (now - lastDraw < 100 && p.phase === "data") return;
        lastDraw = now;
        stream.write(`\r${line(p).slice(0, (stream.columns || 120) - 1)}\x1b[K`);
      } else {
        const decile = p.rowsTotal > 0 ? Math.floor((p.rowsDone / p.rowsTotal) * 10) : 0;
        if (decile === lastDecile && p.phase === "data") return;
        lastDecile = decile;
        stream.write(`${line(p)}\n`);
      }
    },
    done() {
      if (stream.isTTY) stream.write("\n");
    },
  };
}
