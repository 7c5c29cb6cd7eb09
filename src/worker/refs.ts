/**
 * What a build step produces, as the solver passes it around: a file system (a chain of
 * snapshots, bottom first; empty for scratch) or a local directory (the build context).
 */
export type WorkerRef =
  | { readonly kind: 'fs'; readonly chain: readonly string[] }
  | {
      readonly kind: 'local';
      readonly name: string;
      readonly dir: string;
      /** The snapshot holding the filtered tree, when .dockerignore patterns applied. */
      readonly snapshot?: string;
    };
