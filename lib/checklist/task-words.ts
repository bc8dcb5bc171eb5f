/**
 * The checklist's scheduled-task item in the customer's words. Tasks kept in the
 * wizard and running are the customer's own choice, not something to fix; only a
 * task running that nobody kept needs attention. Isomorphic and pure.
 */
interface TaskState {
  name: string;
  enabled: boolean;
  kept: boolean;
}

import { oneLine } from "../untrusted-text";

/**
 * The sandbox's names (its tasks, ERP connections, app panels, apps) as the checklist shows them. Its
 * people and the apps they test write them, so each is put on one line and cut (a line break, text that
 * reads backwards, a name of kilobytes), and a list names at most SHOWN_NAMES of them, then how many
 * more: an app that made ten thousand tasks put every name, 16 MB, on the sandbox page at every render.
 */
export const SHOWN_NAMES = 20;
export const shownName = (name: string): string => oneLine(name, 100);
export function shownNames(names: readonly string[], max = SHOWN_NAMES): string {
  const shown = names.slice(0, max).map(shownName).join(", ");
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

const tasks = (n: number) => (n === 1 ? "1 task" : `${n} tasks`);
const names = (list: TaskState[]) => shownNames(list.map((t) => t.name));

export function describeScheduledTasks(all: TaskState[]): { ok: boolean; text: string } {
  const on = all.filter((t) => t.enabled);
  const chosen = on.filter((t) => t.kept);
  const unchosen = on.filter((t) => !t.kept);
  if (on.length === 0) return { ok: true, text: `All ${tasks(all.length)} are paused.` };
  const parts: string[] = [];
  if (chosen.length) parts.push(`${tasks(chosen.length)} on because you kept ${chosen.length === 1 ? "it" : "them"}: ${names(chosen)}.`);
  if (unchosen.length) parts.push(`${tasks(unchosen.length)} on that you did not keep: ${names(unchosen)}.`);
  return { ok: unchosen.length === 0, text: parts.join(" ") };
}
