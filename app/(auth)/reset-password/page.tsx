import type { Metadata } from "next";
import { AuthCard } from "@/components/auth-card";
import { PasswordLinkForm } from "../_components/password-link-form";

export const metadata: Metadata = { title: "Set a new password" };

/** Where a mailed password link leads: its token is after the `#`, read by the form, never sent with the page's request. */
export default function ResetPasswordPage() {
  return (
    <AuthCard heading="Set a new password" intro="At least 12 characters. Every session of your account is signed out once it is set." backToSignIn>
      <PasswordLinkForm purpose="reset" />
    </AuthCard>
  );
}
