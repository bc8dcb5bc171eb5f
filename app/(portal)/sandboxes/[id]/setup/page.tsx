import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { requireActor } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { SANDBOX_STATUS_LABEL } from "@/lib/sandboxes/labels";
import { defaultOptions, orderedKind, savedChoices } from "@/lib/wizard/defaults";
import { getWizardProductionData, getWizardSandbox, type WizardProductionData, type WizardSandbox } from "@/lib/wizard/queries";
import { parseWizardMode, wizardDraftSchema, type WizardMode } from "@/lib/wizard/schema";
import { SetupWizard } from "./_components/setup-wizard";
import { WizardProblem } from "./_components/wizard-problem";
import { log } from "@/lib/observability/log";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ mode?: string | string[] }> };

export async function generateMetadata({ searchParams }: Props): Promise<Metadata> {
  return { title: parseWizardMode((await searchParams).mode) === "refresh" ? "Refresh the sandbox" : "Set up the sandbox" };
}

/** Why this mode cannot open for this sandbox, or null when it can. */
function refusal(mode: WizardMode, sandbox: WizardSandbox): string | null {
  if (mode === "setup") return sandbox.status === "AWAITING_SETUP" ? null : "This sandbox is not waiting for its setup any more.";
  if (sandbox.status === "REFRESHING") return "This sandbox is being refreshed right now. Wait for that refresh to finish before starting another.";
  if (sandbox.status !== "READY" || !sandbox.databaseName) {
    return `Only a ready sandbox can be refreshed. This one is ${SANDBOX_STATUS_LABEL[sandbox.status].toLowerCase()}.`;
  }
  return null;
}

export default async function SetupPage({ params, searchParams }: Props) {
  const { id } = await params;
  const mode = parseWizardMode((await searchParams).mode);
  const permission = mode === "refresh" ? "sandbox.refresh" : "sandbox.configure";
  const actor = await requireActor(permission);
  const sandbox = await getWizardSandbox(actor, id, permission);
  if (!sandbox) notFound();
  if (mode === "setup" && sandbox.confirmedAt) redirect(`/sandboxes/${sandbox.id}`);

  const self = mode === "refresh" ? `/sandboxes/${sandbox.id}/setup?mode=refresh` : `/sandboxes/${sandbox.id}/setup`;
  const back = mode === "refresh" ? { href: `/sandboxes/${sandbox.id}`, label: "Back to the sandbox" } : { href: "/orders", label: "Back to orders" };
  const heading = (
    <>
      <h1 id="setup-heading" className="text-2xl font-semibold">
        {mode === "refresh" ? "Refresh" : "Set up"} “{sandbox.name}”
      </h1>
      <p className="mt-1 text-slate-700">
        {sandbox.tenant.companyName} ({sandbox.tenant.customerId}) · ordered by {sandbox.orderedBy.name}
        {sandbox.orderedOnBehalf ? " on your behalf" : ""}.{" "}
        {mode === "refresh"
          ? "The steps start from the choices saved with the current copy: change what you need. Nothing is saved until you confirm."
          : "Your choices are saved as you go: you can leave and come back."}
      </p>
      {sandbox.note && (
        <p className="mt-2 rounded-md bg-slate-100 p-3 text-sm whitespace-pre-line" data-testid="order-note">
          <span className="font-medium">Note on the order:</span> {sandbox.note}
        </p>
      )}
    </>
  );
  const refused = refusal(mode, sandbox);
  if (refused) return <WizardProblem heading={heading} message={refused} back={back} />;

  let data: WizardProductionData;
  try {
    data = await getWizardProductionData(sandbox.tenantId);
  } catch (error) {
    if (!(error instanceof AppError)) log.error(error, "wizard data failed");
    const message = error instanceof AppError ? error.userMessage : "Production could not be read right now. Try again later.";
    return <WizardProblem heading={heading} message={message} back={back} retry={self} />;
  }
  if (data.environment !== "production") {
    const message = "The registered database is not a production database (a sandbox is never a copy source). Contact support.";
    return <WizardProblem heading={heading} message={message} back={back} />;
  }

  const planCounts = sandbox.planCounts as Record<string, number>;
  const draft = wizardDraftSchema.safeParse(sandbox.wizardDraft);
  const saved = mode === "refresh" ? savedChoices(sandbox.options, data.associates, data.tasks.map((t) => t.id), planCounts) : null;
  return (
    <section aria-labelledby="setup-heading">
      {heading}
      {saved && (saved.usedDefaults || saved.droppedUsers > 0 || saved.droppedTasks > 0) && (
        <p className="mt-4 rounded-md bg-amber-50 p-3 text-sm text-amber-900" data-testid="saved-choices-notice">
          {saved.usedDefaults
            ? "The saved choices could not be read, so the steps start from the defaults. Check each step."
            : `Since the last copy, ${saved.droppedUsers} chosen people and ${saved.droppedTasks} kept tasks are gone from production; they were taken out of the choices.`}
        </p>
      )}
      <SetupWizard
        mode={mode}
        sandbox={{ id: sandbox.id, name: sandbox.name, planCounts, companyName: sandbox.tenant.companyName }}
        data={data}
        initialStep={mode === "setup" && draft.success ? draft.data.step : 0}
        initialFurthest={mode === "setup" && draft.success ? (draft.data.furthest ?? draft.data.step) : 0}
        initialConfirmations={mode === "setup" && draft.success ? draft.data.confirmations : undefined}
        initialOptions={saved?.options ?? (draft.success ? draft.data.options : defaultOptions(data.associates, planCounts, orderedKind(sandbox.orderedKind)))}
      />
    </section>
  );
}
