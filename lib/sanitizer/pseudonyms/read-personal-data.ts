/**
 * The one way in to rule 18's values and pseudonyms (PersonalData.read), for the copy
 * and the wizard's dry run. The module behind it is imported on first use: faker's
 * locales take about 40 MB of a process's memory, which every copy and dry run that
 * keeps personal data as it is are spared.
 */
import type { PersonalData } from "./personal-data";

export async function readPersonalData(...args: Parameters<typeof PersonalData.read>): Promise<PersonalData> {
  const { PersonalData } = await import("./personal-data");
  return PersonalData.read(...args);
}
