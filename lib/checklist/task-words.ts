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

const tasks = (n: number) => (n === 1 ? "1 task" : `${n} tasks`);
const names = (list: TaskState[]) => list.map((t) => t.name).join(", ");

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
