import { z } from "zod";

export const signInSchema = z.object({
  email: z.email("Enter a valid e-mail address").max(254),
  password: z.string().min(1, "Enter your password").max(1024),
  /** The second step: a TOTP code or a recovery code, once the server asked for it. */
  code: z.string().trim().max(32, "Enter the 6-digit code or a recovery code").optional(),
});
export type SignInInput = z.infer<typeof signInSchema>;
