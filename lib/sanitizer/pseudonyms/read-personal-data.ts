/**
 * The one way in to rule 18's values and pseudonyms, for the copy and the wizard's
 * dry run: production's values read in the snapshot, the pseudonyms and the scrubber
 * built from them. The module behind them is imported on first use: faker's locales
 * take about 40 MB of a process's memory, which every copy and dry run that keeps
 * personal data as it is are spared.
 */
import type pg from "pg";
import type { Classification } from "../classification";
import type { RuleTable } from "../rules/rule";
import type { PersonalData } from "./personal-data";
import { readProductionValues } from "./read-values";
import { productionValues } from "./values";

/** `sessions`: the snapshot's sessions this may read on, each one statement at a time. */
export async function readPersonalData(
  sessions: readonly pg.ClientBase[],
  tables: readonly RuleTable[],
  classification: Classification,
  secret: string,
  invalidationDomain: string,
): Promise<PersonalData> {
  // faker loads while production answers.
  const [{ PersonalData }, raw] = await Promise.all([import("./personal-data"), readProductionValues(sessions, tables, classification)]);
  return PersonalData.build(productionValues(raw), raw, secret, invalidationDomain);
}
