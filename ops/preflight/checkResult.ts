/**
 * One preflight check's verdict. `fail` blocks the deploy (exit code 4); `warn` is printed but does
 * not block; `skip` means the check does not apply to this cell (e.g. QuickSight without dashboards).
 * The shape is the `--output json` contract: add fields, never rename or remove one.
 */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface CheckResult {
  /** Stable id for scripts, e.g. `account`, `bootstrap`, `quota.lambda-concurrency`. */
  readonly id: string;
  /** For people: what was checked. */
  readonly title: string;
  readonly status: CheckStatus;
  /** What was found (numbers, names). */
  readonly detail: string;
  /** What the failure or warning means for the deploy or the cell; absent on pass/skip. */
  readonly meaning?: string;
  /** How to fix it; absent on pass/skip. */
  readonly fix?: string;
  /** For quota and arithmetic checks: what the cell needs and what the account offers. */
  readonly required?: number;
  readonly available?: number;
}

export function pass(id: string, title: string, detail: string, numbers: Numbers = {}): CheckResult {
  return { id, title, status: 'pass', detail, ...numbers };
}

export function skip(id: string, title: string, detail: string): CheckResult {
  return { id, title, status: 'skip', detail };
}

/** A problem: `fail` when it blocks, `warn` when it does not. */
export function problem(
  status: 'fail' | 'warn',
  id: string,
  title: string,
  detail: string,
  advice: { readonly meaning: string; readonly fix: string },
  numbers: Numbers = {},
): CheckResult {
  return { id, title, status, detail, meaning: advice.meaning, fix: advice.fix, ...numbers };
}

interface Numbers {
  readonly required?: number;
  readonly available?: number;
}
