/**
 * Registry error bodies: `{"errors":[{"code":"…","message":"…","detail":…}]}` from the
 * distribution spec. At most 64 KiB of a body is read (the rest is discarded with the
 * connection), so a hostile or broken server cannot make the client buffer without bound. A
 * body that is not such a document gives no diagnostics; its text is kept for messages.
 */
import { chunkBuffer, type DisposableBody, discardBody } from './body.js';
import type { RegistryDiagnostic } from './errors.js';

/** Bytes of an error body the client reads at most. */
export const ERROR_BODY_LIMIT = 64 * 1024;

/** An error body, read up to the limit. */
export interface ErrorBody {
  /** The bytes read, as UTF-8 (possibly cut at the limit). */
  readonly text: string;
  readonly diagnostics: readonly RegistryDiagnostic[];
}

/**
 * Reads at most `limit` bytes of `body` and parses them. Never throws: a body that breaks
 * mid-read gives what was read.
 */
export async function readErrorBody(body: DisposableBody, limit = ERROR_BODY_LIMIT): Promise<ErrorBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buf = chunkBuffer(chunk);
      const room = limit - size;
      chunks.push(buf.length > room ? buf.subarray(0, room) : buf);
      size += Math.min(buf.length, room);
      if (size >= limit) break;
    }
  } catch {
    // A broken body still yields what arrived.
  } finally {
    discardBody(body);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return { text, diagnostics: parseErrorBody(text) };
}

/** The diagnostics of an error body text, or [] when it is not an error document. */
export function parseErrorBody(text: string): RegistryDiagnostic[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return [];
  }
  const errors = (doc as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return [];
  const out: RegistryDiagnostic[] = [];
  for (const e of errors) {
    if (typeof e !== 'object' || e === null) continue;
    const rec = e as { code?: unknown; message?: unknown; detail?: unknown };
    const code = typeof rec.code === 'string' ? rec.code : 'UNKNOWN';
    const message = typeof rec.message === 'string' ? rec.message : '';
    out.push(rec.detail === undefined ? { code, message } : { code, message, detail: rec.detail });
  }
  return out;
}

/** `CODE: message; CODE: message` for error texts. */
export function formatDiagnostics(diagnostics: readonly RegistryDiagnostic[]): string {
  return diagnostics.map((d) => (d.message === '' ? d.code : `${d.code}: ${d.message}`)).join('; ');
}
