/** The "new API token" form, checked the same in the browser and on the server. */
import { z } from "zod";
import { plainText } from "../actions/plain-text";
import { API_SCOPES } from "./scopes";

/** Expiry choices, in days: a token lives at most a year. The server takes these and no others, as the form offers them. */
export const TOKEN_LIFETIMES = [7, 30, 90, 180, 365] as const;
const MAX_TOKEN_DAYS = 365;

export const newTokenSchema = z.object({
  name: plainText().min(1, "Give the token a name, such as the pipeline that uses it.").max(80, "Keep the name under 80 characters."),
  expiresInDays: z.coerce
    .number({ error: "Choose when the token expires." })
    .int()
    .min(1, "Choose when the token expires.")
    .max(MAX_TOKEN_DAYS, "A token lives at most a year.")
    .refine((days) => (TOKEN_LIFETIMES as readonly number[]).includes(days), `Choose one of ${TOKEN_LIFETIMES.join(", ")} days.`),
  scopes: z.array(z.enum(API_SCOPES, { error: "Choose from the listed scopes." }), { error: "Choose at least one scope." }).min(1, "Choose at least one scope.").max(API_SCOPES.length, "Choose each scope at most once."),
});
export type NewTokenInput = z.input<typeof newTokenSchema>;

export const revokeTokenSchema = z.object({ id: z.string().min(1) });
