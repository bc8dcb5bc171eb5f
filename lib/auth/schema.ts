import { z } from "zod";

export const signInSchema = z.object({
  email: z.email("Enter a valid e-mail address").max(254),
  password: z.string().min(1, "Enter your password").max(1024),
});
export type SignInInput = z.infer<typeof signInSchema>;
