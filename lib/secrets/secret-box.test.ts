import { createCipheriv, randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { currentKeyId, needsResealing, openSecret, sealSecret } from "./secret-box";

const newKey = () => randomBytes(32).toString("base64");
const saved = { ...process.env };

function useKeys(current: string, previous?: string[]): void {
  process.env.DATABASE_SECRETS_KEY = current;
  if (previous) process.env.DATABASE_SECRETS_PREVIOUS_KEYS = previous.join(",");
  else delete process.env.DATABASE_SECRETS_PREVIOUS_KEYS;
}

/** A value in the format stored before key ids existed ("v1:<iv>:<tag>:<ciphertext>"). */
function sealV1(plaintext: string, key: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", Buffer.from(key, "base64"), iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), body].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(":");
}

afterEach(() => {
  process.env.DATABASE_SECRETS_KEY = saved.DATABASE_SECRETS_KEY;
  process.env.DATABASE_SECRETS_PREVIOUS_KEYS = saved.DATABASE_SECRETS_PREVIOUS_KEYS;
  if (saved.DATABASE_SECRETS_PREVIOUS_KEYS === undefined) delete process.env.DATABASE_SECRETS_PREVIOUS_KEYS;
});

describe("sealed secrets with rotating keys", () => {
  const url = "postgres://reader:s3cret@crm-db:5432/cust1";

  it("records the sealing key's id, and never the plaintext", () => {
    useKeys(newKey());
    const sealed = sealSecret(url);
    expect(sealed.startsWith(`v2:${currentKeyId()}:`)).toBe(true);
    expect(sealed).not.toContain("s3cret");
    expect(openSecret(sealed)).toBe(url);
    expect(needsResealing(sealed)).toBe(false);
  });

  it("opens values sealed with a previous key while it is listed, and only then", () => {
    const [oldKey, key] = [newKey(), newKey()];
    useKeys(oldKey);
    const sealed = sealSecret(url);
    useKeys(key, [newKey(), oldKey]);
    expect(openSecret(sealed)).toBe(url);
    expect(needsResealing(sealed)).toBe(true);
    useKeys(key);
    expect(() => openSecret(sealed)).toThrow(/neither DATABASE_SECRETS_KEY nor in DATABASE_SECRETS_PREVIOUS_KEYS/);
  });

  it("opens legacy v1 values with whichever configured key authenticates them, and marks them for re-sealing", () => {
    const [oldKey, key] = [newKey(), newKey()];
    const legacy = sealV1(url, oldKey);
    useKeys(key, [oldKey]);
    expect(openSecret(legacy)).toBe(url);
    expect(needsResealing(legacy)).toBe(true);
    useKeys(key);
    expect(() => openSecret(legacy)).toThrow(/none of the configured keys/);
  });

  it("refuses a tampered value and names no key material in its errors", () => {
    const key = newKey();
    useKeys(key);
    const parts = sealSecret(url).split(":");
    parts[4] = Buffer.from("tampered").toString("base64url");
    const error = (() => { try { openSecret(parts.join(":")); } catch (e) { return e as Error; } })();
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).not.toContain(key);
  });

  it("rejects a malformed previous key instead of ignoring it", () => {
    useKeys(newKey(), ["not-a-key"]);
    const sealed = sealSecret(url); // sealing needs only the current key
    expect(() => openSecret(sealed)).toThrow(/DATABASE_SECRETS_PREVIOUS_KEYS must be 32 bytes/);
  });
});
