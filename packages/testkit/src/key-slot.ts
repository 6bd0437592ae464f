/** Redis Cluster has 16384 hash slots; a key's slot is CRC16 of the key (or its hash tag). */
export const SLOT_COUNT = 16_384;

// CRC16-XMODEM (CCITT polynomial 0x1021, initial value 0), the checksum Redis Cluster uses.
const TABLE = new Uint16Array(256);
for (let byte = 0; byte < 256; byte++) {
  let crc = byte << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
  TABLE[byte] = crc & 0xffff;
}

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes)
    crc = ((crc << 8) ^ (TABLE[((crc >> 8) ^ byte) & 0xff] as number)) & 0xffff;
  return crc;
}

/**
 * The Redis Cluster hash slot of a key (the UTF-8 bytes of `key`). If the key has a hash tag —
 * the part between the first `{` and the first `}` after it, when not empty — only the tag is
 * hashed, so `{user1}:a` and `{user1}:b` share a slot.
 */
export function keySlot(key: string | Uint8Array): number {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  const open = bytes.indexOf(0x7b);
  if (open >= 0) {
    const close = bytes.indexOf(0x7d, open + 1);
    if (close > open + 1) return crc16(bytes.subarray(open + 1, close)) % SLOT_COUNT;
  }
  return crc16(bytes) % SLOT_COUNT;
}
