/**
 * When a walk may skip a directory without looking inside.
 *
 * A directory that the exclude patterns match can be skipped when no `!` pattern could match a
 * path strictly below it; a directory that the include patterns do not match can be skipped when
 * no (non-`!`) include pattern could. This is what keeps `node_modules` fast: with no `!pattern`
 * that starts with `node_modules/`, the directory is never read.
 *
 * Why that is safe: the last pattern that matches a path decides, and a pattern that matches a
 * directory also matches everything below it. So the verdict on a child can only differ from the
 * directory's if a pattern of the other polarity matches the child (or something between) itself.
 *
 * "Could match below `dir`" is decided segment by segment, conservatively:
 * - a pattern with more segments than `dir` whose first segments match `dir`'s could (it names
 *   something inside);
 * - a segment with `**`, `[`, `]` or `\` could match anything (classes can even match `/`);
 * - a literal segment must equal the directory's segment, a segment with `*` or `?` must match it
 *   (compiled as the whole pattern would be, so `*` stays within the segment);
 * - a pattern whose segments all match and are no more than `dir`'s matches `dir` or a parent:
 *   it is already part of the verdict on `dir`, and matches nothing deeper, so it cannot.
 */
import { translateGoRegexp } from './go-regexp.js';
import { classifyPattern } from './pattern-compile.js';
import type { IgnorePattern } from './pattern-matcher.js';

type SegmentTest = 'anything' | ((name: string) => boolean);

/** Decides whether any pattern of one polarity could match something inside a directory. */
export class DirPruner {
  readonly #patterns: readonly (readonly SegmentTest[])[];

  /** `exclusion`: consider `!` patterns (for an exclude list) or plain ones (for an include list). */
  constructor(patterns: readonly IgnorePattern[], exclusion: boolean) {
    this.#patterns = patterns
      .filter((p) => p.exclusion === exclusion)
      .map((p) => p.pattern.split('/').map(segmentTest));
  }

  /** True when some pattern could match a path strictly below `dir` (`/`-separated, relative). */
  couldMatchBelow(dir: string): boolean {
    const names = dir.split('/');
    return this.#patterns.some((segments) => couldMatchBelow(segments, names));
  }
}

function couldMatchBelow(segments: readonly SegmentTest[], names: readonly string[]): boolean {
  for (const [i, test] of segments.entries()) {
    const name = names[i];
    if (name === undefined || test === 'anything') return true;
    if (!test(name)) return false;
  }
  return false;
}

function segmentTest(segment: string): SegmentTest {
  if (/\*\*|[[\]\\]/.test(segment)) return 'anything';
  const c = classifyPattern(segment);
  if (c.kind === 'exact') return (name) => name === segment;
  if (c.kind !== 'regexp' || c.goRegexp === undefined) return 'anything';
  const t = translateGoRegexp(c.goRegexp);
  if (!t.ok) return 'anything';
  const re = t.regexp;
  return (name) => re.test(name);
}
