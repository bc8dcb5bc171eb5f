/**
 * The port `npm run dev` and `npm start` listen on: `-p` (or `--port`) after the command,
 * else PORT, else 3000. Read alike by the launcher (which makes the portal's address from
 * it, for the links in mails) and by the server that listens on it.
 */
export function listenPort(args: readonly string[], environment: Record<string, string | undefined>): number {
  const flag = args.findIndex((arg) => arg === "-p" || arg === "--port");
  const inline = args.find((arg) => arg.startsWith("--port="))?.slice("--port=".length);
  const given = flag >= 0 ? (args[flag + 1] ?? "") : (inline ?? environment.PORT ?? "3000");
  const port = portNumber(given);
  if (port === null) throw new Error(`The port to listen on (-p, or PORT) must be a whole number from 1 to 65535, not "${given}".`);
  return port;
}

/** `text` as a TCP port from `lowest` to 65535, else null: whole digits only (Number reads "" as 0 and "0x50" as 80). */
export function portNumber(text: string, lowest = 1): number | null {
  const port = /^\d{1,5}$/.test(text.trim()) ? Number(text) : NaN;
  return port >= lowest && port <= 65535 ? port : null;
}
