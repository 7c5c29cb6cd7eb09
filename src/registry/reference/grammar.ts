/**
 * The grammar of Docker image references (distribution/reference), one anchored pattern per part:
 *
 *     reference   := name [ ":" tag ] [ "@" digest ]
 *     name        := [ domain "/" ] path
 *     domain      := host [ ":" port ]        host := domain-name | "[" ipv6 "]"
 *     domain-name := component ( "." component )*, component = [a-zA-Z0-9] or [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
 *     path        := path-component ( "/" path-component )*
 *     path-component := [a-z0-9]+ ( separator [a-z0-9]+ )*, separator := "." | "_" | "__" | "-"+
 *     tag         := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
 *     digest      := algorithm ":" hex{32,}
 */

/** Longest repository path (the name without its registry), in characters. */
export const NAME_PATH_MAX_LENGTH = 255;

/** Longest tag, in characters. */
export const TAG_MAX_LENGTH = 128;

/** One path component of a repository name. */
export const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** A registry: host name, or bracketed IPv6 address, with an optional port. */
export const DOMAIN =
  /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$/;

/** A tag. */
export const TAG = /^\w[\w.-]{0,127}$/;

/** The general digest form a reference may carry (checked further by `parseDigest`). */
export const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

/** 64 hex digits alone: an image ID, which is refused as a name. */
export const IMAGE_ID = /^[a-f0-9]{64}$/;
