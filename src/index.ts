/**
 * Manifold's library: everything the CLI does, a Node program can do by importing from
 * 'manifold'. Each pipeline stage exports its public API from its own index.ts.
 */
export { ManifoldError, type ManifoldErrorOptions, isManifoldError } from './errors/index.js';
export * from './platform/index.js';
export { manifoldVersion } from './version.js';
