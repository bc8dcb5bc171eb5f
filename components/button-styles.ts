/** The portal's secondary button (Cancel, Done, Sign in again, a choice to open): one look everywhere. */
export const SECONDARY_BUTTON = "rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50";
