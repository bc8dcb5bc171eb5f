import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { requireActor } from "@/lib/auth/actor";
import { AppError } from "@/lib/errors";
import { defaultOptions } from "@/lib/wizard/defaults";
import { getWizardProductionData, getWizardSandbox, type WizardProductionData } from "@/lib/wizard/queries";
import { wizardDraftSchema } from "@/lib/wizard/schema";
import { SetupWizard } from "./_components/setup-wizard";

export const metadata: Metadata = { title: "Set up the sandbox" };

export default async function SetupPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const actor = await requireActor("sandbox.configure");
  const sandbox = await getWizardSandbox(actor, id);
  if (!sandbox) notFound();
  if (sandbox.confirmedAt) redirect(`/sandboxes/${sandbox.id}`);

  const heading = (
    <>
      <h1 id="setup-heading" className="text-2xl font-semibold">
        Set up “{sandbox.name}”
      </h1>
      <p className="mt-1 text-slate-700">
        {sandbox.tenant.companyName} ({sandbox.tenant.customerId}) · ordered by {sandbox.orderedBy.name}
        {sandbox.orderedOnBehalf ? " on your behalf" : ""}. Your choices are saved as you go: you can leave and come back.
      </p>
    </>
  );
  if (sandbox.status !== "AWAITING_SETUP") {
    return <Problem heading={heading} message="This sandbox is not waiting for its setup any more." />;
  }

  let data: WizardProductionData;
  try {
    data = await getWizardProductionData(sandbox.tenantId);
  } catch (error) {
    if (!(error instanceof AppError)) console.error("wizard data failed", error);
    return <Problem heading={heading} message={error instanceof AppError ? error.userMessage : "Production could not be read right now. Try again later."} retry={`/sandboxes/${sandbox.id}/setup`} />;
  }
  if (data.environment !== "production") {
    return <Problem heading={heading} message="The registered database is not a production database (a sandbox is never a copy source). Contact support." />;
  }

  const planCounts = sandbox.planCounts as Record<string, number>;
  const draft = wizardDraftSchema.safeParse(sandbox.wizardDraft);
  return (
    <section aria-labelledby="setup-heading">
      {heading}
      <SetupWizard
        sandbox={{ id: sandbox.id, name: sandbox.name, planCounts, companyName: sandbox.tenant.companyName }}
        data={data}
        initialStep={draft.success ? draft.data.step : 0}
        initialOptions={draft.success ? draft.data.options : defaultOptions(data.associates, planCounts)}
      />
    </section>
  );
}

function Problem({ heading, message, retry }: { heading: React.ReactNode; message: string; retry?: string }) {
  return (
    <section aria-labelledby="setup-heading">
      {heading}
      <p className="mt-6 rounded-md bg-red-50 p-4 text-sm text-red-800" data-testid="setup-problem">
        {message}
      </p>
      <p className="mt-4 flex gap-4 text-sm">
        {retry && (
          <Link href={retry} className="text-brand-700 underline">
            Try again
          </Link>
        )}
        <Link href="/orders" className="text-brand-700 underline">
          Back to orders
        </Link>
      </p>
    </section>
  );
}
