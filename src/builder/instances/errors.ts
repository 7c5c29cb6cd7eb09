/**
 * Errors of builder instances: unknown or duplicate names, drivers Manifold cannot provide, a
 * configuration file that is not valid buildkitd.toml, a build asking for a platform its builder
 * does not build, and malformed prune options. One stable code each.
 */
import { ManifoldError } from '../../errors/index.js';

/** No builder of that name (`E_BUILDER_NOT_FOUND`). */
export class BuilderNotFoundError extends ManifoldError {
  constructor(name: string) {
    super('E_BUILDER_NOT_FOUND', `no builder "${name}" found`, {
      hint: `"manifold ls" lists the builders; create this one with "manifold create --name ${name}"`,
    });
    this.name = 'BuilderNotFoundError';
  }
}

/** A builder of that name exists already (`E_BUILDER_EXISTS`). */
export class BuilderExistsError extends ManifoldError {
  constructor(name: string) {
    super('E_BUILDER_EXISTS', `builder "${name}" already exists`, {
      hint: `choose another --name, or remove it first with "manifold rm ${name}"`,
    });
    this.name = 'BuilderExistsError';
  }
}

/** A name a builder cannot have, or an action the default builder does not allow (`E_BUILDER_NAME`). */
export class BuilderNameError extends ManifoldError {
  constructor(message: string, hint: string) {
    super('E_BUILDER_NAME', message, { hint });
    this.name = 'BuilderNameError';
  }
}

/** A driver Manifold does not provide, or a malformed --driver-opt (`E_BUILDER_DRIVER`). */
export class BuilderDriverError extends ManifoldError {
  constructor(message: string, hint: string) {
    super('E_BUILDER_DRIVER', message, { hint });
    this.name = 'BuilderDriverError';
  }
}

/** A builder configuration (buildkitd.toml) that cannot be used (`E_BUILDER_CONFIG`). */
export class BuilderConfigError extends ManifoldError {
  readonly file: string | undefined;
  readonly line: number | undefined;
  constructor(
    problem: string,
    where: { file?: string; line?: number; column?: number },
    hint = 'buildkitd.toml holds [registry."host"] tables and [worker.oci] platforms, max-parallelism, gc, gckeepstorage and [[worker.oci.gcpolicy]]',
    cause?: unknown,
  ) {
    const at =
      where.file === undefined
        ? ''
        : `${where.file}${where.line === undefined ? '' : `:${where.line}`}${where.line !== undefined && where.column !== undefined ? `:${where.column}` : ''}: `;
    super('E_BUILDER_CONFIG', `${at}${problem}`, { hint, cause });
    this.name = 'BuilderConfigError';
    this.file = where.file;
    this.line = where.line;
  }
}

/** A build for platforms its builder does not build (`E_BUILDER_PLATFORM`). */
export class BuilderPlatformError extends ManifoldError {
  /** The platforms asked for that the builder does not build. */
  readonly refused: readonly string[];
  /** What the builder builds. */
  readonly available: readonly string[];
  constructor(builder: string, refused: readonly string[], available: readonly string[], hint: string) {
    super(
      'E_BUILDER_PLATFORM',
      `builder "${builder}" cannot build ${refused.join(', ')}: it builds only ${available.join(', ')}`,
      { hint },
    );
    this.name = 'BuilderPlatformError';
    this.refused = refused;
    this.available = available;
  }
}

/** A prune or du option that cannot be read (`E_PRUNE_OPTION`). */
export class PruneOptionError extends ManifoldError {
  constructor(message: string, hint: string) {
    super('E_PRUNE_OPTION', message, { hint });
    this.name = 'PruneOptionError';
  }
}
