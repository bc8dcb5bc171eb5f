/** How long a mailed password link works (lib/auth/password-reset.ts): here, apart from the server code, so the pages can say it too. */
export const RESET_MINUTES = 30;
