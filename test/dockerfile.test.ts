/**
 * Reading a Dockerfile as BuildKit does, as far as planning needs it (stages, COPY destinations),
 * and writing the project files' COPY lines at the end of the stage a build ends with.
 */
import * as fc from 'fast-check';
import {
  appendToBuiltStage, builtStage, copyInstruction, dockerfileCopies, dockerfileInstructions, dockerfileStages,
} from '../src/private/dockerfile';

describe('instructions', () => {
  test('continuations are joined; comment and empty lines inside them are skipped', () => {
    const text = [
      '# syntax=docker/dockerfile:1',
      'FROM node:20 AS build',
      'RUN apt-get update && \\',
      '# a comment inside the instruction',
      '',
      '    apt-get install -y curl',
      'COPY . .',
    ].join('\n');
    expect(dockerfileInstructions(text)).toEqual([
      { keyword: 'FROM', args: 'node:20 AS build', firstLine: 1, lastLine: 1 },
      { keyword: 'RUN', args: 'apt-get update &&     apt-get install -y curl', firstLine: 2, lastLine: 5 },
      { keyword: 'COPY', args: '. .', firstLine: 6, lastLine: 6 },
    ]);
  });

  test('the escape directive changes the continuation character', () => {
    const text = '# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN dir c:\\ `\n  && echo done\nWORKDIR c:\\app\n';
    expect(dockerfileInstructions(text).map(i => [i.keyword, i.firstLine, i.lastLine])).toEqual([['FROM', 1, 1], ['RUN', 2, 3], ['WORKDIR', 4, 4]]);
  });

  test('a heredoc body is part of its instruction: a FROM inside it starts no stage', () => {
    const text = [
      'FROM alpine AS one',
      'RUN <<EOF',
      'FROM nothing AS two',
      'echo hi',
      'EOF',
      'COPY <<-"CONF" /etc/app.conf',
      '\tFROM nothing AS three',
      '\tCONF',
      'FROM one AS four',
    ].join('\n');
    expect(dockerfileInstructions(text).map(i => [i.keyword, i.firstLine, i.lastLine])).toEqual([['FROM', 0, 0], ['RUN', 1, 4], ['COPY', 5, 7], ['FROM', 8, 8]]);
    expect(dockerfileStages(text).map(s => s.name)).toEqual(['one', 'four']);
    // A heredoc COPY copies nothing from the context.
    expect(dockerfileCopies(text)).toEqual([]);
  });
});

describe('stages', () => {
  const text = [
    'ARG NODE=20',
    'FROM --platform=$BUILDPLATFORM node:${NODE} AS Deps',
    'RUN npm ci',
    '',
    'FROM deps as build',
    'RUN npm run build',
    '# the image that runs',
    'FROM gcr.io/distroless/nodejs20',
    'COPY --from=build /app/dist /app',
    '',
  ].join('\n');

  test('names in lower case, bases, and where each ends', () => {
    expect(dockerfileStages(text)).toEqual([
      { name: 'deps', base: 'node:${NODE}', index: 0, lastLine: 2 },
      { name: 'build', base: 'deps', index: 1, lastLine: 5 },
      { name: undefined, base: 'gcr.io/distroless/nodejs20', index: 2, lastLine: 8 },
    ]);
  });

  test('the built stage: the target (compared in lower case), else the last', () => {
    const stages = dockerfileStages(text);
    expect(builtStage(stages, 'DEPS')?.index).toBe(0);
    expect(builtStage(stages, undefined)?.index).toBe(2);
    expect(builtStage(stages, 'test')).toBeUndefined();
  });

  test('COPY and ADD from the context, destinations after WORKDIR; COPY --from is not the context', () => {
    expect(dockerfileCopies('FROM node\nWORKDIR /app\nCOPY package*.json ./\nCOPY --from=build /out /srv\nCOPY --chown=node . .\nWORKDIR src\nADD ["a b", "c"]\n')).toEqual([
      { sources: ['package*.json'], destination: '/app' },
      { sources: ['.'], destination: '/app' },
      { sources: ['a b'], destination: '/app/src/c' },
    ]);
  });
});

