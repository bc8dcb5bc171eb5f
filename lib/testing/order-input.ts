/** A valid order as the order form sends it (2 Sales Premium, 1 Service Premium, both acknowledgements); `overrides` replace fields. */
export const orderInput = (overrides: Record<string, unknown> = {}) => ({
  name: "Training copy",
  planCounts: { "sales-essentials": 0, "sales-premium": 2, "service-essentials": 0, "service-premium": 1, marketing: 0, complete: 0 },
  note: "",
  acknowledgeDeadEnd: true as const,
  acknowledgeNotBackup: true as const,
  ...overrides,
});
