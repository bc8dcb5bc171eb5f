/**
 * A TCP proxy in front of a PostgreSQL server that a test can freeze: from `freeze()`
 * on, nothing more passes either way, and every connection stays open, as with a
 * production host that hangs (a stuck proxy, a host out of memory) rather than one
 * that goes away. With `answering: false` it takes connections and never answers. From
 * `slow(n)` on, the server's answers pass at most n bytes a second on each connection: a
 * production that still answers, at a trickle.
 */
import net from "node:net";

export interface FreezingProxy {
  /** `url` with the proxy's host and port. */
  url: string;
  freeze(): void;
  slow(bytesPerSecond: number): void;
  /** Connections the proxy has taken so far. */
  connections(): number;
  /** Connections taken and not closed yet: a session its client never ended stays open here. */
  open(): number;
  close(): Promise<void>;
}

export async function freezingProxy(url: string, { answering = true } = {}): Promise<FreezingProxy> {
  const target = new URL(url);
  const sockets = new Set<net.Socket>();
  let frozen = !answering;
  let trickle: number | null = null;
  let taken = 0;
  const clients = new Set<net.Socket>();
  const server = net.createServer((client) => {
    taken++;
    sockets.add(client);
    clients.add(client);
    client.on("error", () => undefined);
    client.on("close", () => {
      sockets.delete(client);
      clients.delete(client);
    });
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
    // At a trickle, the server's answers wait here and go on a tenth of a second's worth at a time
    // (a whole chunk at once, then a long silence, is a hang and a burst, not a trickle); the server's own sending waits meanwhile.
    const pending: Buffer[] = [];
    let draining = false;
    const drip = () => {
      if (frozen || pending.length === 0) {
        draining = false;
        if (!frozen) upstream.resume();
        return;
      }
      let budget = Math.max(1, Math.floor(trickle! / 10));
      while (budget > 0 && pending.length > 0) {
        const head = pending[0]!;
        const part = head.subarray(0, budget);
        client.write(part);
        budget -= part.length;
        if (part.length === head.length) pending.shift();
        else pending[0] = head.subarray(part.length);
      }
      setTimeout(drip, 100);
    };
    upstream.on("data", (chunk: Buffer) => {
      if (frozen) return;
      if (trickle === null) return void client.write(chunk);
      pending.push(chunk);
      upstream.pause();
      if (!draining) {
        draining = true;
        drip();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const proxied = new URL(url);
  proxied.hostname = "127.0.0.1";
  proxied.port = String((server.address() as net.AddressInfo).port);
  return {
    url: proxied.toString(),
    freeze: () => void (frozen = true),
    slow: (bytesPerSecond) => void (trickle = bytesPerSecond),
    connections: () => taken,
    open: () => clients.size,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
