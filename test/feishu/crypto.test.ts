import { describe, it, expect } from 'vitest';
import { decrypt, encrypt, sign, safeEqual } from '../../src/feishu/crypto';

// Test vectors from FEISHU.md
describe('Feishu crypto vectors', () => {
  it('decrypts the official vector', () => {
    expect(decrypt('P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=', 'test key')).toBe('hello world');
  });

  it('encrypts the round-trip vector with IV 00..0f', () => {
    const iv = Buffer.from([...Array(16).keys()]);
    const plain = '{"challenge":"ajls384kdjx98XX","token":"xxxxxx","type":"url_verification"}';
    const enc = encrypt(plain, 'test key', iv);
    expect(enc).toBe(
      'AAECAwQFBgcICQoLDA0ODw9mLTIAZS9jAmGTQ1wAhHpnBHVL2wRjH9rPunQdQC1vLjsckayA10kZ8cPwtb62F8rC7JprUPR/4S2aZihfR+p8npX7UzWPithZmfKIPZgE',
    );
    expect(decrypt(enc, 'test key')).toBe(plain);
  });

  it('signs the raw body vector', () => {
    const body = new TextEncoder().encode('{"encrypt":"P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk="}');
    expect(sign('1700000000', 'abc123', 'test key', body)).toBe(
      '69c61fa99760d59824d588297c0036194769fb54331682c9cbcd93e85b9a8aad',
    );
  });

  it('refuses a wrong key or a broken payload', () => {
    expect(() => decrypt('P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=', 'other key')).toThrow();
    expect(() => decrypt('AAAA', 'test key')).toThrow(/length/);
  });

  it('compares in constant time and handles unequal lengths', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});
