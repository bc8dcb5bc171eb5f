import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { usePortalDatabase } from "../testing/portal-db";

usePortalDatabase();

const { db } = await import("../db/portal");
const { openSecret, sealSecret, needsResealing } = await import("./secret-box");
const { resealAllSecrets, SEALED_COLUMNS } = await import("./secret-rotation");

const newKey = () => randomBytes(32).toString("base64");

describe("secrets:rotate", () => {
  const oldKey = newKey();
  const key = newKey();

  beforeAll(async () => {
    process.env.DATABASE_SECRETS_KEY = oldKey;
    delete process.env.DATABASE_SECRETS_PREVIOUS_KEYS;
    await db.tenant.create({
      data: {
        customerId: "CustRot1", companyName: "Rot One",
        productionUrlEncrypted: sealSecret("postgres://a:pw1@h/one"),
      },
    });
    await db.sandboxServer.create({ data: { name: "rot-server", urlEncrypted: sealSecret("postgres://b:pw2@h/") } });
    await db.user.create({
      data: { email: "staff@rot.example", name: "Staff", role: "OPERATOR", passwordHash: "x", totpSecretEncrypted: sealSecret("JBSWY3DPEHPK3PXP") },
    });
  });

  it("re-seals every stored secret under the new key while both keys work, then the old key can go", async () => {
    process.env.DATABASE_SECRETS_KEY = key;
    process.env.DATABASE_SECRETS_PREVIOUS_KEYS = oldKey;
    expect(await resealAllSecrets()).toEqual({ resealed: 3, alreadyCurrent: 0, changedMeanwhile: 0 });
    expect(await resealAllSecrets()).toEqual({ resealed: 0, alreadyCurrent: 3, changedMeanwhile: 0 });

    delete process.env.DATABASE_SECRETS_PREVIOUS_KEYS;
    const tenant = await db.tenant.findUniqueOrThrow({ where: { customerId: "CustRot1" } });
    const user = await db.user.findUniqueOrThrow({ where: { email: "staff@rot.example" } });
    expect(openSecret(tenant.productionUrlEncrypted!)).toBe("postgres://a:pw1@h/one");
    const server = await db.sandboxServer.findUniqueOrThrow({ where: { name: "rot-server" } });
    expect(openSecret(server.urlEncrypted!)).toBe("postgres://b:pw2@h/");
    expect(openSecret(user.totpSecretEncrypted!)).toBe("JBSWY3DPEHPK3PXP");
    expect(needsResealing(tenant.productionUrlEncrypted!)).toBe(false);
  });

  it("stops, changing nothing further, when a value opens with no configured key", async () => {
    process.env.DATABASE_SECRETS_KEY = newKey(); // the key that sealed everything is not listed
    await expect(resealAllSecrets()).rejects.toThrow(/neither DATABASE_SECRETS_KEY/);
    process.env.DATABASE_SECRETS_KEY = key;
    const tenant = await db.tenant.findUniqueOrThrow({ where: { customerId: "CustRot1" } });
    expect(openSecret(tenant.productionUrlEncrypted!)).toBe("postgres://a:pw1@h/one");
  });

  it("knows every sealed column in the schema", async () => {
    const columns = await db.$queryRaw<{ table_name: string; column_name: string }[]>`
      SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND column_name LIKE '%Encrypted' ORDER BY 1, 2`;
    expect(columns.map((c) => `${c.table_name}.${c.column_name}`)).toEqual(
      SEALED_COLUMNS.map((c) => `${c.table}.${c.column}`).sort(),
    );
  });
});
