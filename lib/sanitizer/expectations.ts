/**
 * What a finished copy must satisfy, beyond what the copy itself shows: recorded by
 * provisionSandbox from the snapshot and kept in the report, so the verifier can
 * re-check a copy at any time from a fresh connection, without production.
 */
import type { Classification } from "./classification";
import type { SandboxOptions } from "./options";

export interface CarriedRowKey {
  id: number;
  name: string;
}

export interface SandboxExpectations {
  sourceCustomerId: string;
  sandboxCustomerId: string;
  /** ISO 8601 */
  snapshotAt: string;
  sourceCompanyName: string;
  sourceSerialNumber: string;
  serviceMailboxAddress: string;
  /** Id given to the sandbox's own mailbox: above every production mailbox id. */
  newMailboxId: number;
  options: SandboxOptions;
  classification: Classification;
  /** Rows copied from the snapshot, per table (after the rules' row filters). */
  tableRows: Record<string, number>;
  /** Tickets rule 5 closed. */
  ticketsClosed: number;
  /** Opt-in preferences rule 11 created because production lacked them (absent in older reports: 0). */
  preferencesCreated?: number;
  /** Rule 17, partial copy: per table, production's rows of the chosen companies that the copy must hold. */
  chosenRows?: Record<string, number>;
  /** Rule 8: the rows carried from the previous copy (empty for a first copy). */
  carried: { appAuthorizations: CarriedRowKey[]; webhooks: CarriedRowKey[] };
}
