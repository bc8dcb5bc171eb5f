/**
 * A mail server that stops answering holds a mail for seconds, not nodemailer's minutes:
 * mails go out from a worker's run slot, which every tenant's runs share. Without one,
 * the outbox keeps the mails from the machine's other users.
 */
import { readdir, stat } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { makeTempDir } from "../testing/temp-dir";
import { sendMail, SMTP_LIMITS } from "./mailer";

const MAIL = { to: ["kari@customer.example"], subject: "Your sandbox is ready", text: "Ready.", html: "<p>Ready.</p>" };
const servers: net.Server[] = [];

/** An SMTP server that greets (or not), then never answers a word. */
async function silentSmtpServer(greets: boolean): Promise<string> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    if (greets) socket.write("220 mail.example ESMTP\r\n");
  });
  server.on("close", () => sockets.forEach((s) => s.destroy()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return `smtp://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

afterEach(async () => {
  vi.unstubAllEnvs();
  for (const server of servers.splice(0)) {
    server.close();
    server.emit("close");
  }
});

describe("sending a mail", () => {
  it("gives up on a server that never greets, and on one that stops answering mid-conversation", async () => {
    const short = { ...SMTP_LIMITS, greetingTimeout: 300, socketTimeout: 300 };
    vi.stubEnv("SMTP_URL", await silentSmtpServer(false));
    await expect(sendMail(MAIL, short)).rejects.toMatchObject({ code: expect.stringMatching(/TIMEDOUT|ETIMEDOUT/) });
    vi.stubEnv("SMTP_URL", await silentSmtpServer(true));
    await expect(sendMail(MAIL, short)).rejects.toMatchObject({ code: expect.stringMatching(/TIMEDOUT|ETIMEDOUT/) });
  });
});

describe("the outbox", () => {
  it("keeps each mail, which may hold a password link or an invitation, readable by the portal's own user only", async () => {
    const dir = path.join(await makeTempDir("private-outbox-"), "outbox");
    vi.stubEnv("OUTBOX_DIR", dir);
    vi.stubEnv("SMTP_URL", "");
    await sendMail({ ...MAIL, subject: "Set a new password", text: "https://portal.example/reset-password#secret-token" });
    const [file] = await readdir(dir);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(dir, file!))).mode & 0o777).toBe(0o600);
  });
});
