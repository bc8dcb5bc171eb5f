/**
 * A DNS server for tests on a free UDP port of 127.0.0.1: it answers A questions for
 * the names it is given, says "no such name" for others, and never answers names
 * marked "hang" (a customer's domain whose servers are down); a name given as
 * `{ a, aaaa: "servfail" }` fails its AAAA questions (servers that mishandle them).
 * It counts questions.
 */
import dgram from "node:dgram";
import type { AddressInfo } from "node:net";

const TYPE_A = 1;

/** The question's name and type, read from a query (no compression in questions). */
function question(query: Buffer): { name: string; type: number; end: number } {
  const labels: string[] = [];
  let at = 12;
  while (query[at]! > 0) {
    labels.push(query.subarray(at + 1, at + 1 + query[at]!).toString("ascii"));
    at += query[at]! + 1;
  }
  return { name: labels.join(".").toLowerCase(), type: query.readUInt16BE(at + 1), end: at + 5 };
}

function answer(query: Buffer, end: number, rcode: number, ipv4: string | null): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  header.writeUInt16BE(0x8180 | rcode, 2); // response, recursion desired and available
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(ipv4 ? 1 : 0, 6);
  const record = ipv4 ? Buffer.concat([Buffer.from([0xc0, 0x0c, 0, TYPE_A, 0, 1, 0, 0, 0, 60, 0, 4]), Buffer.from(ipv4.split(".").map(Number))]) : Buffer.alloc(0);
  return Buffer.concat([header, query.subarray(12, end), record]);
}

export async function startNameServer(names: Record<string, string | "hang" | { a: string; aaaa: "servfail" }>) {
  const socket = dgram.createSocket("udp4");
  const asked: string[] = [];
  socket.on("message", (query, from) => {
    const { name, type, end } = question(query);
    asked.push(name);
    const known = names[name];
    if (known === "hang") return;
    const reply =
      known === undefined ? answer(query, end, 3, null)
      : typeof known === "object" ? (type === TYPE_A ? answer(query, end, 0, known.a) : answer(query, end, 2, null))
      : answer(query, end, 0, type === TYPE_A ? known : null);
    socket.send(reply, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address() as AddressInfo;
  return {
    server: `127.0.0.1:${port}`,
    asked,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
