/** The demo tenants and accounts the seed creates (listed in the README). */
import type { Role } from "../lib/generated/portal/enums";

export const DEMO_PASSWORD = "sandbox-demo-2026";

/**
 * The TOTP secret (base32) the seed enrols the demo sales rep and operator
 * with: add it to any authenticator app, or run `npm run demo:code`. Public on
 * purpose, like the demo password: demo data only.
 */
export const DEMO_STAFF_TOTP_SECRET = "SANDBOXPORTALDEMOSTAFFTOTP234567";

export const DEMO_TENANTS = [
  { customerId: "Cust10001", companyName: "Nordlys Consulting AS", seed: 10001 },
  { customerId: "Cust10002", companyName: "Fjordline Logistics AB", seed: 10002 },
  { customerId: "Cust10003", companyName: "Bergen Bakeri & Kafé", seed: 10003 },
] as const;

export const DEMO_USERS: { email: string; name: string; role: Role; customerId: string | null }[] = [
  { email: "admin@nordlys.example", name: "Ingrid Nordlys", role: "CUSTOMER_ADMIN", customerId: "Cust10001" },
  { email: "user@nordlys.example", name: "Ola Hansen", role: "CUSTOMER_USER", customerId: "Cust10001" },
  { email: "admin@fjordline.example", name: "Karin Lind", role: "CUSTOMER_ADMIN", customerId: "Cust10002" },
  { email: "user@fjordline.example", name: "Erik Berg", role: "CUSTOMER_USER", customerId: "Cust10002" },
  { email: "admin@bergenbakeri.example", name: "Sofie Dahl", role: "CUSTOMER_ADMIN", customerId: "Cust10003" },
  { email: "sales@sandbox-portal.example", name: "Sam Seller", role: "SALES_REP", customerId: null },
  { email: "operator@sandbox-portal.example", name: "Olivia Operator", role: "OPERATOR", customerId: null },
];
