/** Where a command prints: the plan and reports on stdout, messages on stderr. */
export interface Out {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}
