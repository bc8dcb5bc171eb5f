import { z } from "zod";

const postgresUrl = z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// or postgresql:// URL" });

export const customerIdSchema = z.string().trim().regex(/^Cust\d{1,10}$/, "must look like Cust12345");

export const tenantInputSchema = z.object({
  customerId: customerIdSchema,
  companyName: z.string().trim().min(1, "is required").max(200),
  productionUrl: postgresUrl,
  sandboxServerUrl: postgresUrl.optional(),
});
export type TenantInput = z.input<typeof tenantInputSchema>;
