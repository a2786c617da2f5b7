/**
 * Property-based tests (fast-check) for the pure parsers: units, ports, interpolation,
 * shell splitting and env files. Expectations are derived from the rules in
 * reference/ecs-cli-semantics.md §3 (exact arithmetic with BigInt where floats would blur them),
 * never from the code under test.
 */
import * as fc from 'fast-check';
import { parseEnvFile } from '../../src/private/load/dotenv';
import { interpolate, Lookup } from '../../src/private/load/interpolate';
import { parseLongPort, parsePortRange, parseShortPort } from '../../src/private/ports';
import { shellSplit } from '../../src/private/shell-split';
import {
  parseBytes,
  parseCpusAsUnits,
  parseDurationSeconds,
  parseGoDurationMs,
  parseInteger,
  parseMemoryMiB,
  parseTaskCpuUnits,
  parseTaskMemoryMiB,
} from '../../src/private/units';

const RUNS = 300;
const check = (prop: fc.IProperty<any>, numRuns = RUNS) => fc.assert(prop, { numRuns });

const MIB = 2n ** 20n;

/** Arbitrary inputs of every kind, for "never throws" properties. */
const anyString = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }));
const anyValue = fc.oneof(anyString, fc.anything(), fc.double(), fc.integer());

/** A string in mixed case: "Gb", "gB", "GB"... */
const mixedCase = (s: string) => fc.mixedCase(fc.constant(s));

// ---------------------------------------------------------------------------------------------
// memory
// ---------------------------------------------------------------------------------------------

/** A decimal number as text, with its exact value as numerator / 10^digits. */
interface Decimal {
  readonly text: string;
  readonly numerator: bigint;
  readonly scale: bigint;
}

function decimalArb(maxWhole: number, maxFractionDigits: number): fc.Arbitrary<Decimal> {
  return fc.tuple(
    fc.integer({ min: 0, max: maxWhole }),
    fc.option(fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: maxFractionDigits }), { nil: undefined }),
  ).map(([whole, frac]) => {
    const digits = frac ?? '';
    const scale = 10n ** BigInt(digits.length);
    return {
      text: frac === undefined ? `${whole}` : `${whole}.${frac}`,
      numerator: BigInt(whole) * scale + BigInt(digits === '' ? 0 : digits),
      scale,
    };
  });
}

const MEMORY_UNITS: Record<string, bigint> = { '': 1n, 'k': 1024n, 'm': 1024n ** 2n, 'g': 1024n ** 3n };

/** A memory string following docker/go-units RAMInBytes, with its exact byte count. */
const memoryStringArb = fc.record({
  // whole part <= 8191 keeps bytes < 2^43, where double rounding of the decimal cannot cross an integer
  n: decimalArb(8191, 3),
  space: fc.boolean(),
  unit: fc.constantFrom('', 'k', 'm', 'g'),
  suffix: fc.constantFrom('', 'b', 'i', 'ib'),
}).chain(({ n, space, unit, suffix }) =>
  fc.tuple(mixedCase(unit), mixedCase(suffix)).map(([u, s]) => ({
    text: `${n.text}${space ? ' ' : ''}${u}${s}`,
    bytes: (n.numerator * MEMORY_UNITS[unit]) / n.scale, // BigInt division floors for non-negative values
    hasUnit: unit !== '' || suffix !== '',
  })),
);

/** docker/go-units RAMInBytes: `^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$` (one decimal point here). */
const MEMORY_GRAMMAR = /^\d+(\.\d+)? ?[kmgtp]?i?b?$/i;

describe('memory sizes (parseBytes, parseMemoryMiB)', () => {
  test('ecs-cli examples', () => {
    expect(parseMemoryMiB('0.5GB').value).toBe(512);
    expect(parseMemoryMiB('512m').value).toBe(512);
    expect(parseMemoryMiB('512M').value).toBe(512);
    expect(parseMemoryMiB('512MiB').value).toBe(512);
    expect(parseMemoryMiB('1g').value).toBe(1024);
    expect(parseMemoryMiB('1gb').value).toBe(1024);
    expect(parseMemoryMiB('128M').value).toBe(128);
    expect(parseMemoryMiB(1000000000).value).toBe(953);
    expect(parseMemoryMiB(500000000).value).toBe(476);
    expect(parseMemoryMiB('500mb').value).toBe(500);
    expect(parseMemoryMiB('15m').value).toBe(15);
    expect(parseMemoryMiB(1000000).value).toBe(0); // below 1 MiB
    expect(parseBytes('0.5GB').value).toBe(536870912);
    expect(parseBytes('1t').value).toBe(1024 ** 4);
    expect(parseBytes('65536k').value).toBe(64 * 1024 * 1024);
  });

  test('n with unit k/m/g (any case, optional "b"/"ib", optional space) is floor(n * 1024^k) bytes and floor(bytes / 2^20) MiB', () => {
    check(fc.property(memoryStringArb, ({ text, bytes }) => {
      expect(parseBytes(text)).toEqual({ value: Number(bytes) });
      expect(parseMemoryMiB(text)).toEqual({ value: Number(bytes / MIB) });
    }), 500);
  });

  test('surrounding whitespace is ignored', () => {
    check(fc.property(memoryStringArb, fc.constantFrom(' ', '  ', '\t'), ({ text, bytes }, ws) => {
      expect(parseBytes(`${ws}${text}${ws}`).value).toBe(Number(bytes));
    }));
  });

  test('a YAML integer is bytes', () => {
    check(fc.property(fc.maxSafeNat(), n => {
      expect(parseBytes(n)).toEqual({ value: n });
      expect(parseMemoryMiB(n)).toEqual({ value: Number(BigInt(n) / MIB) });
    }));
  });

  test('negative, fractional and non-finite numbers are errors', () => {
    check(fc.property(
      fc.oneof(
        fc.integer({ max: -1 }),
        fc.double({ noNaN: true }).filter(d => !Number.isInteger(d)),
        fc.constantFrom(NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER + 2),
      ),
      n => {
        expect(parseBytes(n).error).toEqual(expect.any(String));
        expect(parseMemoryMiB(n).error).toEqual(expect.any(String));
      },
    ));
  });

  test('a string outside the grammar is an error, one inside is a safe integer or "too large"', () => {
    const nearMiss = fc.string({ unit: fc.constantFrom(...'0123456789.kKmMgGtTiIbB x-'), maxLength: 10 });
    check(fc.property(fc.oneof(nearMiss, fc.string(), fc.string({ unit: 'binary' })), s => {
      const r = parseBytes(s);
      if (!MEMORY_GRAMMAR.test(s.trim())) {
        expect(r.error).toEqual(expect.any(String));
        expect(parseMemoryMiB(s).error).toEqual(expect.any(String));
      } else if (r.error !== undefined) {
        expect(r.error).toMatch(/too large/);
      } else {
        expect(Number.isSafeInteger(r.value)).toBe(true);
        expect(r.value).toBeGreaterThanOrEqual(0);
      }
    }), 1000);
  });

  test('known bad sizes are errors', () => {
    for (const bad of ['', 'm', '-1m', '1.m', '.5g', '1,5g', '1 g b', '1x', '1e6', '1kbb', '0x10', 'NaN', '512 MB ram']) {
      expect(parseBytes(bad).error).toEqual(expect.any(String));
    }
    for (const bad of [null, undefined, true, {}, [], ['1g']]) {
      expect(parseBytes(bad).error).toEqual(expect.any(String));
    }
  });

  test('huge sizes are reported as too large, not returned as unsafe numbers', () => {
    expect(parseBytes('99999999999p').error).toMatch(/too large/);
    expect(parseMemoryMiB('99999999999p').error).toMatch(/too large/);
  });
});

