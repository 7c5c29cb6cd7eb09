/** The build context: checksums by content, with a memo of file digests. */
export { type ContextChecksumOptions, contextChecksum } from './checksum.js';
export { FileDigestMemo, hashFile } from './file-digests.js';
export { materializeContext } from './materialize.js';