describe('COPY lines at the end of the built stage', () => {
  const copy = copyInstruction('.cdk-compose-fargate-files/0', '/etc/app.conf');

  test('the last stage: at the end of the file, after its comments', () => {
    expect(appendToBuiltStage('FROM nginx:1.27\nRUN rm /etc/nginx/conf.d/default.conf\n# done\n\n', undefined, [copy]))
      .toBe(`FROM nginx:1.27\nRUN rm /etc/nginx/conf.d/default.conf\n# done\n${copy}\n`);
  });

  test('a target stage: before the next stage, which stays as it was', () => {
    const text = 'FROM node:20 AS production\nCOPY . .\n\n# for development\nFROM production AS development\nRUN npm i\n';
    expect(appendToBuiltStage(text, 'production', [copy]))
      .toBe(`FROM node:20 AS production\nCOPY . .\n${copy}\n\n# for development\nFROM production AS development\nRUN npm i\n`);
  });

  test('Windows line ends stay; a file without a final line end gets one', () => {
    expect(appendToBuiltStage('FROM a\r\nRUN x\r\n', undefined, [copy])).toBe(`FROM a\r\nRUN x\r\n${copy}\r\n`);
    expect(appendToBuiltStage('FROM a', undefined, [copy])).toBe(`FROM a\n${copy}\n`);
  });

  test('a stage the Dockerfile does not have is a programming error (planning refuses it first)', () => {
    expect(() => appendToBuiltStage('FROM a\n', 'b', [copy])).toThrow(/no stage b/);
  });

  test('paths keep their spaces; a $ is literal', () => {
    expect(copyInstruction('files/0', '/srv/my site/$HOME.conf')).toBe('COPY ["files/0","/srv/my site/\\\\$HOME.conf"]');
  });
});

describe('properties', () => {
  const name = fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/);
  const word = fc.stringMatching(/^[a-z0-9][a-z0-9./:-]{0,9}$/);
  /** One instruction in one of the shapes BuildKit reads: plain, continued, with comments inside, with a heredoc. */
  const body = fc.oneof(
    word.map(w => [`RUN echo ${w}`]),
    fc.tuple(word, word).map(([a, b]) => [`RUN echo ${a} \\`, '  # inside', '', `  && echo ${b}`]),
    word.map(w => ['RUN <<EOF', `FROM ${w} AS not-a-stage`, 'EOF']),
    fc.tuple(word, word).map(([a, b]) => [`COPY ${a} /${b}`]),
    fc.constant(['# a comment', '']),
  );
  const stage = fc.record({ name: fc.option(name, { nil: undefined }), image: word, body: fc.array(body, { maxLength: 4 }) });
  const dockerfile = fc.uniqueArray(stage, { minLength: 1, maxLength: 5, selector: s => s.name ?? Symbol('unnamed') }).map(stages => ({
    stages,
    text: stages.map(s => [`FROM ${s.image}${s.name ? ` AS ${s.name}` : ''}`, ...s.body.flat()].join('\n')).join('\n') + '\n',
  }));

  test('the stages read are the stages written, whatever the instructions in them', () => {
    fc.assert(fc.property(dockerfile, ({ stages, text }) => {
      expect(dockerfileStages(text).map(s => [s.name, s.base])).toEqual(stages.map(s => [s.name, s.image]));
    }));
  });

  test('appended lines end up in the built stage, once, and every stage keeps its instructions', () => {
    fc.assert(fc.property(dockerfile, fc.nat(), ({ stages, text }, pick) => {
      const named = stages.filter(s => s.name !== undefined);
      const target = named.length > 0 && pick % 2 === 0 ? named[pick % named.length].name : undefined;
      const copy = copyInstruction('.cdk-compose-fargate-files/0', '/x');
      const out = appendToBuiltStage(text, target, [copy]);
      const before = dockerfileInstructions(text);
      const after = dockerfileInstructions(out);
      expect(after.map(i => [i.keyword, i.args]).filter(([k, a]) => !(k === 'COPY' && a === copy.slice(5))))
        .toEqual(before.map(i => [i.keyword, i.args]));
      const index = builtStage(dockerfileStages(text), target)!.index;
      const copies = after.flatMap((ins, i) => ins.keyword === 'COPY' && ins.args === copy.slice(5) ? [i] : []);
      expect(copies).toHaveLength(1);
      expect(after.slice(0, copies[0]).filter(i => i.keyword === 'FROM')).toHaveLength(index + 1);
      // Right after the stage's last instruction: the next stage begins, or the file ends.
      expect(after[copies[0] + 1]?.keyword).toBe(index === stages.length - 1 ? undefined : 'FROM');
    }));
  });
});
