/**
 * `[internal] load metadata for REF` (`[PLATFORM internal] …` in multi-platform builds): the
 * progress step BuildKit shows while a base image's manifest and config are resolved, before
 * any step runs. One step per reference and platform, however often the conversion asks.
 */
import { formatPlatform, type Platform } from '../platform/index.js';
import { type ProgressSink, ProgressVertex } from '../progress/index.js';
import { formatReference, parseReference } from '../registry/reference/index.js';

/** Wraps a base image resolution in its progress step. */
export type MetadataStep = <T>(ref: string, platform: Platform, resolve: () => Promise<T>) => Promise<T>;

/** Metadata steps reported to `sink`. */
export function metadataProgress(sink: ProgressSink, multiPlatform: boolean): MetadataStep {
  const seen = new Set<string>();
  return async (ref, platform, resolve) => {
    let name: string;
    try {
      name = formatReference(parseReference(ref));
    } catch {
      name = ref;
    }
    const where = multiPlatform ? `${formatPlatform(platform)} internal` : 'internal';
    const key = `${where} ${name}`;
    if (seen.has(key)) return resolve();
    seen.add(key);
    return new ProgressVertex(sink, `[${where}] load metadata for ${name}`, `metadata ${key}`).run(resolve);
  };
}
