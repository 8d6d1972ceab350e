/**
 * Compile-time checks that a server class keeps the shape of the client contract (src/contract): written
 * beside a DTO as `export type _ = Assert<SameType<SessionDto, Session>>`, a drift in either fails `tsc`.
 */
export type Assert<T extends true> = T;

/** True when A and B are the same type (not merely assignable one way), false otherwise. */
export type SameType<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
