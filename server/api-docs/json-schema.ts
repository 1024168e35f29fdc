/**
 * The shared zod schemas as JSON Schema, by zod's own converter (z.toJSONSchema): the documents
 * describe exactly what the server and the tests parse with, with no second copy of a shape.
 */
import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

export interface ComponentOptions {
  /** OpenAPI 3.1 speaks JSON Schema 2020-12; AsyncAPI 3.0's default schema format is draft-07. */
  target: 'draft-2020-12' | 'draft-7';
  /** Requests are described as the client sends them (input), answers as the server sends them. */
  io: 'input' | 'output';
  /** Where the document keeps its schemas, e.g. `#/components/schemas/`. */
  refPrefix: string;
}

/**
 * Named schemas as JSON Schema, converted together: a named schema used inside another becomes a
 * `$ref` to it. Zod's refinements (code) are not JSON Schema and are left out, so the documents
 * say in words what they check.
 */
export function componentSchemas(named: ReadonlyMap<string, z.ZodType>, options: ComponentOptions) {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of named) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: options.target,
    io: options.io,
    uri: (id) => `${options.refPrefix}${id}`,
  });
  const components: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    // Each is a subschema of the document: no dialect or identity of its own.
    const { $schema: _dialect, $id: _id, ...rest } = schema as JsonSchema;
    components[id] = rest;
  }
  return components;
}

/** `message:status` → `MessageStatus`: a component or key name from an event name. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]?.toUpperCase() + word.slice(1))
    .join('');
}

/** Names a set of schemas, one name per schema (the first name given to a schema wins). */
export class SchemaNames {
  private readonly byName = new Map<string, z.ZodType>();
  private readonly bySchema = new Map<z.ZodType, string>();

  /** The schema's name: the one it already has, or `name`. */
  name(schema: z.ZodType, name: string): string {
    const known = this.bySchema.get(schema);
    if (known) return known;
    if (this.byName.has(name)) throw new Error(`two different schemas are both named ${name}`);
    this.byName.set(name, schema);
    this.bySchema.set(schema, name);
    return name;
  }

  get named(): ReadonlyMap<string, z.ZodType> {
    return this.byName;
  }
}
