/**
 * What `bems` exit codes mean (documented in docs/OPERATIONS.md, "Exit codes"). Scripts can act on
 * them: `bems dlq list || page-someone`, `bems redrive … ; [ $? = 5 ] && retry`.
 */
export const EXIT_CODES = {
  /** Done; for `status` and `dlq list`: nothing needs attention. */
  ok: 0,
  /** Unexpected failure (an AWS call failed, a bug): the message says what. */
  failure: 1,
  /** Wrong flags or arguments; the one error line names the nearest valid option or command. */
  usage: 2,
  /** The cell could not be found or reached: no running local cell, unknown or undeployed cell, no credentials, an expired session, no network, a role that cannot be assumed; `status --all-cells`: an AWS cell could not be read (and none needs attention). */
  unreachable: 3,
  /** `status` / `dlq list`: messages in a DLQ, invoices past their SLA, or alerts open (`--all-cells`: in any cell); `preflight`: a check blocks the deploy. */
  attention: 4,
  /** `redrive` / `replay` finished but not everything went through (failed sends, replay FAILED). */
  incomplete: 5,
  /** Stopped by Ctrl-C (SIGINT); whatever was done stays done, the rest is where it was. */
  interrupted: 130,
} as const;
