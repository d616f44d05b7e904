/** The shape of one contract case (contract-cases*.ts), in its own module so case files can share it. */
export interface CaseContext {
  aid: string;
  /** `/v1/accounts/<aid>` */
  base: string;
  token: string;
  /** A stored rule of this account (created through the API). */
  rule(overrides?: Record<string, unknown>): Promise<{ id: string }>;
}

export type Case = (t: CaseContext) => Promise<Response | Response[]>;
