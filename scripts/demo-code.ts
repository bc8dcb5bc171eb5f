/** `npm run demo:code`: the current sign-in code of the demo staff accounts (their TOTP secret is public). */
import { totpCode } from "../lib/auth/totp";
import { DEMO_STAFF_TOTP_SECRET } from "./demo-accounts";

console.log(await totpCode(DEMO_STAFF_TOTP_SECRET));
