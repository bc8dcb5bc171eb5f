import { z } from "zod";

/** The shortest password the portal sets (the CLI's and a person's own); no longest but the sign-in form's bound. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;

export const signInSchema = z.object({
  email: z.email("Enter a valid e-mail address").max(254),
  password: z.string().min(1, "Enter your password").max(PASSWORD_MAX_LENGTH),
  /** The second step: a TOTP code or a recovery code, once the server asked for it. */
  code: z.string().trim().max(32, "Enter the 6-digit code or a recovery code").optional(),
});
export type SignInInput = z.infer<typeof signInSchema>;

/** A new password and the same again, as every form that sets one asks for it. */
const newPassword = {
  newPassword: z
    .string()
    .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
    .max(PASSWORD_MAX_LENGTH, `Use at most ${PASSWORD_MAX_LENGTH.toLocaleString("en")} characters.`),
  confirmPassword: z.string().max(PASSWORD_MAX_LENGTH),
};
const typedTwice = (v: { newPassword: string; confirmPassword: string }, ctx: z.RefinementCtx) => {
  if (v.confirmPassword !== v.newPassword) ctx.addIssue({ code: "custom", path: ["confirmPassword"], message: "Type the same new password again." });
};

/** A signed-in person's own new password, with the current one (lib/auth/password-change.ts). */
export const changePasswordSchema = z
  .object({ currentPassword: z.string().min(1, "Enter your current password.").max(PASSWORD_MAX_LENGTH), ...newPassword })
  .superRefine((v, ctx) => {
    if (v.newPassword && v.newPassword === v.currentPassword) ctx.addIssue({ code: "custom", path: ["newPassword"], message: "Choose a password other than your current one." });
    typedTwice(v, ctx);
  });
export type ChangePasswordInput = z.input<typeof changePasswordSchema>;

/** Turning on one's own two-factor sign-in (lib/auth/two-factor-setup.ts): the sealed offer, a code from the app, the current password. */
export const twoFactorSetupSchema = z.object({
  offer: z.string().min(1).max(2_000),
  // As an app shows it, "123 456" too.
  code: z
    .string()
    .transform((v) => v.replace(/\s/g, ""))
    .pipe(z.string().regex(/^\d{6}$/, "Enter the 6-digit code your app shows.")),
  currentPassword: z.string().min(1, "Enter your current password.").max(PASSWORD_MAX_LENGTH),
});
export type TwoFactorSetupInput = z.input<typeof twoFactorSetupSchema>;

/**
 * What a person with two-factor sign-in on shows before changing it (lib/auth/two-factor-manage.ts):
 * the current password, and a code from the app they have now or one of their unused recovery codes
 * (what those are for: a lost phone). An app's code may come as "123 456".
 */
export const currentSecondFactorSchema = z.object({
  currentPassword: z.string().min(1, "Enter your current password.").max(PASSWORD_MAX_LENGTH),
  currentCode: z
    .string()
    .trim()
    .min(1, "Enter the code your app shows now, or one of your recovery codes.")
    .max(32, "Enter the 6-digit code your app shows now, or one of your recovery codes.")
    .transform((v) => (/^\d{3}\s+\d{3}$/.test(v) ? v.replace(/\s/g, "") : v)),
});
export type CurrentSecondFactorInput = z.input<typeof currentSecondFactorSchema>;

/** Moving two-factor sign-in to a new phone: the new key's offer and a code from the new app, with the current password and second factor. */
export const replaceTwoFactorSchema = twoFactorSetupSchema.extend(currentSecondFactorSchema.shape);
export type ReplaceTwoFactorInput = z.input<typeof replaceTwoFactorSchema>;

/** Asking for a link to set a new password (lib/auth/password-reset.ts). */
export const requestPasswordResetSchema = z.object({ email: z.email("Enter a valid e-mail address").max(254) });
export type RequestPasswordResetInput = z.input<typeof requestPasswordResetSchema>;

/** A new password set with a mailed link's token. */
export const resetPasswordSchema = z.object({ token: z.string().min(16).max(200), ...newPassword }).superRefine(typedTwice);
export type ResetPasswordInput = z.input<typeof resetPasswordSchema>;
