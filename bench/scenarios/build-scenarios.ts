/**
 * The build scenarios of issue 8, each a 3-platform build pushed to the benchmark registry:
 * - hello: the product brief's Dockerfile plus a small COPY; cold, no-change, touch (the
 *   COPYed file's mtime moves, its content does not), edit (its content changes).
 * - context: 10,000 files (about 100 MB) copied in; cold, no-change, one file edited.
 * - cross: a `FROM --platform=$BUILDPLATFORM` stage doing a few seconds of shell arithmetic,
 *   then a per-target stage copying its result; cold.
 * - stages: four independent stages joined at the end; cold.
 * Dockerfiles live in `dockerfiles/`; contexts are written by `prepare`.
 */
import { mkdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { textContent, treeFile, writeTree } from '../harness/content.js';
import { type BuildScenario, PLATFORMS, type Sizes, type Variant } from './types.js';

const DOCKERFILES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dockerfiles');
const COLD: Variant = { name: 'cold', cold: true };
const NO_CHANGE: Variant = { name: 'no-change', cold: false };

/** Moves a file's mtime a minute forward; its content stays. */
async function touch(file: string): Promise<void> {
  const st = await stat(file);
  const next = new Date(st.mtimeMs + 60_000);
  await utimes(file, next, next);
}

/** Appends a line naming the repetition, so every edit changes the content. */
async function edit(file: string, rep: number): Promise<void> {
  const text = await readFile(file, 'utf8');
  await writeFile(file, `${text}edited in repetition ${rep}\n`);
}

const hello: BuildScenario = {
  kind: 'build',
  name: 'hello',
  description: "The product brief's Dockerfile (FROM, RUN uname, CMD) plus COPY of one small file.",
  dockerfile: path.join(DOCKERFILES, 'hello.Dockerfile'),
  platforms: PLATFORMS,
  buildArgs: () => ({}),
  async prepare(context) {
    await mkdir(context, { recursive: true });
    await writeFile(path.join(context, 'app.txt'), 'hello from the benchmark\n');
  },
  variants: [
    COLD,
    NO_CHANGE,
    { name: 'touch', cold: false, change: (ctx) => touch(path.join(ctx, 'app.txt')) },
    { name: 'edit', cold: false, change: (ctx, rep) => edit(path.join(ctx, 'app.txt'), rep) },
  ],
};

/** The context file the edit variant changes: one in the middle of the tree. */
function editedFile(sizes: Sizes): string {
  return treeFile(Math.floor(sizes.contextFiles * 0.43));
}

const context: BuildScenario = {
  kind: 'build',
  name: 'context',
  description: 'COPY . of a context of 10,000 text files (about 100 MB, 100 folders).',
  dockerfile: path.join(DOCKERFILES, 'context.Dockerfile'),
  platforms: PLATFORMS,
  buildArgs: () => ({}),
  async prepare(ctx, sizes) {
    const marker = path.join(ctx, '.bench-tree');
    const want = `${sizes.contextFiles} ${sizes.contextBytes}\n`;
    const have = await readFile(marker, 'utf8').catch(() => '');
    if (have !== want) {
      await mkdir(ctx, { recursive: true });
      await writeTree(ctx, 'context', sizes.contextFiles, sizes.contextBytes);
      await writeFile(marker, want);
    } else {
      const each = Math.max(1, Math.floor(sizes.contextBytes / sizes.contextFiles));
      await writeFile(path.join(ctx, editedFile(sizes)), textContent('context', editedFile(sizes), each));
    }
  },
  variants: [
    COLD,
    NO_CHANGE,
    {
      name: 'edit',
      cold: false,
      change: (ctx, rep, sizes) => edit(path.join(ctx, editedFile(sizes)), rep),
    },
  ],
};

const cross: BuildScenario = {
  kind: 'build',
  name: 'cross',
  description:
    'FROM --platform=$BUILDPLATFORM stage computing for a few seconds (no TARGET* read), then a per-target stage copying its result.',
  dockerfile: path.join(DOCKERFILES, 'cross.Dockerfile'),
  platforms: PLATFORMS,
  buildArgs: (sizes) => ({ ITER: String(sizes.crossIterations) }),
  prepare: (ctx) => mkdir(ctx, { recursive: true }).then(() => undefined),
  variants: [COLD],
};

const stages: BuildScenario = {
  kind: 'build',
  name: 'stages',
  description:
    'Four independent stages (each: sleep 1 as a stand-in for a download, then a shell loop on the target platform) joined by COPY --from.',
  dockerfile: path.join(DOCKERFILES, 'stages.Dockerfile'),
  platforms: PLATFORMS,
  buildArgs: (sizes) => ({ ITER: String(sizes.stagesIterations) }),
  prepare: (ctx) => mkdir(ctx, { recursive: true }).then(() => undefined),
  variants: [COLD],
};

/** Every build scenario, in the order they run. */
export const BUILD_SCENARIOS: readonly BuildScenario[] = [hello, context, cross, stages];
