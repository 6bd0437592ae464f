import type { PortCacheStats } from '@sess/core/port';

/** What a server process tells the bench. */
export type ServerReport =
  | { readonly type: 'listening'; readonly port: number }
  | { readonly type: 'heap'; readonly heapUsed: number; readonly rss: number }
  | { readonly type: 'cpu'; readonly micros: number }
  /** `stats`: null when the app has no read cache. */
  | { readonly type: 'cache'; readonly stats: PortCacheStats | null }
  | { readonly type: 'failed'; readonly message: string };

/** What the bench asks a server process. */
export type ServerCommand =
  | { readonly type: 'heap' }
  | { readonly type: 'cpu' }
  | { readonly type: 'cache' }
  | { readonly type: 'close' };

/** One request of a load run; `cookie`: sent with the connection's session cookie. */
export interface LoadRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly cookie: boolean;
}

/** A load run: for `duration` seconds, or `amount` requests if given. */
export interface LoadJob {
  readonly id: number;
  readonly url: string;
  readonly connections: number;
  readonly duration: number;
  readonly amount?: number;
  /** Each connection cycles through these. */
  readonly requests: readonly LoadRequest[];
  /** Connection i sends `cookies[i % cookies.length]` where a request wants a cookie. */
  readonly cookies: readonly string[];
}

/** What a load run measured. */
export interface LoadResult {
  /** Responses received. */
  readonly requests: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly latencyP50: number;
  readonly latencyP99: number;
  readonly latencyMax: number;
  readonly non2xx: number;
  readonly errors: number;
}

export type LoadReport =
  | { readonly type: 'done'; readonly id: number; readonly result: LoadResult }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };
