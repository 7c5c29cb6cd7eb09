/**
 * Parsing and formatting of platform specifiers, by containerd's rules.
 *
 * Syntax: `<os>/<arch>[/<variant>]` or a bare `<arch>`; `linux` is the default os, so `arm64`
 * means `linux/arm64`. An os may carry a version in parentheses, as `windows(10.0.17763)/amd64`.
 * Aliases normalize (`x86_64` → `amd64`, `aarch64` → `arm64`, `armhf` → `arm/v7`, see names.ts),
 * so equal platforms compare equal after parsing. Nothing here looks at the host: a bare os
 * (`linux`) needs the caller's host platform to pick an architecture.
 */
import { InvalidPlatformError } from './errors.js';
import { KNOWN_ARCH, KNOWN_OS, KNOWN_VARIANTS, normalizeArch, normalizeOs } from './names.js';

/** A platform as OCI images describe it. Values are always normalized. */
export interface Platform {
  readonly os: string;
  readonly architecture: string;
  /** CPU variant (`v7`, `v2`…); absent where the platform has none. */
  readonly variant?: string;
  /** OS version, Windows only in practice (`10.0.17763.1234`). */
  readonly osVersion?: string;
  /** OS features, sorted and deduplicated. */
  readonly osFeatures?: readonly string[];
}

/** Options of {@link parsePlatform}. */
export interface ParsePlatformOptions {
  /** Platform used to complete a bare os such as `linux`; without it a bare os is an error. */
  host?: Platform;
}

const COMPONENT = /^[A-Za-z0-9_.-]+$/;
const OS_WITH_VERSION = /^([A-Za-z0-9_-]+)\(([A-Za-z0-9_.-]*)\)$/;

/** Parses and normalizes a platform specifier; throws {@link InvalidPlatformError}. */
export function parsePlatform(spec: string, options: ParsePlatformOptions = {}): Platform {
  const input = spec;
  const trimmed = spec.trim();
  if (trimmed === '') throw new InvalidPlatformError(input, 'the platform is empty');
  const parts = trimmed.split('/');
  if (parts.length > 3) {
    throw new InvalidPlatformError(input, `too many components (${parts.length}); at most os/arch/variant`);
  }
  const [first = '', second, third] = parts;
  const osPart = splitOsVersion(input, parts.length === 1 ? '' : first);
  parts.forEach((part, index) => {
    if (part === '') throw new InvalidPlatformError(input, `component ${index + 1} is empty`);
    if (index > 0 && !COMPONENT.test(part)) {
      throw new InvalidPlatformError(
        input,
        `"${part}" is not a valid component: use letters, digits, "_", "." or "-"`,
      );
    }
  });

  if (parts.length === 1) return parseSingle(input, first, options.host);
  const os = normalizeOs(osPart.os);
  // `arm64/v8` or `arm/v7`: an architecture with its variant, on the default os.
  if (!KNOWN_OS.has(os) && parts.length === 2 && KNOWN_ARCH.has(normalizeArch(first, '').architecture)) {
    return finish(input, 'linux', first, second ?? '', undefined);
  }
  if (!KNOWN_OS.has(os)) {
    throw new InvalidPlatformError(
      input,
      `unknown operating system "${osPart.os}" (known: ${[...KNOWN_OS].join(', ')})`,
    );
  }
  return finish(input, os, second ?? '', third ?? '', osPart.version);
}

/** A bare component: an architecture (on linux) or, given a host, an os. */
function parseSingle(input: string, word: string, host: Platform | undefined): Platform {
  if (!COMPONENT.test(word)) {
    throw new InvalidPlatformError(
      input,
      `"${word}" is not a valid component: use letters, digits, "_", "." or "-"`,
    );
  }
  const os = normalizeOs(word);
  if (KNOWN_OS.has(os) && !KNOWN_ARCH.has(normalizeArch(word, '').architecture)) {
    if (!host)
      throw new InvalidPlatformError(input, `"${word}" names an os but no architecture: write ${os}/ARCH`);
    return finish(input, os, host.architecture, host.variant ?? '', undefined);
  }
  return finish(input, 'linux', word, '', undefined);
}

function finish(
  input: string,
  os: string,
  arch: string,
  variant: string,
  osVersion: string | undefined,
): Platform {
  const normalized = normalizeArch(arch, variant);
  if (!KNOWN_ARCH.has(normalized.architecture)) {
    throw new InvalidPlatformError(
      input,
      `unknown architecture "${arch}" (known: ${[...KNOWN_ARCH].join(', ')}, and the aliases x86_64, aarch64, armhf, armel, i386)`,
    );
  }
  if (normalized.architecture === '386' && variant !== '')
    throw new InvalidPlatformError(input, '386 takes no variant');
  checkVariant(input, normalized.architecture, normalized.variant);
  return build(os, normalized.architecture, normalized.variant, osVersion);
}

function checkVariant(input: string, architecture: string, variant: string): void {
  if (variant === '') return;
  const known = KNOWN_VARIANTS.get(architecture);
  if (known && !known.has(variant)) {
    throw new InvalidPlatformError(
      input,
      `unknown variant "${variant}" for ${architecture} (known: ${[...known].join(', ')})`,
    );
  }
}

function splitOsVersion(input: string, os: string): { os: string; version: string | undefined } {
  if (!os.includes('(')) {
    if (os !== '' && !COMPONENT.test(os)) {
      throw new InvalidPlatformError(
        input,
        `"${os}" is not a valid component: use letters, digits, "_", "." or "-"`,
      );
    }
    return { os, version: undefined };
  }
  const m = OS_WITH_VERSION.exec(os);
  if (!m) throw new InvalidPlatformError(input, `"${os}" is not a valid os: write os or os(version)`);
  return { os: m[1] ?? '', version: m[2] || undefined };
}

function build(os: string, architecture: string, variant: string, osVersion: string | undefined): Platform {
  return {
    os,
    architecture,
    ...(variant ? { variant } : {}),
    ...(osVersion ? { osVersion } : {}),
  };
}

/** Normalizes a platform value (aliases, variant defaults, sorted os features). */
export function normalize(p: Platform): Platform {
  const { architecture, variant } = normalizeArch(p.architecture, p.variant ?? '');
  const features = p.osFeatures ? [...new Set(p.osFeatures)].sort() : [];
  return {
    ...build(normalizeOs(p.os), architecture, variant, p.osVersion),
    ...(features.length ? { osFeatures: features } : {}),
  };
}

/** Formats a platform as `os/arch[/variant]` (the os version is not part of the string). */
export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

/** Parses a specifier and returns its canonical `os/arch[/variant]` form. */
export function normalizePlatform(spec: string): string {
  return formatPlatform(parsePlatform(spec));
}

/**
 * Parses platform lists as `--platform` takes them: comma-separated, possibly repeated,
 * normalized and deduplicated in order of first appearance.
 */
export function parsePlatformList(
  specs: string | readonly string[],
  options: ParsePlatformOptions = {},
): Platform[] {
  const seen = new Set<string>();
  const out: Platform[] = [];
  for (const spec of typeof specs === 'string' ? [specs] : specs) {
    for (const item of spec.split(',')) {
      if (item.trim() === '') {
        throw new InvalidPlatformError(
          spec,
          'the list has an empty entry: separate platforms with single commas',
        );
      }
      const p = parsePlatform(item, options);
      const key = formatPlatform(p);
      if (!seen.has(key)) {
        seen.add(key);
        out.push(p);
      }
    }
  }
  return out;
}

/** True when both describe the same platform (after normalization). */
export function platformEquals(a: Platform, b: Platform): boolean {
  const x = normalize(a);
  const y = normalize(b);
  return (
    x.os === y.os &&
    x.architecture === y.architecture &&
    (x.variant ?? '') === (y.variant ?? '') &&
    (x.osVersion ?? '') === (y.osVersion ?? '')
  );
}
