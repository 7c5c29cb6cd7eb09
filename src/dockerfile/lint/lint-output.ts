/**
 * What `docker buildx build --call=check` prints, byte for byte:
 *
 * - `format=json`: the result as BuildKit marshals it (`warnings` — `null` when there are none —,
 *   `sources`, `buildError`), one line break after it;
 * - text: `Check complete, N warnings have been found!` (or `1 warning has been found!`), then
 *   each warning sorted by line — a blank line, `WARNING: <rule> - <url>`, the message, and the
 *   source around the lines with `>>>` marking them — and, when nothing was found and nothing
 *   failed, `Check complete, no warnings found.`; when the check failed, a blank line after the
 *   warnings and the error (message, then its source) goes to the error stream.
 *
 * In text, the file is named as the user gave it (`-f` path, or `<context>/Dockerfile`); in JSON
 * as the frontend knows it (its base name). Source blocks show two lines either side of a
 * one-line location, one line either side of a longer one.
 */
import { type GoValue, goMarshalIndent } from '../../gofmt/index.js';
import type { LintResult } from './lint.js';
import type { LineRange, LintWarning } from './linter.js';

/** A location as BuildKit's `pb.Location` marshals it (source index 0 and columns 0 omitted). */
export function locationJson(ranges: readonly LineRange[]): GoValue {
  if (ranges.length === 0) return {};
  return { ranges: ranges.map((r) => ({ start: { line: r.start }, end: { line: r.end } })) };
}

function warningJson(w: LintWarning): GoValue {
  return {
    ruleName: w.ruleName,
    description: w.description || undefined,
    url: w.url || undefined,
    detail: w.detail || undefined,
    location: locationJson(w.location),
  };
}

/** The check result as `--call=check,format=json` prints it (with its final line break). */
export function formatLintJson(result: LintResult): string {
  const value: GoValue = {
    warnings: result.warnings.length === 0 ? null : result.warnings.map(warningJson),
    sources: [
      { filename: result.file, data: Buffer.from(result.data).toString('base64'), language: 'Dockerfile' },
    ],
    buildError: result.buildError
      ? { message: result.buildError.message, location: locationJson(result.buildError.location) }
      : undefined,
  };
  return `${goMarshalIndent(value, '', '  ')}\n`;
}

/**
 * The lines around `ranges` (BuildKit's `errdefs.Source.Print`), headed `<file>:<first line>`;
 * empty when there are no ranges or they lie outside the text.
 */
export function sourceSnippet(fileName: string, text: string, ranges: readonly LineRange[]): string {
  if (ranges.length === 0) return '';
  const all = text.split('\n');
  let start = Math.min(...ranges.map((r) => r.start));
  let end = Math.max(...ranges.map((r) => Math.max(r.start, r.end)));
  if (start > all.length || start < 1) return '';
  end = Math.min(end, all.length);
  const first = start;
  const pad = end === start ? 4 : 2;
  for (let p = 0; p < pad; p++) {
    if (start > 1) {
      start--;
      p++;
    }
    if (end !== all.length) {
      end++;
      p++;
    }
  }
  const marked = (line: number) => ranges.some((r) => r.start <= line && Math.max(r.start, r.end) >= line);
  let out = `${fileName}:${first}\n--------------------\n`;
  for (let i = start; i <= end; i++) {
    out += ` ${String(i).padStart(3)} | ${marked(i) ? '>>>' : '   '} ${all[i - 1]}\n`;
  }
  return `${out}--------------------\n`;
}

function firstLine(w: LintWarning): number {
  return w.location[0]?.start ?? 0;
}

/** The check result as `--call=check` prints it on standard output. */
export function formatLintText(result: LintResult, fileName: string): string {
  const text = new TextDecoder().decode(result.data);
  const count = result.warnings.length;
  let out = '';
  if (count > 0) {
    out += `Check complete, ${count === 1 ? '1 warning has been found!' : `${count} warnings have been found!`}\n`;
  }
  const sorted = [...result.warnings].sort((a, b) => {
    if (a.location.length === 0 || b.location.length === 0) return a.location.length === 0 ? -1 : 1;
    return firstLine(a) - firstLine(b);
  });
  for (const w of sorted) {
    out += `\nWARNING: ${w.ruleName}${w.url ? ` - ${w.url}` : ''}\n${w.detail}\n`;
    out += sourceSnippet(fileName, text, w.location);
  }
  if (result.buildError) {
    if (count > 0) out += '\n';
  } else if (count === 0) {
    out += 'Check complete, no warnings found.\n';
  }
  return out;
}

/** The check's error as buildx reports it (message, then its source), or undefined. */
export function formatLintError(result: LintResult, fileName: string): string | undefined {
  const error = result.buildError;
  if (!error) return undefined;
  const text = new TextDecoder().decode(result.data);
  return `${error.message}\n${sourceSnippet(fileName, text, error.location)}`;
}
