/** The form-level message region: always rendered, so screen readers announce what appears in it. */
export function FormStatus({ message, tone = "error", testId }: { message: string | null; tone?: "error" | "info"; testId?: string }) {
  return (
    <div aria-live="polite" role="status" data-testid={testId}>
      {message && (
        <p className={`rounded-md p-3 text-sm ${tone === "error" ? "bg-red-50 text-red-800" : "bg-brand-50 text-brand-900"}`}>{message}</p>
      )}
    </div>
  );
}
