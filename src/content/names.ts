/**
 * Image names as `index.json` entries.
 *
 * Convention: a name is the full, normalized reference (`docker.io/library/alpine:latest`,
 * `localhost:5000/app@sha256:…`), and its entry carries it twice:
 * - `org.opencontainers.image.ref.name` = the full reference. This is what `skopeo … oci:DIR:REF`
 *   and `umoci … --image DIR:REF` match (exactly, after splitting `DIR:` off at the first colon),
 *   so `skopeo inspect oci:STORE:docker.io/library/alpine:latest` reads a Manifold image. The
 *   containerd/buildx OCI *exporter* writes only the tag (`latest`) there, which is fine for a
 *   tarball holding one image but would make `alpine:latest` and `busybox:latest` collide in a
 *   store that holds many; the image-spec grammar for this annotation allows `/`, `:` and `@`.
 * - `io.containerd.image.name` = the full reference too, as containerd and buildx write it, so
 *   tools that look there (ctr import, buildx) agree.
 * Reading, an entry's name is its `io.containerd.image.name`, else its `ref.name`, so layouts
 * written by containerd (tag in ref.name) and by skopeo (only ref.name) read as expected.
 * Entries without either annotation are kept untouched (and keep their blobs alive in gc).
 *
 * Names are not normalized here (that is src/registry/reference's job, which this lower stage
 * does not import); they are checked against a lenient superset of Docker's reference syntax.
 */
import { Annotation, type Descriptor, type ImageIndex } from '../oci/index.js';
import { InvalidImageNameError } from './errors.js';

/** A name and the descriptor it points to (name annotations removed). */
export interface NamedDescriptor {
  readonly name: string;
  readonly descriptor: Descriptor;
}

const NAME_ANNOTATIONS: readonly string[] = [Annotation.ContainerdImageName, Annotation.RefName];

/** Every character a Docker reference can hold: domain, port, path, tag and digest. */
const NAME_CHARS = /^[A-Za-z0-9](?:[A-Za-z0-9._:@+/-]*[A-Za-z0-9])?$/;

/**
 * Checks that `name` can be an image name in the store.
 * @throws InvalidImageNameError quoting the name and the rule.
 */
export function checkImageName(name: string): void {
  if (name.length === 0) throw new InvalidImageNameError(name, 'the name is empty');
  if (name.length > 1024) throw new InvalidImageNameError(name, 'longer than 1024 characters');
  if (!NAME_CHARS.test(name)) {
    throw new InvalidImageNameError(
      name,
      'only letters, digits and . _ - : @ + / are allowed, starting and ending with a letter or digit',
    );
  }
}

/** The name an index.json entry carries, if any. */
export function entryName(entry: Descriptor): string | undefined {
  const a = entry.annotations;
  if (a === undefined) return undefined;
  return a[Annotation.ContainerdImageName] ?? a[Annotation.RefName];
}

/** The descriptor without the name annotations (and without `annotations` when that leaves none). */
export function stripName(entry: Descriptor): Descriptor {
  if (entry.annotations === undefined) return entry;
  const rest = Object.fromEntries(
    Object.entries(entry.annotations).filter(([k]) => !NAME_ANNOTATIONS.includes(k)),
  );
  const { annotations: _dropped, ...plain } = entry;
  return Object.keys(rest).length === 0 ? plain : { ...plain, annotations: rest };
}

/** The descriptor with the name annotations set to `name`. */
export function withName(descriptor: Descriptor, name: string): Descriptor {
  const base = stripName(descriptor);
  return {
    ...base,
    annotations: { ...base.annotations, [Annotation.ContainerdImageName]: name, [Annotation.RefName]: name },
  };
}

/** Named entries in index order. */
export function namedEntries(index: ImageIndex): NamedDescriptor[] {
  const out: NamedDescriptor[] = [];
  for (const entry of index.manifests) {
    const name = entryName(entry);
    if (name !== undefined) out.push({ name, descriptor: stripName(entry) });
  }
  return out;
}

/** The descriptor named `name`, or undefined. */
export function findName(index: ImageIndex, name: string): Descriptor | undefined {
  const entry = index.manifests.find((e) => entryName(e) === name);
  return entry === undefined ? undefined : stripName(entry);
}

/**
 * A new index where `name` points to `descriptor`: an existing entry of that name is replaced
 * in place (any duplicates dropped), otherwise the entry is appended.
 */
export function indexWithName(index: ImageIndex, name: string, descriptor: Descriptor): ImageIndex {
  const entry = withName(descriptor, name);
  const manifests: Descriptor[] = [];
  let placed = false;
  for (const e of index.manifests) {
    if (entryName(e) !== name) manifests.push(e);
    else if (!placed) {
      manifests.push(entry);
      placed = true;
    }
  }
  if (!placed) manifests.push(entry);
  return { ...index, manifests };
}

/** A new index without entries named `name`. */
export function indexWithoutName(index: ImageIndex, name: string): ImageIndex {
  return { ...index, manifests: index.manifests.filter((e) => entryName(e) !== name) };
}
