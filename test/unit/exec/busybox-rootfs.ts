/**
 * Test fixture: busybox root file systems from Debian's busybox-static packages in the test
 * world (/var/cache/manifold-testworld/debs/, amd64, arm64 and armhf). The package is unpacked
 * with `dpkg-deb -x`; every applet the amd64 busybox lists gets a /bin symlink; /etc/passwd and
 * /etc/group hold root, nobody and a test user:
 *
 *   tester  uid 1000, gid 1000 (tester), home /home/tester (owned 1000:1000)
 *   groups  extra (2000) lists tester; other (3000) lists root and tester
 *
 * /proc, /sys, /dev, /tmp and /root exist, as in real images; /etc/hosts and /etc/resolv.conf
 * do not (so mount-stub clean-up shows).
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

/** Where the test world keeps the packages. */
export const DEBS_DIR = process.env.MANIFOLD_TESTWORLD_DEBS ?? '/var/cache/manifold-testworld/debs';

/** Debian architecture names of the fixtures. */
export type DebArch = 'amd64' | 'arm64' | 'armhf';

export const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'nobody:x:65534:65534:nobody:/nonexistent:/bin/false',
  'tester:x:1000:1000:Test User:/home/tester:/bin/sh',
  '',
].join('\n');

export const GROUP = [
  'root:x:0:',
  'nogroup:x:65534:',
  'tester:x:1000:',
  'extra:x:2000:tester',
  'other:x:3000:root,tester',
  '',
].join('\n');

/** The busybox-static .deb for `arch`; throws when the test world lacks it. */
export function debFor(arch: DebArch): string {
  const name = readdirSync(DEBS_DIR).find(
    (f) => f.startsWith('busybox-static_') && f.endsWith(`_${arch}.deb`),
  );
  if (!name)
    throw new Error(`no busybox-static .deb for ${arch} in ${DEBS_DIR}: run scripts/testworld/install.sh`);
  return path.join(DEBS_DIR, name);
}

let applets: string[] | undefined;

/** Applet names, from the amd64 busybox's `--list` (unpacked once under `scratch`). */
function appletNames(scratch: string): string[] {
  if (applets) return applets;
  const dir = path.join(scratch, 'applets-amd64');
  if (!existsSync(path.join(dir, 'bin', 'busybox'))) execFileSync('dpkg-deb', ['-x', debFor('amd64'), dir]);
  applets = execFileSync(path.join(dir, 'bin', 'busybox'), ['--list'], { encoding: 'utf8' })
    .split('\n')
    .filter((n) => n !== '' && n !== 'busybox');
  return applets;
}

/** Makes a busybox root file system for `arch` at `dir` (created); returns `dir`. */
export function makeBusyboxRootfs(arch: DebArch, dir: string, scratch: string): string {
  mkdirSync(dir, { recursive: true });
  execFileSync('dpkg-deb', ['-x', debFor(arch), dir]);
  for (const name of appletNames(scratch)) {
    const link = path.join(dir, 'bin', name);
    if (!existsSync(link)) symlinkSync('busybox', link);
  }
  for (const d of ['etc', 'proc', 'sys', 'dev', 'root', 'home/tester'])
    mkdirSync(path.join(dir, d), { recursive: true });
  mkdirSync(path.join(dir, 'tmp'), { recursive: true });
  chmodSync(path.join(dir, 'tmp'), 0o1777);
  chmodSync(path.join(dir, 'root'), 0o700);
  chownSync(path.join(dir, 'home/tester'), 1000, 1000);
  writeFileSync(path.join(dir, 'etc/passwd'), PASSWD);
  writeFileSync(path.join(dir, 'etc/group'), GROUP);
  return dir;
}
