/** One line of `validate-config`: what was checked, and when it failed, why and what to look at. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** Where to look when it failed. */
  hint?: string;
  /** The exit code a failure of this check stands for (README exit-code table). */
  exitCode?: number;
}
