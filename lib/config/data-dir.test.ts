import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { dataDir, outboxDir } from "./data-dir";

const saved = { DATA_DIR: process.env.DATA_DIR, OUTBOX_DIR: process.env.OUTBOX_DIR };
afterEach(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe("the data folder and the outbox", () => {
  it("are read when asked for, so a DATA_DIR that .env sets after the imports counts", () => {
    process.env.DATA_DIR = "/srv/portal-data";
    delete process.env.OUTBOX_DIR;
    expect(dataDir()).toBe("/srv/portal-data");
    expect(outboxDir()).toBe("/srv/portal-data/outbox");
  });

  it("set to nothing are unset: never the current folder", () => {
    process.env.DATA_DIR = " ";
    process.env.OUTBOX_DIR = "";
    expect(dataDir()).toBe(path.resolve(".data"));
    expect(outboxDir()).toBe(path.resolve(".data/outbox"));
  });

  it("OUTBOX_DIR, when given, is where mail waits", () => {
    process.env.DATA_DIR = "/srv/portal-data";
    process.env.OUTBOX_DIR = "/var/mail/portal";
    expect(outboxDir()).toBe("/var/mail/portal");
  });
});
