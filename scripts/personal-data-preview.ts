/**
 * One review's preview of rule 18, in a process of its own that the web app starts for
 * it (lib/wizard/preview-apart.ts), so that production's personal values are read, and
 * pseudonyms drawn for them, never in the web server's memory or on its event loop.
 *
 * Takes a PreviewRequest on its IPC channel, answers one PreviewAnswer, and exits.
 */
import { AppError } from "../lib/errors";
import { log } from "../lib/observability/log";
import { isSanitizationError } from "../lib/sanitizer/errors";
import { withProductionAt } from "../lib/tenants/production-at";
import { previewPersonalData } from "../lib/wizard/personal-data-preview";
import type { PreviewAnswer, PreviewRequest } from "../lib/wizard/preview-apart";

function answer(message: PreviewAnswer): void {
  process.send!(message, () => process.exit(0));
}

process.once("message", (request: PreviewRequest) => {
  withProductionAt(request.productionUrl, (client) =>
    previewPersonalData(client, request.input).catch((error: unknown) => {
      // A refusal the copy would make too (too many values to pseudonymise) is the customer's to read.
      if (isSanitizationError(error) && !error.technical) throw new AppError("PRODUCTION_REFUSED", error.message);
      throw error;
    }),
  ).then(
    (preview) => answer({ preview }),
    (error: unknown) => {
      if (error instanceof AppError) return answer({ refused: { code: error.code, message: error.userMessage } });
      log.error(error, "the personal data preview failed");
      answer({ refused: { code: "INTERNAL", message: new AppError("INTERNAL").userMessage } });
    },
  );
});
// Without its web app, nobody waits for the answer.
process.once("disconnect", () => process.exit(0));
