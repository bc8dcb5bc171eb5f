/** A generation's progress on the terminal (lib/progress-bar.ts): rows so far, their rate and the table being written. */
import { ProgressBar } from "../../progress-bar";
import type { GenerateProgress } from "./index";

export function progressBar(): { update: (p: GenerateProgress) => void; done: () => void } {
  const bar = new ProgressBar("generating");
  const started = performance.now();
  return {
    update(p) {
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? Math.round(p.rowsDone / seconds) : 0;
      const what = p.phase === "data" ? (p.table ?? "") : p.phase;
      bar.update(p.rowsTotal > 0 ? p.rowsDone / p.rowsTotal : 0, `${p.rowsDone.toLocaleString("en")}/${p.rowsTotal.toLocaleString("en")} rows  ${rate.toLocaleString("en")} rows/s  ${what}`);
    },
    done: () => bar.done(),
  };
}
