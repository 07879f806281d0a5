/**
 * Deterministic randomness: the same seed and key always give the same sequence, so the mock's
 * data is a pure function of (seed, time) and any process (a local server, a Lambda container)
 * serves the same history without sharing state.
 */

/** 32-bit FNV-1a hash of a text, finished with a murmur3 mix so close keys land far apart. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A seeded generator of floats in [0, 1) (mulberry32). */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The generator for one named part of the data, e.g. `randomFor(seed, 'minute', 28712345)`. */
export const randomFor = (...key: (string | number)[]): Random => seededRandom(hash32(key.join('\u0000')));

/** An integer in [min, max]. */
export const integerBetween = (random: Random, min: number, max: number): number => min + Math.floor(random() * (max - min + 1));

/** A version-4 shaped UUID drawn from the generator. */
export function uuidFrom(random: Random): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const text = hex.join('');
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
}
