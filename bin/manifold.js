#!/usr/bin/env node
// The installed entry point (CommonJS, see bin/package.json: Node starts it faster than an ES
// module, and a no-change rebuild through the resident builder takes well under 0.1 s in all).
//
// 1. `manifold build` is first offered to the resident builder of the state directory
//    (dist/resident-client.cjs, small): a running one does the build and this process only
//    relays its output. See src/resident/.
// 2. Otherwise the bundled CLI (`npm run build` makes dist/manifold.cjs) runs here, compiled
//    through V8's code cache: the first run of each command saves the compiled code in
//    dist/.code-cache/, later runs skip most of the compiling (≈ 40 ms of start-up). Any
//    failure to read or write that cache is ignored. After a build that found no resident
//    builder, one is started in the background for the next build.
'use strict';
// Only what the thin client needs is loaded up front; the rest when the bundle runs here.
const { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const SERVE = '--resident-serve';
const dist = path.join(__dirname, '..', 'dist');
const bundle = path.join(dist, 'manifold.cjs');
const argv = process.argv.slice(2);
const bundleStat = statSync(bundle);
// Names this compiled CLI on this Node: a resident process serves clients of its own key only.
const key = `${bundleStat.size}-${Math.trunc(bundleStat.mtimeMs)}-${process.version}`;

async function run() {
  if (argv[0] === SERVE) {
    // The resident runs builds: it starts from the code cache of `build`, so that even its
    // first build finds the functions of a build compiled.
    const { cli, saveCache } = loadBundle('build', { saveOnExit: false });
    const run = async (args, options) => {
      const code = await cli.main(args, options);
      saveCache?.();
      return code;
    };
    await cli.serveResident({ key, run });
    process.exit(0);
  }
  const resident = argv.includes('build') ? require(path.join(dist, 'resident-client.cjs')) : undefined;
  const handed = resident ? await resident.delegateToResident(argv, key) : { startResident: false };
  if (handed.code !== undefined) {
    process.exitCode = handed.code;
    return;
  }
  const { cli } = loadBundle(argv.find((a) => !a.startsWith('-')));
  process.exitCode = await cli.main(argv);
  if (handed.startResident) resident.startResident(__filename);
}

/**
 * Loads the bundle with the code cache of `command`. When that cache is missing or stale, a new
 * one is saved when the process ends (`saveOnExit`), or by calling `saveCache` (once).
 */
function loadBundle(command, { saveOnExit = true } = {}) {
  // undici parses HTTP with a WebAssembly module that V8 would also recompile with its
  // optimizing tier in the background, and a process waits for that compile at exit (≈ 60 ms,
  // longer than a no-change build's own work). The baseline tier is fast enough for headers and
  // chunk framing.
  require('node:v8').setFlagsFromString('--liftoff-only');
  const { Script } = require('node:vm');
  const source = readFileSync(bundle, 'utf8');
  const cacheFile = codeCachePath(command);
  const cachedData = readQuietly(cacheFile);
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    ...(cachedData ? { cachedData } : {}),
  });
  const cjsModule = { exports: {} };
  script.runInThisContext().call(cjsModule.exports, cjsModule.exports, require, cjsModule, bundle, dist);
  let saveCache;
  if (cacheFile && (!cachedData || script.cachedDataRejected)) {
    // After a command ran, the cache also holds the functions it compiled on the way.
    let saved = false;
    saveCache = () => {
      if (!saved) saveQuietly(cacheFile, script.createCachedData());
      saved = true;
    };
    if (saveOnExit) process.once('beforeExit', saveCache);
  }
  return { cli: cjsModule.exports, saveCache };
}

/**
 * One cache per command (what a run compiles depends on the command), named after the bundle's
 * size and modification time: V8 checks its own version and flags, not that the source is the
 * same, so a rebuilt bundle must never meet an old cache.
 */
function codeCachePath(command) {
  if (command === undefined || !/^[a-z][a-z-]{0,31}$/.test(command)) return undefined;
  return path.join(
    dist,
    '.code-cache',
    `${command}-${bundleStat.size}-${Math.trunc(bundleStat.mtimeMs)}.bin`,
  );
}

function readQuietly(file) {
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function saveQuietly(file, data) {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch {
    // A read-only installation runs without a cache.
  }
}

run().catch((err) => {
  process.stderr.write(`ERROR: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
