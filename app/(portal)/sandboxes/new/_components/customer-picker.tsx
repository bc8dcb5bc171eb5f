"use client";

import { SettledStatus } from "@/components/settled-status";
import { useId, useMemo, useState } from "react";
import type { UseFormRegisterReturn } from "react-hook-form";

/** Customers listed at once: more are found by searching. */
const SHOWN_AT_MOST = 50;

export interface CustomerOption {
  id: string;
  companyName: string;
  customerId: string;
}

/**
 * A searchable list of customers as a radio group: keyboard-usable without any
 * custom widget (arrow keys move within the group), and readable by screen readers.
 */
export function CustomerPicker({
  customers,
  selectedId,
  error,
  registration,
}: {
  customers: CustomerOption[];
  selectedId: string | undefined;
  error?: string;
  registration: UseFormRegisterReturn<"tenantId">;
}) {
  const id = useId();
  const [query, setQuery] = useState("");
  const { shown, matching } = useMemo(() => {
    const q = query.trim().toLowerCase();
    const matches = q ? customers.filter((c) => `${c.companyName} ${c.customerId}`.toLowerCase().includes(q)) : customers;
    return { shown: matches.slice(0, SHOWN_AT_MOST), matching: matches.length };
  }, [customers, query]);
  const selected = customers.find((c) => c.id === selectedId);
  const countText =
    shown.length === 0
      ? "No customer matches."
      : matching > shown.length
        ? `The first ${shown.length} of ${matching} customers shown: search to find the others.`
        : `${shown.length} customer${shown.length === 1 ? "" : "s"} shown.`;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <fieldset aria-describedby={[`${id}-selected`, errorId].filter(Boolean).join(" ")}>
      <legend className="text-sm font-medium text-slate-800">Customer</legend>
      <label htmlFor={`${id}-search`} className="mt-1 block text-xs text-slate-600">
        Search by company name or customer id
      </label>
      <input
        id={`${id}-search`}
        type="search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm"
        aria-controls={`${id}-list`}
      />
      <p id={`${id}-count`} className="mt-1 text-xs text-slate-600" data-testid="customer-count">
        {countText}
      </p>
      <SettledStatus text={countText} />
      <div id={`${id}-list`} className="mt-1 max-h-56 overflow-y-auto rounded-md border border-slate-200 bg-white">
        {shown.map((c) => (
          <label key={c.id} className="flex cursor-pointer items-center gap-2 px-3 py-2 text-sm hover:bg-slate-50 has-[:checked]:bg-brand-50">
            <input type="radio" value={c.id} {...registration} className="h-4 w-4" />
            <span>
              {c.companyName} <span className="text-slate-600">({c.customerId})</span>
            </span>
          </label>
        ))}
      </div>
      <p id={`${id}-selected`} className="mt-1 text-sm" data-testid="selected-customer">
        {selected ? `Selected: ${selected.companyName} (${selected.customerId})` : "No customer selected yet."}
      </p>
      {error && (
        <p id={errorId} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      )}
    </fieldset>
  );
}
