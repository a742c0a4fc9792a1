/**
 * A random password for a new user or a reset: 20 characters from a 56-letter alphabet without
 * look-alikes (0/O, 1/l/I), ≈ 116 bits, from `crypto.getRandomValues` (rejection sampling, so
 * every letter is equally likely).
 */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
export const GENERATED_PASSWORD_LENGTH = 20;

export function generatePassword(length = GENERATED_PASSWORD_LENGTH): string {
  const out: string[] = [];
  const limit = 256 - (256 % ALPHABET.length);
  const bytes = new Uint8Array(length * 2);
  while (out.length < length) {
    crypto.getRandomValues(bytes);
    for (const b of bytes) {
      if (b < limit && out.length < length) out.push(ALPHABET[b % ALPHABET.length] as string);
    }
  }
  return out.join('');
}
