import calculateSlot from 'cluster-key-slot';

/** Redis Cluster has 16384 hash slots; a key's slot is CRC16 of the key (or its hash tag). */
export const SLOT_COUNT = 16_384;

/**
 * The Redis Cluster hash slot of a key (the UTF-8 bytes of `key`). If the key has a hash tag —
 * the part between the first `{` and the first `}` after it, when not empty — only the tag is
 * hashed, so `{user1}:a` and `{user1}:b` share a slot.
 */
export function keySlot(key: string | Uint8Array): number {
  return calculateSlot(
    typeof key === 'string' ? key : Buffer.from(key.buffer, key.byteOffset, key.byteLength),
  );
}
