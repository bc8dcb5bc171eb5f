/** Keys: re-seal every stored secret under the current DATABASE_SECRETS_KEY. */
import { currentKeyId } from "../../lib/secrets/secret-box";
import { resealAllSecrets } from "../../lib/secrets/secret-rotation";
import { recordAudit } from "../../lib/audit/record";

export async function rotateSecrets(): Promise<void> {
  const report = await resealAllSecrets();
  // Who rotated, when and to which key, for the audit log: the key's id only, never the key.
  await recordAudit({ action: "secrets.resealed", actorId: null, tenantId: null, details: { via: "operator CLI", keyId: currentKeyId(), ...report } });
  console.log(
    `re-sealed ${report.resealed} secret(s) under key ${currentKeyId()}; ${report.alreadyCurrent} already were; ` +
      `${report.changedMeanwhile} changed meanwhile (written under the current key)`,
  );
  console.log("nothing is sealed with an older key now: DATABASE_SECRETS_PREVIOUS_KEYS can be emptied");
}
