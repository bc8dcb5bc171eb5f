import NextAuth from "next-auth";
import { authOptions, publicOrigin, secureCookies } from "@/lib/auth/options";
import { deviceCookieHeader } from "@/lib/auth/known-device";
import { requestOrigin } from "@/lib/http/request-origin";

async function handler(request: Request, context: { params: Promise<{ nextauth: string[] }> }) {
  // next-auth 4 reads params synchronously; Next 16 hands them over as a promise.
  const params = await context.params;
  let knownDevice: string | undefined;
  const options = authOptions(requestOrigin(request.headers) ?? publicOrigin(), (value) => (knownDevice = value));
  const answer = await (NextAuth(options) as (req: Request, ctx: { params: { nextauth: string[] } }) => Promise<Response>)(request, { params });
  if (knownDevice === undefined) return answer;
  // A password sign-in that passed: the browser is known to the account from now on (lib/auth/known-device.ts).
  const withDevice = new Response(answer.body, answer);
  withDevice.headers.append("Set-Cookie", deviceCookieHeader(knownDevice, secureCookies()));
  return withDevice;
}

export { handler as GET, handler as POST };
