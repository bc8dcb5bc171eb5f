/**
 * A TCP proxy in front of a PostgreSQL server that a test can freeze: from `freeze()`
 * on, nothing more passes either way, and every connection stays open, as with a
 * production host that hangs (a stuck proxy, a host out of memory) rather than one
 * that goes away. With `answering: false` it takes connections and never answers.
 */
import net from "node:net";

export interface FreezingProxy {
  /** `url` with the proxy's host and port. */
  url: string;
  freeze(): void;
  /** Connections the proxy has taken so far. */
  connections(): number;
  close(): Promise<void>;
}

export async function freezingProxy(url: string, { answering = true } = {}): Promise<FreezingProxy> {
  const target = new URL(url);
  const sockets = new Set<net.Socket>();
  let frozen = !answering;
  let taken = 0;
  const server = net.createServer((client) => {
    taken++;
    sockets.add(client);
    client.on("error", () => undefined);
    client.on("close", () => sockets.delete(client));
    if (frozen) return;
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(upstream);
    upstream.on("error", () => undefined);
    upstream.on("close", () => {
      sockets.delete(upstream);
      client.destroy();
    });
    client.on("close", () => upstream.destroy());
    // Forwarded chunk by chunk, so that a freeze stops the very next one.
    client.on("data", (chunk) => void (frozen || upstream.write(chunk)));
    upstream.on("data", (chunk) => void (frozen || client.write(chunk)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const proxied = new URL(url);
  proxied.hostname = "127.0.0.1";
  proxied.port = String((server.address() as net.AddressInfo).port);
  return {
    url: proxied.toString(),
    freeze: () => void (frozen = true),
    connections: () => taken,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
