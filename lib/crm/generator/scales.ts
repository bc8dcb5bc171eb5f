/**
 * How much of everything each scale holds. Totals: small ≈ 10k rows (seconds),
 * medium ≈ 1M rows and ≈ 0.5–1 GB on disk (mostly document and attachment bytes),
 * large ≈ 10M rows. Per-company and per-ticket figures are averages.
 */
export type Scale = "small" | "medium" | "large";

export interface ScalePlan {
  associates: number;
  companies: number;
  contactsPerCompany: number;
  sales: number;
  projects: number;
  appointments: number;
  documents: number;
  /** Average document size. */
  documentBytes: number;
  inboxAccounts: number;
  messagesPerAccount: number;
  serviceMailboxes: number;
  tickets: number;
  messagesPerTicket: number;
  /** Share of ticket messages that carry an attachment. */
  attachmentRate: number;
  attachmentBytes: number;
}

export const SCALES: Record<Scale, ScalePlan> = {
  small: {
    associates: 40,
    companies: 600,
    contactsPerCompany: 4,
    sales: 1200,
    projects: 120,
    appointments: 2400,
    documents: 250,
    documentBytes: 6 * 1024,
    inboxAccounts: 16,
    messagesPerAccount: 80,
    serviceMailboxes: 4,
    tickets: 400,
    messagesPerTicket: 2.8,
    attachmentRate: 0.12,
    attachmentBytes: 4 * 1024,
  },
  medium: {
    associates: 350,
    companies: 50_000,
    contactsPerCompany: 4,
    sales: 100_000,
    projects: 8_000,
    appointments: 300_000,
    documents: 16_000,
    documentBytes: 24 * 1024,
    inboxAccounts: 250,
    messagesPerAccount: 600,
    serviceMailboxes: 6,
    tickets: 45_000,
    messagesPerTicket: 2.8,
    attachmentRate: 0.12,
    attachmentBytes: 10 * 1024,
  },
  large: {
    associates: 1_500,
    companies: 500_000,
    contactsPerCompany: 4,
    sales: 1_000_000,
    projects: 60_000,
    appointments: 3_000_000,
    documents: 60_000,
    documentBytes: 24 * 1024,
    inboxAccounts: 1_000,
    messagesPerAccount: 1_500,
    serviceMailboxes: 10,
    tickets: 450_000,
    messagesPerTicket: 2.8,
    attachmentRate: 0.1,
    attachmentBytes: 10 * 1024,
  },
};

export function isScale(value: string): value is Scale {
  return value === "small" || value === "medium" || value === "large";
}
