import { ROUTES } from './app-contract.js';
import type { LoadRequest } from './ipc.js';

export const SCENARIO_IDS = ['anonymous', 'read', 'write', 'first-write', 'sign-in'] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

export interface Scenario {
  readonly id: ScenarioId;
  readonly title: string;
  readonly requests: readonly LoadRequest[];
  /** Each connection carries the cookie of its own existing session. */
  readonly withSession: boolean;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'anonymous',
    title: 'anonymous request (no cookie)',
    requests: [{ method: 'GET', path: ROUTES.anon, cookie: false }],
    withSession: false,
  },
  {
    id: 'read',
    title: 'read an existing session',
    requests: [{ method: 'GET', path: ROUTES.read, cookie: true }],
    withSession: true,
  },
  {
    id: 'write',
    title: 'write one attribute',
    requests: [{ method: 'POST', path: ROUTES.write, cookie: true }],
    withSession: true,
  },
  {
    id: 'first-write',
    title: 'anonymous first write (a new session with attributes)',
    requests: [{ method: 'POST', path: ROUTES.setup, cookie: false }],
    withSession: false,
  },
  {
    id: 'sign-in',
    title: 'sign-in (new session)',
    requests: [{ method: 'POST', path: ROUTES.signIn, cookie: false }],
    withSession: false,
  },
];

/** The long heap run: reads, writes and anonymous requests, and one sign-in in ten. */
export const HEAP_MIX: readonly LoadRequest[] = [
  ...Array.from({ length: 3 }, () => [
    { method: 'GET', path: ROUTES.read, cookie: true } as const,
    { method: 'POST', path: ROUTES.write, cookie: true } as const,
    { method: 'GET', path: ROUTES.anon, cookie: false } as const,
  ]).flat(),
  { method: 'POST', path: ROUTES.signIn, cookie: false },
];
