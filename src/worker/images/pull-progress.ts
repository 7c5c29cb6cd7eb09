/**
 * Progress of a base image pull, as statuses of its vertex, named as BuildKit names them:
 * `resolve REF` (the manifest and config), `sha256:…` with bytes for each layer downloaded (a
 * layer already in the store shows none), and `extracting sha256:…` for each layer unpacked.
 */
import type { Digest } from '../../oci/index.js';
import { type ProgressSink, StatusReporter } from '../../progress/index.js';
import type { UnpackOptions } from './unpack.js';

/** Reporters for one image vertex. */
export interface PullProgress extends Required<Pick<UnpackOptions, 'onLayer' | 'onLayerBytes'>> {
  /** Reports resolving `ref`; call the result when it is resolved. */
  resolving(ref: string): () => void;
}

/** Progress callbacks that report a pull as statuses of `vertex`. */
export function pullProgress(sink: ProgressSink, vertex: Digest): PullProgress {
  const downloads = new Map<Digest, StatusReporter>();
  const extracting = new Map<Digest, StatusReporter>();
  return {
    resolving(ref) {
      const status = new StatusReporter(sink, vertex, `resolve ${ref}`, { announce: false });
      return () => status.complete(0);
    },
    onLayerBytes(digest, current, total) {
      let status = downloads.get(digest);
      if (!status) {
        status = new StatusReporter(sink, vertex, digest, { total, announce: false });
        downloads.set(digest, status);
      }
      status.update(current, total);
    },
    onLayer(digest, state) {
      if (state === 'unpacking') {
        downloads.get(digest)?.complete();
        extracting.set(digest, new StatusReporter(sink, vertex, `extracting ${digest}`));
      } else if (state === 'done') {
        extracting.get(digest)?.complete(0);
      }
    },
  };
}
