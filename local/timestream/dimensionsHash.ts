/**
 * A 53-bit hash of a record's canonical dimensions JSON (cyrb53: two 32-bit multiply-xorshift
 * lanes over the UTF-16 code units), the narrow half of the key through which the store finds a
 * record's identity (`records_by_time`). Not an identity: records whose hashes are equal are told
 * apart by their dimensions, so a collision costs a comparison, never a record. Registered as the
 * SQL function `dimensions_hash` where a migration fills the column from stored rows.
 */
export function dimensionsHash(dimensionsJson: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < dimensionsJson.length; i++) {
    const code = dimensionsJson.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
