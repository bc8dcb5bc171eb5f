/**
 * next-auth configuration: e-mail + password (always), OIDC single sign-on
 * (when OIDC_* is set), JWT sessions that expire after SESSION_MAX_AGE_HOURS.
 * The token carries only the user id, the moment of sign-in and whether a
 * second factor was checked; role and tenant are re-read from the database on
 * every request (lib/auth/actor.ts), which also refuses staff sessions
 * without a second factor.
 */
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { Provider } from "next-auth/providers/index";
import { DEFAULT_PORTAL_URL, env, oidcEnabled } from "../config/env";
import { safeCallbackPath } from "./callback-url";
import { checkCredentials } from "./credentials";
import { endSession, startSessionOver } from "./sessions";
import { signInSchema } from "./schema";
import { SIGN_IN_ERROR } from "./sign-in-errors";
import { boundAccountId, ssoAccount } from "./sso-account";
import { log } from "../observability/log";
import { forwardedClientAddress } from "../http/client-address";
import { deviceValueFrom } from "./known-device";

const clientIp = (headers: Record<string, unknown> | undefined) => forwardedClientAddress(headers?.["x-forwarded-for"]);

export function publicOrigin(): string {
  return new URL(env().NEXTAUTH_URL ?? DEFAULT_PORTAL_URL).origin;
}

/** Whether the portal's cookies are Secure (and prefixed): its public URL is https. */
export const secureCookies = () => publicOrigin().startsWith("https://");

/** `onKnownDevice`: takes a signed-in browser's new known-device cookie (lib/auth/known-device.ts), for the route to set. */
function providers(onKnownDevice?: (value: string) => void): Provider[] {
  const list: Provider[] = [
    CredentialsProvider({
      name: "E-mail and password",
      credentials: { email: { type: "email" }, password: { type: "password" }, code: { type: "text" } },
      async authorize(raw, req) {
        const parsed = signInSchema.safeParse(raw);
        if (!parsed.success) throw new Error(SIGN_IN_ERROR.invalid);
        // next-auth hands the message of whatever is thrown here to the browser: only a code of ours.
        const device = deviceValueFrom(typeof req?.headers?.cookie === "string" ? req.headers.cookie : undefined, secureCookies());
        const result = await checkCredentials(parsed.data.email, parsed.data.password, clientIp(req?.headers), parsed.data.code, device).catch((error: unknown) => {
          log.error(error, "sign-in check failed");
          throw new Error(SIGN_IN_ERROR.unavailable);
        });
        if (result.ok) {
          onKnownDevice?.(result.device);
          return { id: result.user.id, email: result.user.email, name: result.user.name, twoFactor: result.twoFactor, passwordChangedAt: result.passwordChangedAt.getTime() };
        }
        throw new Error(SIGN_IN_ERROR[result.reason]);
      },
    }),
  ];
  if (oidcEnabled()) {
    const e = env();
    list.push({
      id: "oidc",
      name: e.OIDC_NAME,
      type: "oauth",
      wellKnown: `${e.OIDC_ISSUER!.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId: e.OIDC_CLIENT_ID,
      clientSecret: e.OIDC_CLIENT_SECRET,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"],
      // An address the provider has not said it verified is anybody's to claim: it matches no
      // account. Some providers never say, and some let a user (or a tenant's admin) set any
      // address: trusting their silence let whoever set "admin@other.example" sign in as that
      // admin. Only an operator who knows their provider lets no one do that says to trust it.
      profile(profile: { sub: string; email?: string; email_verified?: boolean | string; name?: string }) {
        const verified = profile.email_verified === true || profile.email_verified === "true" || (profile.email_verified === undefined && e.OIDC_TRUST_UNVERIFIED_EMAIL);
        return { id: profile.sub, email: verified ? (profile.email ?? null) : null, name: profile.name ?? null };
      },
    });
  }
  return list;
}

/** The provider's issuer as bindings name it: the configured one, without a trailing slash. */
const oidcIssuer = () => env().OIDC_ISSUER!.replace(/\/$/, "");

/**
 * Where redirects send a browser that came in on `requestOrigin`: that origin, so a portal opened
 * on another host name keeps its cookie; but on the public URL's host name, the public URL's own
 * scheme and port. The request's scheme is only the socket's unless a trusted proxy said
 * otherwise (client-address.ts): behind a TLS proxy nobody named in TRUSTED_PROXIES, every
 * request read as http, and signing out sent the browser to http://, where the next sign-in
 * would carry the password in clear text.
 */
function returnOrigin(requestOrigin: string): string {
  const publicUrl = publicOrigin();
  return URL.parse(requestOrigin)?.hostname === new URL(publicUrl).hostname ? publicUrl : requestOrigin;
}

/**
 * `requestOrigin`: the origin the request came in on (the auth route passes it), so redirects
 * keep the browser there (returnOrigin). `onKnownDevice`: where the route takes a sign-in's known-device cookie.
 */
export function authOptions(requestOrigin = publicOrigin(), onKnownDevice?: (value: string) => void): NextAuthOptions {
  const maxAge = env().SESSION_MAX_AGE_HOURS * 3600;
  const backTo = returnOrigin(requestOrigin);
  return {
    secret: env().NEXTAUTH_SECRET,
    // Secure cookies (and their __Secure- prefix) whenever the portal's public URL is https.
    useSecureCookies: secureCookies(),
    session: { strategy: "jwt", maxAge },
    jwt: { maxAge },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: providers(onKnownDevice),
    callbacks: {
      // Single sign-on admits only people who already have a portal account: found by
      // its verified address once, bound to the provider's identity from then on
      // (sso-account.ts). Accounts and their tenant are never created from an IdP claim.
      async signIn({ user, account }) {
        if (account?.provider !== "oidc") return true;
        const verdict = await ssoAccount({ issuer: oidcIssuer(), subject: account.providerAccountId, email: user.email ?? null });
        return "userId" in verdict ? true : verdict.refused;
      },
      async jwt({ token, user, account }) {
        if (user) {
          let userId = user.id;
          if (account?.provider === "oidc") {
            const bound = await boundAccountId(oidcIssuer(), account.providerAccountId);
            if (!bound) throw new Error("single sign-on identity without its account");
            userId = bound;
          }
          token.sub = userId;
          token.authAt = Math.floor(Date.now() / 1000);
          // Over the password this sign-in checked: one set meanwhile (a reset, a change) opens no session, and the token is no one's.
          const signedInOver = typeof user.passwordChangedAt === "number" ? new Date(user.passwordChangedAt) : undefined;
          token.sid = (await startSessionOver(userId, signedInOver)) ?? undefined;
          token.twoFactor = user.twoFactor === true;
        }
        return token;
      },
      session({ session, token }) {
        return { ...session, userId: token.sub, authAt: token.authAt, sessionId: token.sid, twoFactor: token.twoFactor };
      },
      // Only a path on this portal, on the origin the browser is already on (see callback-url.ts).
      redirect({ url, baseUrl }) {
        return `${backTo}${safeCallbackPath(url, [requestOrigin, baseUrl])}`;
      },
    },
    events: {
      // Every way of signing out goes through next-auth's sign-out route, which fires this.
      async signOut({ token }) {
        if (token?.sid) await endSession(token.sid);
      },
    },
  };
}
