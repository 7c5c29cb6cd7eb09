/**
 * `type=tar`: the same file system as `local`, as one tar stream to a file or standard output
 * (`dest=-`). With several platforms each is under its `os_arch[_variant]/` directory (mode
 * 0755, dated like its files). Entries keep numeric owners, modes, symlinks, hardlinks, fifos
 * and device nodes; times are whole seconds, or SOURCE_DATE_EPOCH when set (as BuildKit).
 */
import { createReadStream } from 'node:fs';
import { type TarEntryInput, TarWriter } from '../../layer/index.js';
import { formatPlatform } from '../../platform/index.js';
import type { OutputContext } from './context.js';
import { deviceNumbers, type FsEntry, platformDirName, walkTree } from './fs-walk.js';
import { withSink } from './sink.js';
import type { FilesOutput, OutputResult } from './types.js';

/** Writes each platform's file system into the output's tar. */
export async function exportTar(out: FilesOutput, ctx: OutputContext): Promise<OutputResult> {
  const split = out.platformSplit ?? ctx.multiPlatform;
  const epoch = out.sourceDateEpoch ?? ctx.sourceDateEpoch;
  await withSink(out.dest, async (sink) => {
    const tar = new TarWriter(sink.stream, { end: sink.ownsStream });
    for (const target of ctx.targets) {
      const prefix = split ? `${platformDirName(formatPlatform(target.platform))}/` : '';
      if (split) {
        const seconds = epoch ?? Math.floor(ctx.buildTime / 1000);
        await tar.add({ name: prefix, type: 'dir', mode: 0o755, mtime: { seconds, nanoseconds: 0 } });
      }
      const view = await ctx.snapshots.view(target.chain);
      try {
        for await (const entry of walkTree(view.root, ctx.signal)) {
          const header = tarEntry(entry, prefix, epoch);
          await tar.add(header, entry.kind === 'file' ? createReadStream(entry.abs) : undefined);
        }
      } finally {
        await view.release();
      }
    }
    await tar.finish();
  });
  return {
    type: 'tar',
    names: [],
    stored: [],
    pushed: [],
    written: typeof out.dest === 'string' ? out.dest : '-',
  };
}

/** The tar header of one entry under `prefix`. */
export function tarEntry(entry: FsEntry, prefix: string, epoch: number | undefined): TarEntryInput {
  const st = entry.stat;
  const common = {
    name: `${prefix}${entry.rel}`,
    mode: Number(st.mode & 0o7777n),
    uid: Number(st.uid),
    gid: Number(st.gid),
    mtime: { seconds: epoch ?? Number(st.mtimeNs / 1_000_000_000n), nanoseconds: 0 },
  };
  switch (entry.kind) {
    case 'file':
      return { ...common, type: 'file', size: Number(st.size) };
    case 'hardlink':
      return { ...common, type: 'hardlink', linkname: `${prefix}${entry.link ?? ''}` };
    case 'symlink':
      return { ...common, type: 'symlink', linkname: entry.link ?? '' };
    case 'char':
    case 'block': {
      const { major, minor } = deviceNumbers(st.rdev);
      return { ...common, type: entry.kind, devmajor: major, devminor: minor };
    }
    default:
      return { ...common, type: entry.kind };
  }
}
