/**
 * Platforms: parse, normalize, format and match `os/arch[/variant]` specifiers by containerd's
 * rules. Start with {@link parsePlatform} (or {@link normalizePlatform} for a canonical string),
 * then {@link only} or {@link bestMatch} to choose among an index's manifests.
 */
export { InvalidPlatformError } from './errors.js';
export { hostPlatform } from './host.js';
export {
  anyOf,
  bestMatch,
  compatibilityVector,
  matchRank,
  only,
  onlyStrict,
  type PlatformMatcher,
  type VectorOptions,
} from './match.js';
export { KNOWN_ARCH, KNOWN_OS, normalizeArch, normalizeOs } from './names.js';
export {
  formatPlatform,
  normalize,
  normalizePlatform,
  type ParsePlatformOptions,
  type Platform,
  parsePlatform,
  parsePlatformList,
  platformEquals,
} from './parse.js';
