/**
 * Image references (`alpine`, `localhost:5000/app:v1`, `name@sha256:…`): parsing and
 * normalization by Docker's rules, formatting, and the registry host rules that go with them.
 */
export { InvalidReferenceError } from './errors.js';
export { NAME_PATH_MAX_LENGTH, TAG_MAX_LENGTH } from './grammar.js';
export {
  DEFAULT_REGISTRY,
  DOCKER_HUB_API_HOST,
  isLoopbackRegistry,
  LEGACY_DEFAULT_REGISTRY,
  registryApiHost,
} from './hosts.js';
export {
  DEFAULT_TAG,
  familiarName,
  formatFamiliarReference,
  formatReference,
  isValidReference,
  type ParseReferenceOptions,
  parseReference,
  type Reference,
  referenceName,
  referenceTarget,
} from './reference.js';
