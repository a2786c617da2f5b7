/**
 * The compiled jsii assembly (`.jsii`, written by `npx projen compile`) is the API that Python and
 * Java users get. Their languages have no union types, and an `any` reaches them as an untyped
 * `Object` or `typing.Any`, so every public property, parameter and return value must be a struct,
 * a class, an enum, a primitive or a collection of those. The one exception is the parsed YAML
 * document that `fromObject` takes (a Python dict, a Java Map). Every public type and member must be
 * documented: the docs are what Construct Hub, PyPI and the Java IDE show.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

/** The places that may take an untyped value, with the one type each may have. Nothing else may. */
const ALLOWED_UNTYPED: Record<string, string> = {
  'cdk-compose-fargate.ComposeDefinition.fromObject(document)': 'map of any',
  'cdk-compose-fargate.EcsParams.fromObject(document)': 'map of any',
};

const ASSEMBLY_FILE = path.join(__dirname, '..', '..', '.jsii');

// The parts of the jsii assembly schema (@jsii/spec) that these checks read.
interface TypeRef {
  readonly primitive?: string;
  readonly fqn?: string;
  readonly collection?: { readonly kind: string; readonly elementtype: TypeRef };
  readonly union?: { readonly types: TypeRef[] };
  readonly intersection?: { readonly types: TypeRef[] };
}
interface Docs { readonly summary?: string }
interface Parameter { readonly name: string; readonly type: TypeRef }
interface Callable {
  readonly name?: string;
  readonly docs?: Docs;
  readonly parameters?: Parameter[];
  readonly returns?: { readonly type: TypeRef };
}
interface Property { readonly name: string; readonly type: TypeRef; readonly docs?: Docs }
interface TypeInfo {
  readonly fqn: string;
  readonly kind: string;
  readonly docs?: Docs;
  readonly properties?: Property[];
  readonly methods?: Callable[];
  readonly initializer?: Callable;
  readonly members?: Array<{ readonly name: string; readonly docs?: Docs }>;
}
interface Assembly {
  readonly name: string;
  readonly description?: string;
  readonly license?: string;
  readonly keywords?: string[];
  readonly repository?: { readonly url?: string };
  readonly docs?: { readonly stability?: string };
  readonly targets?: Record<string, any>;
  readonly metadata?: Record<string, any>;
  readonly types?: Record<string, TypeInfo>;
}

/** Reads the assembly, following jsii's redirect to a compressed `.jsii.gz`. */
function loadAssembly(file: string): Assembly {
  if (!fs.existsSync(file)) {
    throw new Error(`${file} does not exist: run \`npx projen compile\` before the tests`);
  }
  const json = JSON.parse(fs.readFileSync(file, 'utf-8'));
  if (json.schema === 'jsii/file-redirect') {
    const target = path.join(path.dirname(file), json.filename);
    const data = fs.readFileSync(target);
    return JSON.parse((json.compression === 'gzip' ? zlib.gunzipSync(data) : data).toString('utf-8'));
  }
  return json;
}

/** A type as a reader would say it: `string`, `map of any`, `array of union of (string | number)`. */
function describeType(ref: TypeRef): string {
  if (ref.primitive) return ref.primitive;
  if (ref.fqn) return ref.fqn;
  if (ref.collection) return `${ref.collection.kind} of ${describeType(ref.collection.elementtype)}`;
  const [kind, parts] = ref.union ? ['union', ref.union.types] : ['intersection', ref.intersection?.types ?? []];
  return `${kind} of (${parts.map(describeType).join(' | ')})`;
}

/** Whether a type, or any type inside it, is a union, an intersection, `any` or untyped JSON. */
function isUntyped(ref: TypeRef): boolean {
  if (ref.union || ref.intersection) return true;
  if (ref.primitive === 'any' || ref.primitive === 'json') return true;
  return ref.collection ? isUntyped(ref.collection.elementtype) : false;
}

