/** A field's value from its parent object and the request's context (see schema.ts, resolveDirectly). */
export type FieldFunction<T, C = never> = (parent: T, ctx: C) => unknown;
