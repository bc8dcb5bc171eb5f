import type { Metadata } from "next";
import { AuthCard } from "@/components/auth-card";
import { ForgotPasswordForm } from "./_components/forgot-password-form";

export const metadata: Metadata = { title: "Forgot your password" };

/** Asking for a link to set a new password (lib/auth/password-reset.ts): open to anyone, and it tells nobody whether an address has an account. */
export default function ForgotPasswordPage() {
  return (
    <AuthCard heading="Forgot your password?" intro="Give your account's e-mail address: we mail it a link to set a new password." backToSignIn>
      <ForgotPasswordForm />
    </AuthCard>
  );
}
