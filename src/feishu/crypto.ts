// Feishu's event encryption and request signature (FEISHU.md "Encryption", "Signature").
// node:crypto is served by Node and by workerd with nodejs_compat.
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const keyCache = new Map<string, Buffer>();

/** key = SHA-256 of the Encrypt Key string. */
function aesKey(encryptKey: string): Buffer {
  let key = keyCache.get(encryptKey);
  if (!key) {
    key = createHash('sha256').update(encryptKey, 'utf8').digest();
    keyCache.set(encryptKey, key);
  }
  return key;
}

/** base64(IV ‖ AES-256-CBC(plaintext)), PKCS#7. Throws on a wrong key or broken input. */
export function decrypt(encrypted: string, encryptKey: string): string {
  const buf = Buffer.from(encrypted, 'base64');
  if (buf.length < 32 || buf.length % 16 !== 0) throw new Error('encrypted payload has a wrong length');
  const decipher = createDecipheriv('aes-256-cbc', aesKey(encryptKey), buf.subarray(0, 16));
  return Buffer.concat([decipher.update(buf.subarray(16)), decipher.final()]).toString('utf8');
}

/** The inverse of decrypt; used by tests, benchmarks and the chat simulator. */
export function encrypt(plaintext: string, encryptKey: string, iv: Buffer = randomBytes(16)): string {
  const cipher = createCipheriv('aes-256-cbc', aesKey(encryptKey), iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

/** lowercase hex SHA-256(timestamp + nonce + encryptKey ‖ raw body bytes): plain SHA-256, not HMAC. */
export function sign(timestamp: string, nonce: string, encryptKey: string, rawBody: Uint8Array): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey, 'utf8').update(rawBody).digest('hex');
}

/** Constant-time comparison of two strings of any length. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  if (x.length !== y.length) {
    timingSafeEqual(x, x); // spend comparable time, then refuse
    return false;
  }
  return timingSafeEqual(x, y);
}
