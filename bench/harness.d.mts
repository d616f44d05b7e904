// Types for harness.mjs, so TypeScript benchmarks (engine.bench.ts) can use it under `tsc --noEmit`.
// Kept free of imports: node and miniflare types must not leak into the Worker's type check.

export declare const SECRETS: Readonly<Record<string, string>>;

export interface Flags {
  write: boolean;
  quick: boolean;
  num(name: string, normal: number, quick?: number): number;
}
export declare function flags(argv?: string[]): Flags;

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Uint8Array;
}
export interface RequestOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}
export interface Worker {
  /** The Miniflare instance. */
  mf: any;
  origin: string;
  send(method: string, path: string, options?: RequestOptions): Promise<Response>;
  req(method: string, path: string, options?: RequestOptions): Promise<any>;
  token(aid: string): Promise<string>;
  close(): Promise<void>;
}
export declare function startWorker(options?: {
  bindings?: Record<string, string>;
  inspectorPort?: number;
  persistRoot?: string;
}): Promise<Worker>;

type Kinds = Record<string, (n: number) => unknown>;
export declare function throughput(
  send: (n: number) => unknown,
  options: { concurrency?: number; requests?: number; seconds?: number },
): Promise<number>;
export declare function throughputRounds<K extends Kinds>(
  kinds: K,
  options: { rounds?: number; concurrency?: number; requests?: number; seconds?: number },
): Promise<{ [k in keyof K]: number[] }>;
export declare function latencies<K extends Kinds>(
  kinds: K,
  options: { samples: number; warmup?: number },
): Promise<{ [k in keyof K]: number[] }>;

export declare function percentile(xs: number[], p: number): number;
export declare function median(xs: number[]): number;
export declare function machine(): string;
export declare function command(argv?: string[]): string;
export declare function writeSection(title: string, markdown: string): void;
export declare function report(title: string, markdown: string, options?: { write?: boolean }): void;