/** Every typed place of the public API: properties, parameters and return values, named as in ALLOWED_UNTYPED. */
function typedPlaces(assembly: Assembly): Array<{ where: string; type: TypeRef }> {
  const places: Array<{ where: string; type: TypeRef }> = [];
  for (const t of Object.values(assembly.types ?? {})) {
    for (const p of t.properties ?? []) places.push({ where: `${t.fqn}.${p.name}`, type: p.type });
    const callables = [...(t.initializer ? [{ ...t.initializer, name: 'constructor' }] : []), ...(t.methods ?? [])];
    for (const c of callables) {
      for (const p of c.parameters ?? []) places.push({ where: `${t.fqn}.${c.name}(${p.name})`, type: p.type });
      if (c.returns) places.push({ where: `${t.fqn}.${c.name}() returns`, type: c.returns.type });
    }
  }
  return places;
}

/** What would not serve Python and Java users: untyped places, other than exactly the allowed ones. */
function untypedApiFindings(assembly: Assembly, allowed: Record<string, string>): string[] {
  const findings: string[] = [];
  const places = typedPlaces(assembly);
  for (const { where, type } of places) {
    if (!isUntyped(type)) continue;
    const described = describeType(type);
    if (allowed[where] === undefined) {
      findings.push(`${where}: ${described}; use a struct, a class or an enum`);
    } else if (allowed[where] !== described) {
      findings.push(`${where}: ${described}; it may only be ${allowed[where]}`);
    }
  }
  const known = new Set(places.map(p => p.where));
  for (const where of Object.keys(allowed)) {
    if (!known.has(where)) findings.push(`${where}: allowed to be untyped, but it is not in the API: update the allowed list`);
  }
  return findings;
}

/** Public types, properties, methods and enum members without a doc summary. */
function undocumentedApi(assembly: Assembly): string[] {
  const missing: string[] = [];
  const undocumented = (docs?: Docs) => !docs?.summary?.trim();
  for (const t of Object.values(assembly.types ?? {})) {
    if (undocumented(t.docs)) missing.push(`${t.fqn} (${t.kind})`);
    for (const p of t.properties ?? []) if (undocumented(p.docs)) missing.push(`${t.fqn}.${p.name}`);
    for (const m of t.methods ?? []) if (undocumented(m.docs)) missing.push(`${t.fqn}.${m.name}()`);
    for (const m of t.members ?? []) if (undocumented(m.docs)) missing.push(`${t.fqn}.${m.name}`);
  }
  return missing;
}

