/**
 * A customer's webhook receiver for tests: HTTPS on a free port of 127.0.0.1, with
 * a test-only self-signed certificate (lib/testing/tls, valid for localhost and
 * 127.0.0.1; never used outside tests). It records what arrives and answers each
 * request with the next scripted status (200 once the script runs out), or, for
 * "hang", holds it unanswered until the test calls `release` (or closes the receiver):
 * a test decides when a hanging request ends, not a client timeout racing its asserts.
 */
import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

export interface ReceivedEvent {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const tls = (file: string) => readFileSync(fileURLToPath(new URL(`./tls/${file}`, import.meta.url)), "utf8");
export const RECEIVER_CA = tls("receiver.crt");

export async function startWebhookReceiver(statuses: (number | "hang")[] = []) {
  const received: ReceivedEvent[] = [];
  const script = [...statuses];
  const held: ServerResponse[] = [];
  const server = https.createServer({ cert: RECEIVER_CA, key: tls("receiver.key") }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      const status = script.shift() ?? 200;
      if (status === "hang") {
        held.push(response);
        return;
      }
      response.writeHead(status, status >= 300 && status < 400 ? { location: "https://127.0.0.1:1/elsewhere" } : {}).end("ok".repeat(status === 299 ? 100_000 : 1));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    received,
    url: (host = "127.0.0.1") => `https://${host}:${port}/hooks/sandbox`,
    /** Answers every held ("hang") request with `status`; returns how many were still open (their sender still waiting). */
    release: (status = 200): number => {
      const open = held.splice(0).filter((response) => !response.socket?.destroyed);
      for (const response of open) response.writeHead(status).end("ok");
      return open.length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
