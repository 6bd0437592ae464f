/** A Node-style callback, as express-session, @fastify/session and koa-session take them. */
export type NodeCallback = (error?: unknown) => void;

/** Calls `callback` once `operation` settles: without arguments, or with the error it failed with. */
export function callBack(operation: Promise<unknown>, callback: NodeCallback): void {
  operation.then(
    () => callback(),
    (error: unknown) => callback(error),
  );
}

/**
 * `callback` when one is given, or else the promise: the two forms of @fastify/session's and
 * koa-session's methods. Without a callback nobody may listen: a rejection is then left to
 * whoever awaits the promise.
 */
export function callBackOrReturn(
  operation: Promise<unknown>,
  callback: unknown,
): Promise<void> | undefined {
  if (typeof callback === 'function') {
    callBack(operation, callback as NodeCallback);
    return undefined;
  }
  return operation.then(() => undefined);
}
