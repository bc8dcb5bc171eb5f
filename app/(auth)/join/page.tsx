import type { Metadata } from "next";
import { AuthCard } from "@/components/auth-card";
import { PasswordLinkForm } from "../_components/password-link-form";

export const metadata: Metadata = { title: "Join Sandbox Portal" };

/**
 * Where an invitation's link leads: the invited person chooses their first password. The
 * same link machinery as a forgotten password's (its token after the `#`), in the words of
 * someone arriving, not of someone who lost a password.
 */
export default function JoinPage() {
  return (
    <AuthCard heading="Welcome to Sandbox Portal" intro="Choose the password you will sign in with: at least 12 characters." backToSignIn>
      <PasswordLinkForm purpose="join" />
    </AuthCard>
  );
}
