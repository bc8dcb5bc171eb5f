/**
 * Encryption of secrets at rest (tenants' database URLs hold passwords; staff
 * TOTP secrets): AES-256-GCM, a fresh IV per value.
 *
 * Keys rotate. DATABASE_SECRETS_KEY seals; it and every key in
 * DATABASE_SECRETS_PREVIOUS_KEYS (comma-separated) open. Each sealed value
 * names the key that sealed it by a key id derived from the key itself, so
 * operators never number keys by hand and two different keys can never share
 * an id. Stored form: "v2:<key id>:<iv>:<tag>:<ciphertext>" (base64url parts).
 * Values sealed before key ids ("v1:<iv>:<tag>:<ciphertext>") are opened with
 * whichever configured key authenticates them; `secrets:rotate` re-seals them.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

interface SecretKey {
  id: string;
  bytes: Buffer;
}

const KEY_HELP = "must be 32 bytes, base64-encoded (openssl rand -base64 32)";

function parseKey(raw: string, variable: string): SecretKey {
  const bytes = Buffer.from(raw.trim(), "base64");
  if (bytes.length !== 32) throw new Error(`${variable} ${KEY_HELP}`);
  return { id: keyId(bytes), bytes };
}

/** Public by design: a hash of a 256-bit random key tells nothing about the key. */
function keyId(bytes: Buffer): string {
  return createHash("sha256").update("sandbox-portal secret key id\0").update(bytes).digest("hex").slice(0, 12);
}

function currentKey(): SecretKey {
  return parseKey(process.env.DATABASE_SECRETS_KEY ?? "", "DATABASE_SECRETS_KEY");
}

function openingKeys(): SecretKey[] {
  const previous = (process.env.DATABASE_SECRETS_PREVIOUS_KEYS ?? "")
    .split(",")
    .filter((raw) => raw.trim() !== "")
    .map((raw) => parseKey(raw, "each of DATABASE_SECRETS_PREVIOUS_KEYS"));
  return [currentKey(), ...previous];
}

/** The id sealed values carry when sealed now. */
export function currentKeyId(): string {
  return currentKey().id;
}

export function sealSecret(plaintext: string): string {
  const key = currentKey();
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key.bytes, iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v2", key.id, ...[iv, cipher.getAuthTag(), body].map((part) => part.toString("base64url"))].join(":");
}

export function openSecret(sealed: string): string {
  const parts = sealed.split(":");
  if (parts[0] === "v2" && parts.length === 5) {
    const [, id, iv, tag, body] = parts as [string, string, string, string, string];
    const key = openingKeys().find((k) => k.id === id);
    // Names the key id (public), never the key: the operator learns which old key to put back.
    if (!key) throw new Error(`Sealed secret uses key ${id}, which is neither DATABASE_SECRETS_KEY nor in DATABASE_SECRETS_PREVIOUS_KEYS`);
    return decrypt(key, iv, tag, body);
  }
  if (parts[0] === "v1" && parts.length === 4) {
    const [, iv, tag, body] = parts as [string, string, string, string];
    for (const key of openingKeys()) {
      try {
        return decrypt(key, iv, tag, body);
      } catch {
        // GCM's tag check failed: not this key; try the next one.
      }
    }
    throw new Error("Sealed secret (v1) opens with none of the configured keys");
  }
  throw new Error("Unrecognised sealed secret");
}

/** Whether `sealed` would be re-sealed by a rotation: it names an older key, or no key at all. */
export function needsResealing(sealed: string): boolean {
  return !sealed.startsWith(`v2:${currentKeyId()}:`);
}

function decrypt(key: SecretKey, iv: string, tag: string, body: string): string {
  const decipher = createDecipheriv("aes-256-gcm", key.bytes, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
}
