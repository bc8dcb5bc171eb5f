/**
 * What each kind of sandbox holds and what its copy moves: rows and bytes from
 * production's footprint, and the expected duration. Isomorphic and pure: the order
 * form and the wizard show the same figures. A new kind joins SANDBOX_KINDS
 * (lib/sanitizer/options.ts) and gets one entry in KIND_SIZES; the type checker
 * asks for it.
 */
import { DEFAULT_SHARE_PERCENT, KIND_LABEL, SANDBOX_KINDS, type SandboxKind } from "../sanitizer/options";
import { baseCopyBytes, estimateSeconds, type ProductionFootprint, type Throughput } from "./estimate";

export interface KindSize {
  /** The planner's estimate of the rows copied. */
  rows: number;
  /** Bytes copied by default (documents and attachments only when chosen in the wizard). */
  bytes: number;
}

export interface KindOffer extends KindSize {
  kind: SandboxKind;
  label: string;
  /** What it holds and what it is for, in the customer's words. */
  holds: string;
  seconds: number;
}

const KIND_SIZES: Record<SandboxKind, { holds: string; size: (f: ProductionFootprint) => KindSize }> = {
  full: {
    holds: "every customer record (companies, contacts, sales, projects, tickets…) and the configuration, for testing with real data and for training",
    // Documents and attachments are not copied unless chosen in the wizard: their rows are few, their bytes many.
    size: (f) => ({ rows: f.rows, bytes: baseCopyBytes(f, "full") }),
  },
  partial: {
    holds: `a share of the companies (${DEFAULT_SHARE_PERCENT} % unless the setup chooses otherwise) with everything they reference, and the configuration, for training and for testing with less data`,
    // The share's records are estimated as its fraction of all records; the setup's dry run counts them exactly.
    size: (f) => {
      const share = DEFAULT_SHARE_PERCENT / 100;
      return { rows: Math.round(f.configurationRows + Math.max(0, f.rows - f.configurationRows) * share), bytes: baseCopyBytes(f, "partial", share) };
    },
  },
  config: {
    holds: "users, web panels, scheduled tasks, preferences, ERP connections and Service mailboxes, with no customer records, for testing settings, apps and integrations",
    size: (f) => ({ rows: f.configurationRows, bytes: baseCopyBytes(f, "config") }),
  },
};

export const kindHolds = (kind: SandboxKind) => KIND_SIZES[kind].holds;

export function kindSize(footprint: ProductionFootprint, kind: SandboxKind): KindSize {
  return KIND_SIZES[kind].size(footprint);
}

/** Every kind with its size and expected duration, in SANDBOX_KINDS order. */
export function kindOffers(footprint: ProductionFootprint, throughput: Pick<Throughput, "bytesPerSecond">): KindOffer[] {
  return SANDBOX_KINDS.map((kind) => {
    const size = kindSize(footprint, kind);
    return { kind, label: KIND_LABEL[kind], holds: kindHolds(kind), ...size, seconds: estimateSeconds(size.bytes, throughput) };
  });
}
