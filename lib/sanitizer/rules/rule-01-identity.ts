/**
 * Rule 1, identity: the copy's installation row says it is this sandbox, copied
 * from that production at the snapshot. Written after the copy (one row).
 */
import { check, offendingRows, type ContractRule } from "./rule";

function sandboxSerialNumber(companyName: string, serialNumber: string): string {
  return `Test Env - ${companyName}/${serialNumber}`;
}


const CHANGE_LABELS: Record<string, string> = { "installation.updated": "Installation marked as a sandbox, with its own customer key" };

export const identityRule: ContractRule = {
  rule: 1,
  title: "Identity",
  async afterCopy(tx, input) {
    const identity = await tx.installation.updateMany({
      data: {
        environment: "sandbox",
        customerId: input.sandboxCustomerId,
        sourceCustomerId: input.sourceCustomerId,
        copiedAt: input.snapshotAt,
        serialNumber: sandboxSerialNumber(input.sourceCompanyName, input.sourceSerialNumber),
        state: input.options.stateAfterCopy,
      },
    });
    return { "installation.updated": identity.count };
  },
  changeLabel: (key) => CHANGE_LABELS[key],
  checks: [
    check(1, "installation is this sandbox's identity", (c, e) =>
      offendingRows(
        c,
        `SELECT format('installation %s: environment=%s customer_id=%s source=%s copied_at=%s serial=%s state=%s',
                       id, environment, customer_id, source_customer_id, copied_at, serial_number, state) AS o
           FROM installation
          WHERE (environment, customer_id, source_customer_id, copied_at, serial_number, state)
                IS DISTINCT FROM ('sandbox', $1, $2, $3::timestamptz, $4, $5)
             OR (SELECT count(*) FROM installation) <> 1`,
        [e.sandboxCustomerId, e.sourceCustomerId, e.snapshotAt, sandboxSerialNumber(e.sourceCompanyName, e.sourceSerialNumber), e.options.stateAfterCopy],
      ),
    ),
  ],
};
