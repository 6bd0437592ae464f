/**
 * What is measured: each framework with sess and with its usual session library; `passport`:
 * Express with Passport on each (its `passport.session()` and `req.login`), the login most
 * Express apps have.
 */
export const FRAMEWORKS = ['express', 'fastify', 'koa', 'passport'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/** The frameworks of the long runs (heap, instructions) unless asked otherwise: one per adapter. */
export const ADAPTER_FRAMEWORKS: readonly Framework[] = ['express', 'fastify', 'koa'];

/**
 * `bare`: no sessions; `sess`; `sess-cache`: sess with `@sess/node-redis`' local cache of
 * session reads on; `peer`: the session library people use with that framework today.
 */
export const KINDS = ['bare', 'sess', 'sess-cache', 'peer'] as const;
/** `floor`: one HGETALL per read and nothing else, measured in the read scenario only. */
export const FLOOR = 'floor';
export type Kind = (typeof KINDS)[number] | typeof FLOOR;
/** The kinds that run sess, with or without its read cache. */
export const SESS_KINDS = ['sess', 'sess-cache'] as const satisfies readonly Kind[];

/**
 * The frameworks whose sess stack is measured with the read cache too: the adapters'. Passport
 * reads through `@sess/express` like Express does, so its cached read would repeat Express'.
 */
export const CACHE_FRAMEWORKS: readonly Framework[] = ADAPTER_FRAMEWORKS;

/** The stacks of `framework` that every scenario measures (the floor, a read's, aside). */
export function kindsOf(framework: Framework): readonly Kind[] {
  return CACHE_FRAMEWORKS.includes(framework) ? KINDS : KINDS.filter((k) => k !== 'sess-cache');
}

export interface Stack {
  readonly framework: Framework;
  readonly kind: Kind;
}

export function isFramework(value: unknown): value is Framework {
  return (FRAMEWORKS as readonly unknown[]).includes(value);
}

export function isKind(value: unknown): value is Kind {
  return value === FLOOR || (KINDS as readonly unknown[]).includes(value);
}

export function isSessKind(kind: Kind): boolean {
  return (SESS_KINDS as readonly Kind[]).includes(kind);
}

/** The module in `apps/` that serves a stack. */
export function appModule(stack: Stack): string {
  return `./apps/${stack.framework}-${stack.kind}.js`;
}

const FRAMEWORK_NAMES: Record<Framework, string> = {
  express: 'Express',
  fastify: 'Fastify',
  koa: 'Koa',
  passport: 'Express + Passport',
};

const PEER_NAMES: Record<Framework, string> = {
  express: 'express-session + connect-redis',
  fastify: '@fastify/session + @fastify/cookie + connect-redis',
  koa: 'koa-session + koa-redis',
  passport: 'express-session + connect-redis',
};

export function frameworkName(framework: Framework): string {
  return FRAMEWORK_NAMES[framework];
}

export function peerName(framework: Framework): string {
  return PEER_NAMES[framework];
}

export function stackName(stack: Stack): string {
  const framework = frameworkName(stack.framework);
  if (stack.kind === 'bare') return `${framework} (no sessions)`;
  if (stack.kind === 'sess') return `${framework} + sess`;
  if (stack.kind === 'sess-cache') return `${framework} + sess with its read cache`;
  if (stack.kind === FLOOR) return `${framework} + one HGETALL (no session logic)`;
  return `${framework} + ${peerName(stack.framework)}`;
}

const KIND_LABELS: Record<Kind, string> = {
  bare: 'no sessions',
  sess: 'sess',
  'sess-cache': 'sess + cache',
  peer: 'peer',
  floor: 'floor',
};

/** A kind as a table's column names it. */
export function kindLabel(kind: Kind): string {
  return KIND_LABELS[kind];
}
