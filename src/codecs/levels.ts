// Level ranges shared by every codec: validation, labels and the compact text used in
// error messages and `describeCodecs()`, so all codecs word level errors the same way.
import { CodecError, type CodecId } from './types.js';

/** Integers from `min` to `max` inclusive. */
export function levelRange(min: number, max: number): number[] {
  const out: number[] = [];
  for (let l = min; l <= max; l++) out.push(l);
  return out;
}

/** `[1..9]` -> `1..9`; `[-5..-1, 1..19]` -> `-5..-1, 1..19`; `[0]` -> `0`. */
export function formatLevels(levels: readonly number[]): string {
  const runs: string[] = [];
  let i = 0;
  while (i < levels.length) {
    let j = i;
    while (j + 1 < levels.length && levels[j + 1] === levels[j]! + 1) j++;
    runs.push(i === j ? `${levels[i]}` : `${levels[i]}..${levels[j]}`);
    i = j + 1;
  }
  return runs.join(', ');
}

/** Return `level` (or the default) if allowed, else throw a CodecError naming it. */
export function checkLevel(id: CodecId, levels: readonly number[], defaultLevel: number, level?: number): number {
  if (level === undefined) return defaultLevel;
  if (Number.isInteger(level) && levels.includes(level)) return level;
  if (levels.length === 1) {
    throw new CodecError(`codec ${id}: level ${level} not supported (${id} has no levels; use "${id}")`);
  }
  throw new CodecError(`codec ${id}: level ${level} out of range ${formatLevels(levels)}`);
}

/** `gzip:6`; codecs with a single level are labelled by id alone. */
export function codecLabel(id: CodecId, levels: readonly number[], level: number): string {
  return levels.length === 1 ? id : `${id}:${level}`;
}
