/**
 * What-if (bench/run.ts --what-if): preloaded with `node -r`, this answers the construct library's
 * `require('yaml')` with a `parseDocument` made on js-yaml (YAML 1.2 core schema plus `<<` merge
 * keys, duplicate keys refused, errors with line and column), so that the same compiled sources
 * can be timed with the other parser. js-yaml is loaded at that require, where yaml would be.
 *
 * It covers only what src/private/load.ts uses of yaml (parseDocument, errors, linePos, toJS).
 * It is a measurement, not the fix: it has no alias-expansion limit (yaml's maxAliasCount).
 */
import Module from 'module';

interface ParsedDocument {
  readonly errors: { message: string; linePos?: { line: number; col: number }[] }[];
  toJS(options?: unknown): unknown;
}

function makeShim() {
  // js-yaml is not a dependency of the library: it is in node_modules through eslint (a what-if only).
  // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies
  const jsyaml = require('js-yaml');
  const schema = jsyaml.CORE_SCHEMA.extend({ implicit: [jsyaml.types.merge] });
  return {
    parseDocument(text: string): ParsedDocument {
      try {
        const value = jsyaml.load(text, { schema });
        return { errors: [], toJS: () => value };
      } catch (e: any) {
        const linePos = e.mark ? [{ line: e.mark.line + 1, col: e.mark.column + 1 }] : undefined;
        return { errors: [{ message: e.reason ?? e.message, linePos }], toJS: () => undefined };
      }
    },
  };
}

let shim: ReturnType<typeof makeShim> | undefined;
const mod = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
const load = mod._load;
mod._load = function (this: unknown, request: string, parent: unknown, isMain: boolean) {
  if (request === 'yaml') return (shim ??= makeShim());
  return load.call(this, request, parent, isMain);
};