describe('task memory (parseTaskMemoryMiB)', () => {
  test('examples', () => {
    expect(parseTaskMemoryMiB('512').value).toBe(512);
    expect(parseTaskMemoryMiB(2048).value).toBe(2048);
    expect(parseTaskMemoryMiB('0.5GB').value).toBe(512);
    expect(parseTaskMemoryMiB('1 GB').value).toBe(1024);
    expect(parseTaskMemoryMiB('2 GB').value).toBe(2048);
    expect(parseTaskMemoryMiB('2048MiB').value).toBe(2048);
    expect(parseTaskMemoryMiB('5Gb').value).toBe(5120);
    expect(parseTaskMemoryMiB('1gb').value).toBe(1024);
  });

  test('a bare number (YAML integer or numeric string) is MiB', () => {
    check(fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom('', ' '), (n, ws) => {
      expect(parseTaskMemoryMiB(n)).toEqual({ value: n });
      expect(parseTaskMemoryMiB(`${ws}${n}${ws}`)).toEqual({ value: n });
    }));
  });

  test('a number with a unit is a binary size, floored to MiB; less than 1 MiB is an error', () => {
    check(fc.property(memoryStringArb.filter(m => m.hasUnit), ({ text, bytes }) => {
      const r = parseTaskMemoryMiB(text);
      if (bytes >= MIB) expect(r).toEqual({ value: Number(bytes / MIB) });
      else expect(r.error).toEqual(expect.any(String));
    }));
  });

  test('a bare fraction, zero, negatives and garbage are errors', () => {
    for (const bad of [0, -512, 0.5, '0.5', '1.25', '-512', 'lots', '', '1x', null, true, {}, ['512']]) {
      expect(parseTaskMemoryMiB(bad).error).toEqual(expect.any(String));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// cpu
// ---------------------------------------------------------------------------------------------

describe('task cpu (parseTaskCpuUnits)', () => {
  test('examples', () => {
    expect(parseTaskCpuUnits('256').value).toBe(256);
    expect(parseTaskCpuUnits(1024).value).toBe(1024);
    expect(parseTaskCpuUnits('1 vCPU').value).toBe(1024);
    expect(parseTaskCpuUnits('0.25 vCPU').value).toBe(256);
    expect(parseTaskCpuUnits('0.5vcpu').value).toBe(512);
    expect(parseTaskCpuUnits('2 vcpus').value).toBe(2048);
  });

  test('integers pass through, as numbers and as strings', () => {
    check(fc.property(fc.integer({ min: 1, max: 1_000_000 }), n => {
      expect(parseTaskCpuUnits(n)).toEqual({ value: n });
      expect(parseTaskCpuUnits(String(n))).toEqual({ value: n });
      expect(parseTaskCpuUnits(` ${n} `)).toEqual({ value: n });
    }));
  });

  test('"N vcpu" is N * 1024 when that is whole, an error otherwise', () => {
    check(fc.property(decimalArb(1000, 4), fc.boolean(), mixedCase('vcpu'), (n, space, word) => {
      const text = `${n.text}${space ? ' ' : ''}${word}`;
      const units = n.numerator * 1024n;
      const r = parseTaskCpuUnits(text);
      if (units % n.scale === 0n && units > 0n) {
        expect(r).toEqual({ value: Number(units / n.scale) });
      } else {
        expect(r.error).toEqual(expect.any(String));
      }
    }), 500);
  });

  test('garbage is an error', () => {
    for (const bad of ['', 'vcpu', '1 cpu', '-256', '256.5', 'one vcpu', -1, 0.5, NaN, null, {}, true]) {
      expect(parseTaskCpuUnits(bad).error).toEqual(expect.any(String));
    }
  });
});

describe('compose cpus (parseCpusAsUnits)', () => {
  test('k/1024 CPUs is k units, as a number and as a string', () => {
    check(fc.property(fc.integer({ min: 1, max: 16 * 1024 }), k => {
      const cpus = k / 1024; // exact in binary floating point
      expect(parseCpusAsUnits(cpus)).toEqual({ value: k });
      expect(parseCpusAsUnits(String(cpus))).toEqual({ value: k });
    }));
  });

  test('examples and errors', () => {
    expect(parseCpusAsUnits('0.5').value).toBe(512);
    expect(parseCpusAsUnits(1.5).value).toBe(1536);
    expect(parseCpusAsUnits(' 2 ').value).toBe(2048);
    for (const bad of [-1, '-0.5', 'half', '', NaN, Infinity, 0.0001, null, {}, true]) {
      expect(parseCpusAsUnits(bad).error).toEqual(expect.any(String));
    }
    // Docker's "no limit", which callers read as unset
    for (const zero of [0, '0', '0.0', ' 0.000 ']) expect(parseCpusAsUnits(zero)).toEqual({ value: 0 });
  });
});

describe('integers (parseInteger)', () => {
  test('non-negative safe integers round-trip as numbers and as (padded) strings', () => {
    check(fc.property(fc.maxSafeNat(), fc.constantFrom('', ' ', '\t'), (n, ws) => {
      expect(parseInteger(n)).toEqual({ value: n });
      expect(parseInteger(`${ws}${n}${ws}`)).toEqual({ value: n });
    }));
  });

  test('fractions, non-numeric strings and other types are errors, with the given help', () => {
    check(fc.property(
      fc.oneof(
        fc.double({ noNaN: true }).filter(d => !Number.isInteger(d)),
        fc.string().filter(s => !/^\s*-?\d+\s*$/.test(s)),
        fc.constantFrom<unknown>(null, undefined, true, {}, [], [1], NaN, Infinity, '1e3', '0x10', '99999999999999999999'),
      ),
      v => {
        expect(parseInteger(v, 'HELP')).toEqual({ error: 'expected HELP' });
      },
    ));
  });
});

// ---------------------------------------------------------------------------------------------
// durations
// ---------------------------------------------------------------------------------------------

const MS_PER: Record<string, bigint> = { h: 3_600_000n, m: 60_000n, s: 1000n, ms: 1n };

describe('durations (parseGoDurationMs, parseDurationSeconds)', () => {
  test('examples', () => {
    expect(parseDurationSeconds('1m30s', false).value).toBe(90);
    expect(parseDurationSeconds('1m45s', false).value).toBe(105);
    expect(parseDurationSeconds('10s', false).value).toBe(10);
    expect(parseDurationSeconds('1m', false).value).toBe(60);
    expect(parseDurationSeconds('1m15s', false).value).toBe(75);
    expect(parseDurationSeconds('1500ms', false).value).toBe(1);
    expect(parseDurationSeconds('70', true).value).toBe(70);
    expect(parseDurationSeconds(70, true).value).toBe(70);
    expect(parseDurationSeconds('0', false).value).toBe(0);
    expect(parseGoDurationMs('500ms').value).toBe(500);
    expect(parseGoDurationMs('1.5h').value).toBe(5_400_000);
    expect(parseGoDurationMs('.5s').value).toBe(500);
    expect(parseGoDurationMs('2000000us').value).toBe(2000);
    expect(parseGoDurationMs('2000000µs').value).toBe(2000);
    expect(parseGoDurationMs('3000000000ns').value).toBe(3000);
  });

  test('h/m/s/ms components rendered as a Go duration give their total in ms and floor(seconds)', () => {
    const component = fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined });
    check(fc.property(
      fc.record({ h: component, m: component, s: component, ms: component })
        .filter(c => Object.values(c).some(v => v !== undefined)),
      c => {
        const text = (['h', 'm', 's', 'ms'] as const)
          .filter(u => c[u] !== undefined).map(u => `${c[u]}${u}`).join('');
        const totalMs = (['h', 'm', 's', 'ms'] as const)
          .reduce((sum, u) => sum + BigInt(c[u] ?? 0) * MS_PER[u], 0n);
        expect(parseGoDurationMs(text)).toEqual({ value: Number(totalMs) });
        expect(parseDurationSeconds(text, false)).toEqual({ value: Number(totalMs / 1000n) });
        expect(parseDurationSeconds(text, true)).toEqual({ value: Number(totalMs / 1000n) });
      },
    ), 500);
  });

  test('a fractional component is exact: whole seconds are truncated, not lost to float rounding', () => {
    // Go parses "2.05m" as exactly 123s; the seconds are floor(value * unit) computed exactly.
    check(fc.property(decimalArb(500, 4), fc.constantFrom('h', 'm', 's'), (n, unit) => {
      const exactMsTimesScale = n.numerator * MS_PER[unit];
      const seconds = exactMsTimesScale / (n.scale * 1000n);
      expect(parseDurationSeconds(`${n.text}${unit}`, false)).toEqual({ value: Number(seconds) });
      const ms = parseGoDurationMs(`${n.text}${unit}`).value!;
      expect(Math.abs(ms - Number(exactMsTimesScale) / Number(n.scale))).toBeLessThan(1e-6);
    }), 1000);
    expect(parseDurationSeconds('2.05m', false).value).toBe(123);
    expect(parseDurationSeconds('4.35m', false).value).toBe(261);
    expect(parseDurationSeconds('0.0725h', false).value).toBe(261);
  });

  test('bare numbers are rejected for compose and taken as seconds when allowBareSeconds', () => {
    check(fc.property(fc.integer({ min: 1, max: 1_000_000_000 }), n => {
      expect(parseDurationSeconds(String(n), false).error).toEqual(expect.any(String));
      expect(parseDurationSeconds(n, false).error).toEqual(expect.any(String));
      expect(parseDurationSeconds(String(n), true)).toEqual({ value: n });
      expect(parseDurationSeconds(n, true)).toEqual({ value: n });
    }));
  });

  test('malformed durations are errors', () => {
    for (const bad of ['', 's', '1', '1x', '1m30', '1 m', '-1s', '+1s', '1.5.2s', 'ms', '1h-30m', '1d', '.s', 'abc']) {
      expect(parseGoDurationMs(bad).error).toEqual(expect.any(String));
      expect(parseDurationSeconds(bad, false).error).toEqual(expect.any(String));
    }
    for (const bad of [null, undefined, true, {}, -1, 1.5, NaN]) {
      expect(parseDurationSeconds(bad, true).error).toEqual(expect.any(String));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// ports
// ---------------------------------------------------------------------------------------------

const port = fc.integer({ min: 1, max: 65535 });
const protocolArb = fc.constantFrom<[string, 'tcp' | 'udp']>(['', 'tcp'], ['/tcp', 'tcp'], ['/udp', 'udp']);
const portRangeArb = fc.tuple(port, port).map(([a, b]) => (a <= b ? [a, b] : [b, a]) as [number, number]);

describe('short port syntax (parseShortPort, parsePortRange)', () => {
  test('"c", "c:c", "h:c", "IP:h:c", "[v6]:h:c" with an optional protocol parse to containerPort c', () => {
    check(fc.property(port, port, protocolArb, fc.ipV4(), fc.ipV6(), (c, h, [suffix, protocol], v4, v6) => {
      const one = { containerPort: c, containerPortEnd: c, protocol };
      expect(parseShortPort(`${c}${suffix}`)).toEqual({ spec: one });
      expect(parseShortPort(`${c}:${c}${suffix}`)).toEqual({ spec: { ...one, hostPort: c, hostPortEnd: c } });
      // host != container is reported through hostPort; the awsvpc check lives in normalize
      expect(parseShortPort(`${h}:${c}${suffix}`)).toEqual({ spec: { ...one, hostPort: h, hostPortEnd: h } });
      expect(parseShortPort(`${v4}:${h}:${c}${suffix}`)).toEqual({ spec: { ...one, hostPort: h, hostPortEnd: h, hostIp: v4 } });
      expect(parseShortPort(`[${v6}]:${h}:${c}${suffix}`)).toEqual({ spec: { ...one, hostPort: h, hostPortEnd: h, hostIp: v6 } });
      expect(parseShortPort(`${v4}::${c}${suffix}`)).toEqual({ spec: { ...one, hostIp: v4 } });
    }), 500);
  });

  test('a YAML integer is a container port', () => {
    check(fc.property(port, c => {
      expect(parseShortPort(c)).toEqual({ spec: { containerPort: c, containerPortEnd: c, protocol: 'tcp' } });
    }));
  });

  test('ranges "a-b:a-b" give containerPort a and containerPortEnd b', () => {
    check(fc.property(portRangeArb, portRangeArb, protocolArb, ([a, b], [x, y], [suffix, protocol]) => {
      expect(parseShortPort(`${a}-${b}:${a}-${b}${suffix}`)).toEqual({
        spec: { containerPort: a, containerPortEnd: b, hostPort: a, hostPortEnd: b, protocol },
      });
      expect(parseShortPort(`${a}-${b}${suffix}`)).toEqual({ spec: { containerPort: a, containerPortEnd: b, protocol } });
      expect(parsePortRange(`${a}-${b}`)).toEqual([a, b]);
      expect(parsePortRange(`${a}`)).toEqual([a, a]);
      // host range and container range may differ here; normalize reports it
      expect(parseShortPort(`${x}-${y}:${a}-${b}`).spec).toMatchObject({ hostPort: x, hostPortEnd: y, containerPort: a, containerPortEnd: b });
    }));
  });

  test('reversed ranges are errors', () => {
    check(fc.property(portRangeArb.filter(([a, b]) => a < b), ([a, b]) => {
      expect(parsePortRange(`${b}-${a}`)).toBeUndefined();
      expect(parseShortPort(`${b}-${a}`).error).toEqual(expect.any(String));
      expect(parseShortPort(`${b}-${a}:${a}-${b}`).error).toEqual(expect.any(String));
    }));
  });

  test('port 0 and ports above 65535 are errors wherever they appear', () => {
    const badPort = fc.oneof(fc.constant(0), fc.integer({ min: 65536, max: 10_000_000 }));
    check(fc.property(badPort, port, protocolArb, (bad, good, [suffix]) => {
      for (const text of [`${bad}`, `${bad}:${good}`, `${good}:${bad}`, `127.0.0.1:${bad}:${good}`, `${bad}-${good}`, `${good}-${bad}`]) {
        expect(parseShortPort(`${text}${suffix}`).error).toEqual(expect.any(String));
      }
      expect(parseShortPort(bad).error).toEqual(expect.any(String));
      expect(parsePortRange(`${bad}`)).toBeUndefined();
    }));
  });

  test('garbage, other protocols and non-integer numbers are errors', () => {
    for (const bad of ['', 'http', '80/sctp', '80/', '80:', '80:80:80:x', '[::1:80:80', '[::1]x:80:80', ':80:80',
      '80-', '-80', '80.5', '0x50', '80:80/tcp/udp', ' / ']) {
      expect(parseShortPort(bad).error).toEqual(expect.any(String));
    }
    for (const bad of [0, -80, 80.5, NaN, Infinity, 65536]) {
      expect(parseShortPort(bad).error).toEqual(expect.any(String));
    }
  });
});

describe('long port syntax (parseLongPort)', () => {
  test('target is required; published, protocol, host_ip, name and app_protocol are optional', () => {
    check(fc.property(
      port, fc.boolean(), fc.option(portRangeArb, { nil: undefined }), fc.option(fc.constantFrom<'tcp' | 'udp'>('tcp', 'udp'), { nil: undefined }),
      fc.option(fc.ipV4(), { nil: undefined }), fc.option(fc.string(), { nil: undefined }), fc.constantFrom(undefined, 'host', 'ingress'),
      (target, targetAsString, published, protocol, hostIp, name, mode) => {
        const input: Record<string, unknown> = { target: targetAsString ? String(target) : target };
        if (published) input.published = published[0] === published[1] ? published[0] : `${published[0]}-${published[1]}`;
        if (protocol) input.protocol = protocol;
        if (hostIp !== undefined) input.host_ip = hostIp;
        if (name !== undefined) input.name = name;
        if (mode !== undefined) input.mode = mode;
        const r = parseLongPort(input);
        expect(r.errors).toEqual([]);
        expect(r.spec).toEqual({
          containerPort: target,
          containerPortEnd: target,
          hostPort: published?.[0],
          hostPortEnd: published?.[1],
          hostIp,
          protocol: protocol ?? 'tcp',
          name,
          appProtocol: undefined,
        });
      },
    ));
  });

  test('a missing target is reported and gives no spec', () => {
    check(fc.property(fc.option(port, { nil: undefined }), published => {
      const r = parseLongPort(published === undefined ? {} : { published });
      expect(r.spec).toBeUndefined();
      expect(r.errors).toContainEqual([undefined, expect.stringContaining('target')]);
    }));
  });

  test('a bad target or published port is reported under its key', () => {
    const bad = fc.oneof(
      fc.constant<unknown>(0), fc.integer({ min: 65536 }), fc.integer({ max: -1 }), fc.constantFrom<unknown>('http', '', true, null, [80], { p: 80 }, 80.5),
    );
    check(fc.property(bad, port, (b, good) => {
      const t = parseLongPort({ target: b, published: good });
      expect(t.spec).toBeUndefined();
      expect(t.errors.map(([k]) => k)).toEqual(['target']);
      if (b !== null && b !== '') {
        const p = parseLongPort({ target: good, published: b });
        expect(p.spec).toBeUndefined();
        expect(p.errors.map(([k]) => k)).toEqual(['published']);
      }
    }));
  });

  test('every unknown key is reported; x- extensions are allowed', () => {
    const known = ['target', 'published', 'host_ip', 'protocol', 'mode', 'name', 'app_protocol'];
    const unknownKey = fc.string({ minLength: 1 }).filter(k => !known.includes(k) && !k.startsWith('x-') && k !== '__proto__');
    check(fc.property(port, fc.uniqueArray(unknownKey, { minLength: 1, maxLength: 4 }), fc.anything(), (target, keys, v) => {
      const input: Record<string, unknown> = { 'target': target, 'x-note': v };
      for (const k of keys) input[k] = v;
      const r = parseLongPort(input);
      expect(r.spec).toBeUndefined();
      expect(r.errors.map(([k]) => k).sort()).toEqual([...keys].sort());
      expect(parseLongPort({ 'target': target, 'x-note': v }).errors).toEqual([]);
    }));
  });

  test('unsupported protocol and mode are reported', () => {
    expect(parseLongPort({ target: 80, protocol: 'sctp' }).errors.map(([k]) => k)).toEqual(['protocol']);
    expect(parseLongPort({ target: 80, protocol: 6 }).errors.map(([k]) => k)).toEqual(['protocol']);
    expect(parseLongPort({ target: 80, mode: 'global' }).errors.map(([k]) => k)).toEqual(['mode']);
    expect(parseLongPort({ target: 80, name: 7, app_protocol: {} }).errors.map(([k]) => k)).toEqual(['name', 'app_protocol']);
    expect(parseLongPort({ target: 80, published: '' }).spec).toMatchObject({ containerPort: 80, hostPort: undefined });
  });
});

// ---------------------------------------------------------------------------------------------
// interpolation
// ---------------------------------------------------------------------------------------------

const varName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/);
/** A few names, so templates and environments overlap. */
const smallName = fc.constantFrom('A', 'B', 'HOME_DIR', '_x', 'v2');
const envArb = fc.array(fc.tuple(smallName, fc.oneof(fc.constant(''), fc.string({ unit: 'binary' }))), { maxLength: 5 })
  .map(pairs => new Map(pairs));
const lookupOf = (env: Map<string, string>): Lookup => n => env.get(n);
/** Literal text outside braces: anything but "$". */
const literal = fc.string({ unit: 'binary' }).map(s => s.replace(/\$/g, ''));
/** A default/alternative word: no "$" and no "}". */
const word = fc.string({ unit: 'binary' }).map(s => s.replace(/[$}]/g, ''));

type Env = Map<string, string>;

interface Segment {
  readonly text: string;
  /** The expected output, the variables expected in `unset`, or undefined when the segment must fail. */
  readonly expand: (env: Map<string, string>) => { out: string; unset: string[] } | undefined;
}

const isSet = (env: Map<string, string>, n: string) => env.has(n);
const isNonEmpty = (env: Map<string, string>, n: string) => (env.get(n) ?? '') !== '';

const segmentArb: fc.Arbitrary<Segment> = fc.oneof(
  literal.map(t => ({ text: t, expand: () => ({ out: t, unset: [] }) })),
  fc.constant<Segment>({ text: '$$', expand: () => ({ out: '$', unset: [] }) }),
  smallName.map(n => ({ text: `\${${n}}`, expand: (env: Env) => ({ out: env.get(n) ?? '', unset: isSet(env, n) ? [] : [n] }) })),
  smallName.map(n => ({ text: `$${n}/`, expand: (env: Env) => ({ out: `${env.get(n) ?? ''}/`, unset: isSet(env, n) ? [] : [n] }) })),
  fc.tuple(smallName, word).map(([n, d]) => ({
    text: `\${${n}:-${d}}`, expand: (env: Env) => ({ out: isNonEmpty(env, n) ? env.get(n)! : d, unset: [] }),
  })),
  fc.tuple(smallName, word).map(([n, d]) => ({
    text: `\${${n}-${d}}`, expand: (env: Env) => ({ out: isSet(env, n) ? env.get(n)! : d, unset: [] }),
  })),
  fc.tuple(smallName, word).map(([n, alt]) => ({
    text: `\${${n}:+${alt}}`, expand: (env: Env) => ({ out: isNonEmpty(env, n) ? alt : '', unset: [] }),
  })),
  fc.tuple(smallName, word).map(([n, alt]) => ({
    text: `\${${n}+${alt}}`, expand: (env: Env) => ({ out: isSet(env, n) ? alt : '', unset: [] }),
  })),
  fc.tuple(smallName, word).map(([n, msg]) => ({
    text: `\${${n}:?${msg}}`, expand: (env: Env) => (isNonEmpty(env, n) ? { out: env.get(n)!, unset: [] } : undefined),
  })),
  fc.tuple(smallName, word).map(([n, msg]) => ({
    text: `\${${n}?${msg}}`, expand: (env: Env) => (isSet(env, n) ? { out: env.get(n)!, unset: [] } : undefined),
  })),
  fc.tuple(smallName, smallName).map(([a, b]) => ({
    // nested default: ${A:-${B}}
    text: `\${${a}:-\${${b}}}`,
    expand: (env: Env) => (isNonEmpty(env, a)
      ? { out: env.get(a)!, unset: [] }
      : { out: env.get(b) ?? '', unset: isSet(env, b) ? [] : [b] }),
  })),
  fc.tuple(smallName, smallName, word).map(([a, b, d]) => ({
    text: `\${${a}-\${${b}:-${d}}}`,
    expand: (env: Env) => ({ out: isSet(env, a) ? env.get(a)! : isNonEmpty(env, b) ? env.get(b)! : d, unset: [] }),
  })),
);

describe('interpolation (interpolate)', () => {
  test('examples', () => {
    const env = new Map([['TAG', '1.2'], ['EMPTY', '']]);
    const lookup = lookupOf(env);
    expect(interpolate('nginx:${TAG}', lookup)).toEqual({ value: 'nginx:1.2', unset: [] });
    expect(interpolate('cost: $$5', lookup)).toEqual({ value: 'cost: $5', unset: [] });
    expect(interpolate('${EMPTY:-d}', lookup).value).toBe('d');
    expect(interpolate('${EMPTY-d}', lookup).value).toBe('');
    expect(interpolate('${NOPE-d}', lookup).value).toBe('d');
    expect(interpolate('${NOPE:-${TAG}}', lookup).value).toBe('1.2');
    expect(interpolate('${NOPE:-${ALSO_NOPE:-x}}', lookup).value).toBe('x');
    expect(interpolate('${TAG:+on}${EMPTY:+on}${EMPTY+set}', lookup).value).toBe('onset');
    expect(interpolate('$NOPE and ${NOPE2}', lookup)).toEqual({ value: ' and ', unset: ['NOPE', 'NOPE2'] });
    expect(interpolate('${NOPE:?give a tag}', lookup).error).toMatch(/NOPE.*give a tag/);
    expect(interpolate('${EMPTY:?}', lookup).error).toMatch(/EMPTY/);
    expect(interpolate('${EMPTY?}', lookup).value).toBe('');
  });

  test('text without "$" is returned unchanged', () => {
    check(fc.property(literal, envArb, (t, env) => {
      expect(interpolate(t, lookupOf(env))).toEqual({ value: t, unset: [] });
    }));
  });

  test('"$$" is a literal "$": escaping every "$" round-trips any text', () => {
    check(fc.property(fc.string({ unit: 'binary' }), envArb, (t, env) => {
      expect(interpolate(t.replace(/\$/g, '$$$$'), lookupOf(env))).toEqual({ value: t, unset: [] });
    }));
  });

  test('a template of segments expands segment by segment; unset variables are listed; :? and ? fail', () => {
    check(fc.property(fc.array(segmentArb, { maxLength: 6 }), envArb, (segments, env) => {
      const r = interpolate(segments.map(s => s.text).join(''), lookupOf(env));
      const parts = segments.map(s => s.expand(env));
      if (parts.some(p => p === undefined)) {
        expect(r.value).toBeUndefined();
        expect(r.error).toEqual(expect.any(String));
        return;
      }
      expect(r.error).toBeUndefined();
      expect(r.value).toBe(parts.map(p => p!.out).join(''));
      expect(new Set(r.unset)).toEqual(new Set(parts.flatMap(p => p!.unset)));
    }), 1000);
  });

  test('a value is inserted verbatim, never interpolated again', () => {
    check(fc.property(varName, fc.string({ unit: 'binary' }), (n, v) => {
      expect(interpolate(`\${${n}}`, () => v)).toEqual({ value: v, unset: [] });
      expect(interpolate(`\${${n}:-x}`, () => v).value).toBe(v === '' ? 'x' : v);
    }));
  });

  test('a "$" that starts no variable is kept, as compose keeps it', () => {
    for (const [text, expected] of [['$', '$'], ['a $ b', 'a $ b'], ['$1', '$1'], ['cost: $5.00', 'cost: $5.00'], ['$(cmd)', '$(cmd)'], ['x$', 'x$'],
      ['$-x', '$-x'], ['${NOPE:-$}', '$'], ['$.$A', '$.v']]) {
      expect(interpolate(text, n => (n === 'A' ? 'v' : undefined))).toEqual({ value: expected, unset: [] });
    }
    check(fc.property(fc.string({ unit: 'binary' }).filter(t => !/\$[$A-Za-z_{]/.test(t)), envArb, (t, env) => {
      expect(interpolate(t, lookupOf(env))).toEqual({ value: t, unset: [] });
    }));
  });

  test('malformed references are errors, not throws', () => {
    for (const bad of ['${', '${A', '${}', '${1A}', '${A:x}', '${A!}', '${A:-${B}', '${ A }', '${A/x/y}', '${#A}']) {
      const r = interpolate(bad, () => 'v');
      expect(r.error).toEqual(expect.any(String));
      expect(r.value).toBeUndefined();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// shell splitting
// ---------------------------------------------------------------------------------------------

const singleQuote = (w: string) => `'${w.split("'").join("'\\''")}'`;
const doubleQuote = (w: string) => `"${w.replace(/["\\$`]/g, '\\$&')}"`;
const backslashed = (w: string) => [...w].map(c => `\\${c}`).join('');
const separator = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r'), minLength: 1, maxLength: 3 });
const wordList = fc.array(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), { maxLength: 8 });

function join(words: string[], quote: (w: string) => string, seps: string[]): string {
  return words.map((w, i) => `${i === 0 ? '' : seps[i % seps.length]}${quote(w)}`).join('');
}

describe('shell splitting (shellSplit)', () => {
  test('examples', () => {
    expect(shellSplit('/code/entrypoint.sh')).toEqual({ words: ['/code/entrypoint.sh'] });
    expect(shellSplit('echo "hello world"')).toEqual({ words: ['echo', 'hello world'] });
    expect(shellSplit("sh -c 'echo $HOME'")).toEqual({ words: ['sh', '-c', 'echo $HOME'] });
    expect(shellSplit('a\\ b c')).toEqual({ words: ['a b', 'c'] });
    expect(shellSplit('"a\\"b" \'\'')).toEqual({ words: ['a"b', ''] });
    expect(shellSplit('  ')).toEqual({ words: [] });
  });

  test('as Docker Compose (go-shellwords): the command ends at an operator outside quotes; "(" needs "$"', () => {
    expect(shellSplit('a && b')).toEqual({ words: ['a'], rest: '&& b' });
    expect(shellSplit('a;b')).toEqual({ words: ['a'], rest: ';b' });
    expect(shellSplit('run 2>/dev/null x')).toEqual({ words: ['run'], rest: '2>/dev/null x' });
    expect(shellSplit('"a;b" \\;c')).toEqual({ words: ['a;b', ';c'] });
    expect(shellSplit('echo $(date +%s) `id -u` x')).toEqual({ words: ['echo', '$(date +%s)', '`id -u`', 'x'] });
    expect(shellSplit('a "x\\y\\\\z"')).toEqual({ words: ['a', 'xy\\z'] });
    expect(shellSplit('a\\tb')).toEqual({ words: ['atb'] });
    expect(shellSplit('a ) b )')).toEqual({ words: ['a', ') b )'] });
    for (const bad of ['a (b)', 'a )', 'x $(a b', '`a b', 'a\\']) expect(shellSplit(bad).error).toEqual(expect.any(String));
  });

  test('single-quoting each word and joining round-trips any list of words', () => {
    check(fc.property(wordList, fc.array(separator, { minLength: 1, maxLength: 3 }), fc.constantFrom('', ' ', '\n'), (words, seps, pad) => {
      expect(shellSplit(`${pad}${join(words, singleQuote, seps)}${pad}`)).toEqual({ words });
    }), 500);
  });

  test('double-quoting (with \\ before " \\ $ `) round-trips any list of words', () => {
    check(fc.property(wordList, fc.array(separator, { minLength: 1, maxLength: 3 }), (words, seps) => {
      expect(shellSplit(join(words, doubleQuote, seps))).toEqual({ words });
    }), 500);
  });

  test('backslash-escaping every character round-trips non-empty words without newlines', () => {
    const w = fc.string({ minLength: 1 }).filter(s => !s.includes('\n'));
    check(fc.property(fc.array(w, { maxLength: 6 }), words => {
      expect(shellSplit(join(words, backslashed, [' ']))).toEqual({ words });
    }));
  });

  test('plain words split on whitespace', () => {
    const plain = fc.string({ minLength: 1 }).filter(s => !/[\s'"\\;&|<>()`]/.test(s));
    check(fc.property(fc.array(plain, { maxLength: 8 }), fc.array(separator, { minLength: 1, maxLength: 3 }), (words, seps) => {
      expect(shellSplit(join(words, w => w, seps))).toEqual({ words });
    }));
  });

  test('an unterminated quote is an error', () => {
    check(fc.property(wordList, fc.string(), (words, tail) => {
      const prefix = join(words, singleQuote, [' ']);
      expect(shellSplit(`${prefix} '${tail.replace(/'/g, '')}`).error).toEqual(expect.any(String));
      expect(shellSplit(`${prefix} "${tail.replace(/["\\]/g, '')}`).error).toEqual(expect.any(String));
    }));
    expect(shellSplit('echo \\').error).toEqual(expect.any(String));
  });
});

// ---------------------------------------------------------------------------------------------
// env files
// ---------------------------------------------------------------------------------------------

const envKey = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/);
/** A value written as is: trimmed, not starting with a quote, no " #" comment start; "$" written "$$". */
const plainValue = fc.string().filter(v => v === v.trim() && !/^['"]/.test(v) && !/ #/.test(v));
/** A value written in single quotes (literal, may span lines): no "'" and no backslash. */
const singleValue = fc.string({ unit: 'binary' }).map(v => v.replace(/['\\\r]/g, ''));
/** Any value, written in double quotes with escapes. */
const doubleValue = fc.string({ unit: 'binary' });
const escapeDouble = (v: string) => v.replace(/[\\"$]/g, '\\$&').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');

const envLineArb = fc.oneof(
  fc.tuple(envKey, plainValue).map(([k, v]) => ({ k, v, text: `${k}=${v.replace(/\$/g, '$$$$')}` })),
  fc.tuple(envKey, singleValue).map(([k, v]) => ({ k, v, text: `${k}='${v}'` })),
  fc.tuple(envKey, doubleValue).map(([k, v]) => ({ k, v, text: `${k}="${escapeDouble(v)}"` })),
);
const fillerLine = fc.oneof(
  fc.constant(''),
  fc.constantFrom(' ', '\t', '   '),
  fc.string().filter(s => !s.includes('\n')).map(s => `# ${s}`),
  fc.string().filter(s => !s.includes('\n')).map(s => `   #${s}`),
);

describe('env files (parseEnvFile)', () => {
  test('examples', () => {
    const r = parseEnvFile([
      '# comment',
      '',
      'export TAG=1.2',
      'NAME = web # trailing comment',
      "SINGLE='a \\n $b'",
      'DOUBLE="line1\\nline2 \\"q\\" \\$TAG $TAG"',
      'MULTI="first',
      'second"',
      'BARE',
      'URL=http://x/#anchor',
      'YAML: style',
      '1ST=digits first',
      "S2='it\\'s'",
      'TAB=x\t#kept',
      'B@D=x',
    ].join('\n'));
    expect(r.entries).toEqual([
      { name: 'TAG', value: '1.2', line: 3 },
      { name: 'NAME', value: 'web', line: 4 },
      { name: 'SINGLE', value: 'a \\n $b', line: 5 },
      { name: 'DOUBLE', value: 'line1\nline2 "q" $TAG 1.2', line: 6 },
      { name: 'MULTI', value: 'first\nsecond', line: 7 },
      { name: 'BARE', line: 9 },
      { name: 'URL', value: 'http://x/#anchor', line: 10 },
      { name: 'YAML', value: 'style', line: 11 },
      { name: '1ST', value: 'digits first', line: 12 },
      { name: 'S2', value: "it's", line: 13 },
      { name: 'TAB', value: 'x\t#kept', line: 14 },
    ]);
    expect(r.errors).toEqual([{ line: 15, message: expect.stringContaining('B@D') }]);
    expect(parseEnvFile("A='open").errors).toEqual([{ line: 1, message: expect.stringContaining('unterminated') }]);
    expect(parseEnvFile('A="open\nB=1').errors).toEqual([{ line: 1, message: expect.stringContaining('unterminated') }]);
    expect(parseEnvFile('\uFEFFA=1\r\nB=2\r\n').entries).toEqual([{ name: 'A', value: '1', line: 1 }, { name: 'B', value: '2', line: 2 }]);
  });

  test('values use the variables first, then the entries above; a later entry wins', () => {
    const r = parseEnvFile('A=file\nB=${A}-${OS}\nC=$${A}\nA=again\nD="${A:-x}"\nE=${LATER}\nLATER=1\nOS\n', n => (n === 'A' || n === 'OS' ? `os-${n}` : undefined));
    expect(r.entries.map(e => [e.name, e.value])).toEqual([
      ['A', 'file'], ['B', 'os-A-os-OS'], ['C', '${A}'], ['A', 'again'], ['D', 'os-A'], ['E', ''], ['LATER', '1'], ['OS', 'os-OS'],
    ]);
    expect(r.unset).toEqual(['LATER']);
    expect(parseEnvFile('A=${NOPE:?needed}').errors).toEqual([{ line: 1, message: expect.stringContaining('needed') }]);
  });

  test('KEY=VALUE lines (plain, single- or double-quoted, optional "export ") round-trip between comments and blank lines', () => {
    check(fc.property(
      fc.array(fc.tuple(envLineArb, fc.boolean(), fc.array(fillerLine, { maxLength: 2 })), { maxLength: 8 }),
      fc.constantFrom('\n', '\r\n'),
      (items, eol) => {
        let text = '';
        const expected: { name: string; value: string; line: number }[] = [];
        for (const [entry, exported, fillers] of items) {
          for (const filler of fillers) text += `${filler}${eol}`;
          // a single-quoted value may hold line breaks: the entry is on the line it starts on
          expected.push({ name: entry.k, value: entry.v, line: text.split('\n').length });
          text += `${exported ? 'export ' : ''}${entry.text}${eol}`;
        }
        const r = parseEnvFile(text);
        expect(r.errors).toEqual([]);
        expect(r.entries).toEqual(expected);
      },
    ), 500);
  });

  test('a bare KEY line is an entry without a value', () => {
    check(fc.property(envKey, k => {
      expect(parseEnvFile(`${k}\n`).entries).toEqual([{ name: k, line: 1 }]);
    }));
  });
});

// ---------------------------------------------------------------------------------------------
// robustness
// ---------------------------------------------------------------------------------------------

describe('no parser throws on arbitrary input', () => {
  /** Strings made of the characters the grammars care about, so the fuzzing gets past the first check. */
  const syntaxy = fc.string({ unit: fc.constantFrom(...'0123456789.:-/[]{}$\'"\\#= \t\nkKmMgGbBiIsShHuµ_ABCtcpudpvCPU?+'), maxLength: 24 });
  const input = fc.oneof(syntaxy, anyString);

  test('units', () => {
    check(fc.property(fc.oneof(anyValue, input), fc.boolean(), (v, bare) => {
      for (const f of [parseBytes, parseMemoryMiB, parseTaskMemoryMiB, parseTaskCpuUnits, parseCpusAsUnits, (x: unknown) => parseInteger(x)]) {
        const r = f(v);
        expect(r.value === undefined).not.toBe(r.error === undefined);
      }
      const d = parseDurationSeconds(v, bare);
      expect(d.value === undefined).not.toBe(d.error === undefined);
    }), 1000);
    check(fc.property(input, s => {
      const r = parseGoDurationMs(s);
      expect(r.value === undefined).not.toBe(r.error === undefined);
    }), 1000);
  });

  test('ports', () => {
    check(fc.property(fc.oneof(input, fc.double(), fc.integer()), v => {
      const r = parseShortPort(v);
      expect(r.spec === undefined).not.toBe(r.error === undefined);
    }), 1000);
    check(fc.property(input, s => {
      const r = parsePortRange(s);
      if (r) expect(r[0]).toBeLessThanOrEqual(r[1]);
    }), 1000);
    const longKeys = fc.constantFrom('target', 'published', 'host_ip', 'protocol', 'mode', 'name', 'app_protocol', 'x-y', 'other');
    check(fc.property(fc.dictionary(fc.oneof(longKeys, fc.string()), fc.oneof(anyValue, input)), obj => {
      const r = parseLongPort(obj);
      expect(r.spec !== undefined || r.errors.length > 0).toBe(true);
    }), 1000);
  });

  test('interpolate', () => {
    check(fc.property(input, envArb, (s, env) => {
      const r = interpolate(s, lookupOf(env));
      expect(r.value === undefined).not.toBe(r.error === undefined);
    }), 1000);
  });

  test('shellSplit', () => {
    check(fc.property(input, s => {
      const r = shellSplit(s);
      expect(r.words === undefined).not.toBe(r.error === undefined);
    }), 1000);
  });

  test('parseEnvFile', () => {
    check(fc.property(fc.array(input, { maxLength: 6 }).map(ls => ls.join('\n')), s => {
      const r = parseEnvFile(s);
      expect(Array.isArray(r.entries) && Array.isArray(r.errors)).toBe(true);
    }), 1000);
  });
});
