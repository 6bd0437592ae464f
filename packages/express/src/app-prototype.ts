// Express gives each request and response its app's prototype (`app.request`, `app.response`,
// which know their app; mounted sub-apps inherit them). Adding a property to such an object
// costs more than the rest of the middleware (CPU profiles, docs/design/read-path.md), so the
// adapter defines what it needs once on the prototype and keeps per-request state beside it.

/** The prototype of `target` if it is an Express app's `request` or `response`. */
export function expressAppPrototype(target: object): object | undefined {
  const prototype = Object.getPrototypeOf(target) as object | null;
  return prototype !== null && Object.hasOwn(prototype, 'app') ? prototype : undefined;
}

/** `patch`, run at most once on each prototype it is given. */
export function oncePerPrototype(patch: (prototype: object) => void): (prototype: object) => void {
  const patched = new WeakSet<object>();
  return (prototype) => {
    if (patched.has(prototype)) return;
    patched.add(prototype);
    patch(prototype);
  };
}