describe('the compiled .jsii assembly', () => {
  let assembly: Assembly;
  beforeAll(() => {
    assembly = loadAssembly(ASSEMBLY_FILE);
  });

  test('exports the public API', () => {
    expect(Object.keys(assembly.types ?? {})).toEqual(expect.arrayContaining([
      'cdk-compose-fargate.ComposeDefinition',
      'cdk-compose-fargate.ComposeFargateService',
      'cdk-compose-fargate.ComposeFargateServiceProps',
      'cdk-compose-fargate.EcsParams',
      'cdk-compose-fargate.LoadOptions',
    ]));
  });

  test('no public property, parameter or return value is a union or any, except fromObject\'s document', () => {
    expect(untypedApiFindings(assembly, ALLOWED_UNTYPED)).toEqual([]);
  });

  test('every public type and member is documented', () => {
    expect(undocumentedApi(assembly)).toEqual([]);
  });

  test('targets Python and Java under the published names', () => {
    expect(assembly.targets?.python).toEqual({ distName: 'cdk-compose-fargate', module: 'cdk_compose_fargate' });
    expect(assembly.targets?.java).toEqual({
      package: 'io.github.cdkcomposefargate',
      maven: { groupId: 'io.github.cdkcomposefargate', artifactId: 'cdk-compose-fargate' },
    });
  });

  test('carries what Construct Hub lists: keywords, description, license, repository, stability', () => {
    expect(assembly.keywords).toEqual(expect.arrayContaining(['cdk', 'awscdk', 'aws-cdk', 'ecs', 'fargate', 'docker-compose']));
    expect(assembly.description).toMatch(/docker-compose\.yml.*Fargate/);
    expect(assembly.license).toBe('Apache-2.0');
    expect(assembly.repository?.url).toMatch(/^https:\/\/github\.com\//);
    expect(assembly.docs?.stability).toBe('experimental');
  });

  test('asks jsii-rosetta to compile every code example strictly', () => {
    expect(assembly.metadata?.jsii?.rosetta?.strict).toBe(true);
  });
});

describe('the checks themselves', () => {
  const str: TypeRef = { primitive: 'string' };
  const any: TypeRef = { primitive: 'any' };
  const mapOfAny: TypeRef = { collection: { kind: 'map', elementtype: any } };
  const docs = { summary: 'Documented.' };
  function assemblyWith(types: Array<Omit<TypeInfo, 'docs'> & { docs?: Docs }>): Assembly {
    return { name: 'lib', types: Object.fromEntries(types.map(t => [t.fqn, { docs, ...t }])) };
  }

  test('report a union property, an any parameter, an any nested in a list and an any return value', () => {
    const findings = untypedApiFindings(assemblyWith([
      { fqn: 'lib.Props', kind: 'interface', properties: [{ name: 'size', type: { union: { types: [str, { primitive: 'number' }] } } }] },
      {
        fqn: 'lib.Thing',
        kind: 'class',
        initializer: { parameters: [{ name: 'config', type: any }] },
        methods: [
          { name: 'add', parameters: [{ name: 'items', type: { collection: { kind: 'array', elementtype: any } } }] },
          { name: 'get', returns: { type: { primitive: 'json' } } },
        ],
      },
    ]), {});
    expect(findings).toEqual([
      'lib.Props.size: union of (string | number); use a struct, a class or an enum',
      'lib.Thing.constructor(config): any; use a struct, a class or an enum',
      'lib.Thing.add(items): array of any; use a struct, a class or an enum',
      'lib.Thing.get() returns: json; use a struct, a class or an enum',
    ]);
  });

  test('allow exactly the listed place with exactly the listed type', () => {
    const lib = (document: TypeRef) => assemblyWith([{
      fqn: 'lib.Doc',
      kind: 'class',
      methods: [
        { name: 'fromObject', parameters: [{ name: 'document', type: document }, { name: 'name', type: str }] },
        { name: 'other', parameters: [{ name: 'document', type: mapOfAny }] },
      ],
    }]);
    const allowed = { 'lib.Doc.fromObject(document)': 'map of any' };
    expect(untypedApiFindings(lib(mapOfAny), allowed)).toEqual([
      'lib.Doc.other(document): map of any; use a struct, a class or an enum',
    ]);
    expect(untypedApiFindings(lib(any), allowed)).toEqual([
      'lib.Doc.fromObject(document): any; it may only be map of any',
      'lib.Doc.other(document): map of any; use a struct, a class or an enum',
    ]);
    expect(untypedApiFindings(lib(str), { ...allowed, 'lib.Doc.gone(x)': 'any' })).toEqual([
      'lib.Doc.other(document): map of any; use a struct, a class or an enum',
      'lib.Doc.gone(x): allowed to be untyped, but it is not in the API: update the allowed list',
    ]);
  });

  test('report undocumented types, properties, methods and enum members', () => {
    expect(undocumentedApi(assemblyWith([
      { fqn: 'lib.Bare', kind: 'class', docs: {}, properties: [{ name: 'size', type: str }], methods: [{ name: 'run', docs }] },
      { fqn: 'lib.Mode', kind: 'enum', members: [{ name: 'FAST', docs }, { name: 'SLOW' }] },
    ]))).toEqual(['lib.Bare (class)', 'lib.Bare.size', 'lib.Mode.SLOW']);
  });

  test('a missing assembly says how to make it', () => {
    expect(() => loadAssembly(path.join(__dirname, '..', 'no-such-dir', '.jsii'))).toThrow(/run `npx projen compile`/);
  });
});
