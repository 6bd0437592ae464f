import type { Context } from 'koa';

/** Koa parses no bodies: the forms (sign-in, revoke) are small. */
const FORM_BODY_LIMIT = 4_096;

/** The urlencoded form a request carries; empty for any other body. */
export async function readForm(ctx: Context): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) return new URLSearchParams();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > FORM_BODY_LIMIT) ctx.throw(413, 'form too large');
    chunks.push(buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
