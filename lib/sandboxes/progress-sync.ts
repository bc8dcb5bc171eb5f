/**
 * When the live progress must re-render the server-rendered page around it: the
 * badge shows the sandbox's status, the history row the run's. Either moving
 * (queued → provisioning; a refresh's or deletion's run queued → running, where
 * the sandbox status stays put) leaves the page behind the panel.
 * Isomorphic: the browser's poller uses it.
 */
interface Shown {
  sandboxStatus: string;
  run: { id: string; status: string } | null;
}

export function pageIsBehind(shown: Shown, next: Shown): boolean {
  return next.sandboxStatus !== shown.sandboxStatus || next.run?.id !== shown.run?.id || next.run?.status !== shown.run?.status;
}
