/**
 * Drivers: what runs a builder's builds. Manifold has one, `local`: builds run in the manifold
 * process itself, with runc for RUN steps. `docker-container` and `docker` (buildx's) are
 * accepted so that tutorial command lines run unchanged: they make a local builder, and the
 * choice carries a one-line note saying so and naming the `--driver-opt` keys it ignored
 * (`image=`, `network=`, …: they configure a BuildKit container Manifold does not need).
 * `kubernetes` and `remote` need a BuildKit daemon elsewhere and are refused.
 */
import { BuilderDriverError } from './errors.js';

/** The driver asked for, as buildx names them. */
export const ACCEPTED_DRIVERS: readonly string[] = ['local', 'docker-container', 'docker'];

/** What a requested driver becomes. */
export interface DriverChoice {
  readonly driver: 'local';
  /** As asked for. */
  readonly requested: string;
  readonly driverOpts: Readonly<Record<string, string>>;
  /** The one line to show, when the request differs from what Manifold does. */
  readonly note: string | undefined;
}

/**
 * Chooses the driver for `requested` (default `local`) with `--driver-opt` values `opts`
 * (`K=V`, repeatable, CSV allowed as buildx does: `image=x,network=host`).
 */
export function chooseDriver(
  requested: string | undefined,
  opts: readonly string[],
  builder: string,
): DriverChoice {
  const driver = requested ?? 'local';
  if (!ACCEPTED_DRIVERS.includes(driver)) {
    throw new BuilderDriverError(
      `driver "${driver}" is not available: Manifold builds in-process and cannot use a BuildKit daemon elsewhere`,
      `use --driver local (the default); docker-container and docker are accepted too and make a local builder`,
    );
  }
  const driverOpts = parseDriverOpts(opts);
  const keys = Object.keys(driverOpts);
  const ignored = keys.length ? `; ignored --driver-opt ${keys.map((k) => `${k}=`).join(', ')}` : '';
  let note: string | undefined;
  if (driver !== 'local') {
    note = `driver "${driver}": Manifold needs no container, builder "${builder}" builds in-process (local driver)${ignored}`;
  } else if (keys.length) {
    note = `the local driver takes no options${ignored}`;
  }
  return { driver: 'local', requested: driver, driverOpts, note };
}

function parseDriverOpts(opts: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const opt of opts) {
    for (const field of opt.split(',')) {
      if (field === '') continue;
      const eq = field.indexOf('=');
      if (eq < 1) {
        throw new BuilderDriverError(
          `invalid --driver-opt "${field}": expected KEY=VALUE`,
          'write e.g. --driver-opt image=moby/buildkit',
        );
      }
      out[field.slice(0, eq)] = field.slice(eq + 1);
    }
  }
  return out;
}
