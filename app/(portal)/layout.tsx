import type { ReactNode } from "react";
import { requireActor } from "@/lib/auth/actor";
import { AppShell } from "@/components/app-shell";

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const actor = await requireActor();
  return <AppShell actor={actor}>{children}</AppShell>;
}
