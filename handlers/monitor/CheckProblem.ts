/** A check of one run that failed (it is alerted as a monitor problem; the other checks go on). */
export interface CheckProblem {
  readonly check: string;
  readonly message: string;
}
