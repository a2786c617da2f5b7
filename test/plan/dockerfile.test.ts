/**
 * Reading a Dockerfile as BuildKit does, as far as planning needs it (stages, COPY destinations),
 * and writing the project files' COPY lines at the end of the stage a build ends with.
 */
import * as fc from 'fast-check';
import {
  appendToBuiltStage, builtImage, builtStage, copyInstruction, dockerfileInstructions, dockerfileStages, expandVariables,
} from '../../src/private/dockerfile';

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
    expect(builtImage(text).copies).toEqual([]);
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
    expect(builtImage('FROM node\nWORKDIR /app\nCOPY package*.json ./\nCOPY --from=build /out /srv\nCOPY --chown=node . .\nWORKDIR src\nADD ["a b", "c"]\n').copies).toEqual([
      { sources: ['package*.json'], destination: '/app' },
      { sources: ['.'], destination: '/app' },
      { sources: ['a b'], destination: '/app/src/c' },
    ]);
  });
});

describe('what BuildKit takes for a heredoc, and what not (checked against its parser)', () => {
  const stagesAfter = (run: string) => dockerfileStages(`FROM alpine AS one\n${run}\nFROM one AS two\nFROM two AS three\n`).map(st => st.name);

  test.each([
    ['<<WORD inside quotes', 'RUN sed -i \'s/<<VERSION>>/1.0/\' /etc/app.conf'],
    ['a quoted <<EOF', 'RUN echo "<<EOF"'],
    ['a here-string', 'RUN cat <<<"hi"'],
    ['the JSON form', 'RUN ["sh", "-c", "cat <<EOF"]'],
    ['<<- and a space', 'RUN echo <<- EOF'],
  ])('%s is no heredoc: every stage after it is read', (_name, run) => {
    expect(stagesAfter(run)).toEqual(['one', 'two', 'three']);
  });

  test.each([
    ['a delimiter with a hyphen', 'RUN psql <<END-OF-SQL\nFROM x AS fake\nEND-OF-SQL'],
    ['a delimiter with a dot', 'RUN <<EOF.sh\nFROM x AS fake\nEOF.sh'],
    ['quotes inside the delimiter', 'RUN <<E"O"F\nFROM x AS fake\nEOF'],
    ['a file descriptor', 'RUN cat 3<<EOF\nFROM x AS fake\nEOF'],
    ['after ONBUILD', 'ONBUILD RUN <<EOF\nFROM x AS fake\nEOF'],
    ['an escaped delimiter', 'RUN cat <<\\EOF\nFROM x AS fake\nEOF'],
    ['a space after <<', 'RUN cat << EOF\nFROM x AS fake\nEOF'],
    ['shell arguments that begin with [', 'RUN [ -d /out ] || cat <<EOF\nFROM x AS fake\nEOF'],
  ])('%s: the body is the heredoc\'s', (_name, run) => {
    expect(stagesAfter(run)).toEqual(['one', 'two', 'three']);
  });

  test('a heredoc whose delimiter never comes is marked (BuildKit refuses the file)', () => {
    expect(dockerfileInstructions('FROM alpine\nRUN <<EOF\necho hi\n').map(i => i.unterminated)).toEqual([undefined, true]);
  });

  test('an escaped escape character ends the line; so does the backtick after `# escape=`', () => {
    expect(dockerfileStages('FROM a AS one\nRUN echo foo\\\\\nFROM one AS two\n').map(st => st.name)).toEqual(['one', 'two']);
    // Directives are read only before the first line that is not one.
    expect(dockerfileStages('# version=1\n# escape=`\nFROM a AS one\nRUN echo hi `\nFROM one AS two\n').map(st => st.name)).toEqual(['one', 'two']);
  });

  test('an instruction continued past the end of the file ends there: appended lines do not join it', () => {
    const text = 'FROM debian:12\nRUN apt-get update && apt-get install -y \\\n    curl \\\n#    jq\n';
    expect(dockerfileInstructions(text)[1]).toMatchObject({ keyword: 'RUN', firstLine: 1, lastLine: 2, dangling: 2 });
    const out = appendToBuiltStage(text, undefined, ['COPY ["f","/f"]']);
    expect(out).toBe('FROM debian:12\nRUN apt-get update && apt-get install -y \\\n    curl\n#    jq\nCOPY ["f","/f"]\n');
    expect(dockerfileInstructions(out).map(i => i.keyword)).toEqual(['FROM', 'RUN', 'COPY']);
  });
});

describe('the image a build ends with', () => {
  test('only the built stage and the stages it is FROM count; WORKDIR carries over from the base stage', () => {
    const text = [
      'FROM node:20 AS base',
      'WORKDIR /app',
      'FROM base AS build',
      'COPY . .',
      'RUN npm run build',
      'FROM base AS production',
      'COPY --from=build /app/dist ./dist',
      'COPY package.json ./',
    ].join('\n');
    expect(builtImage(text).copies).toEqual([{ sources: ['package.json'], destination: '/app' }]);
    expect(builtImage(text, 'build').copies).toEqual([{ sources: ['.'], destination: '/app' }]);
  });

  test('ENV and ARG values fill WORKDIR and COPY destinations', () => {
    const text = [
      'ARG BASE=python:3.12',
      'FROM ${BASE}',
      'ARG APP_USER=app',
      'ENV HOME=/home/$APP_USER',
      'ENV APP_HOME ${HOME}/web',
      'WORKDIR $APP_HOME',
      'COPY . $APP_HOME',
      'USER $APP_USER',
    ].join('\n');
    // USER stays as written: BuildKit fills --chown with the build's own values (compose build args).
    // lastUser is the user the image runs as (variables filled, for the owner of its volumes).
    expect(builtImage(text)).toEqual({
      copies: [{ sources: ['.'], destination: '/home/app/web' }],
      user: '$APP_USER',
      lastUser: 'app',
      accounts: { users: new Map(), groups: new Map() },
      baseImage: 'python:3.12',
      exposes: [],
      unreadExposes: [],
    });
  });

  test('the USER of the built stage, inherited from its base; root is none', () => {
    expect(builtImage('FROM a AS base\nUSER node\nFROM base AS prod\nRUN x\n').user).toBe('node');
    expect(builtImage('FROM a\nUSER node\nUSER root\n').user).toBeUndefined();
    expect(builtImage('FROM a\nUSER 0:0\n').user).toBeUndefined();
  });

  const tcp = (port: number, portEnd = port) => ({ port, portEnd, protocol: 'tcp' });

  test('EXPOSE: ports, protocols and ranges, as Docker reads them', () => {
    expect(builtImage('FROM node:20\nEXPOSE 8080\n').exposes).toEqual([tcp(8080)]);
    expect(builtImage('FROM a\nEXPOSE 8080/tcp 9000/udp\nEXPOSE 7000-7010 53/UDP\n').exposes)
      .toEqual([tcp(8080), { port: 9000, portEnd: 9000, protocol: 'udp' }, tcp(7000, 7010), { port: 53, portEnd: 53, protocol: 'udp' }]);
    expect(builtImage('FROM a\nEXPOSE 80 \\\n  443\n').exposes).toEqual([tcp(80), tcp(443)]);
    expect(builtImage('FROM a\nRUN echo\n').exposes).toEqual([]);
  });

  test('EXPOSE: ARG and ENV values, the compose build args over ARG defaults', () => {
    // The shape of many Node.js Dockerfiles: the port is a build argument, the app reads it from ENV.
    const text = 'FROM node:20-alpine\nARG PORT=3000\nENV PORT=${PORT}\nEXPOSE ${PORT}\nCMD ["node", "dist/main.js"]\n';
    expect(builtImage(text).exposes).toEqual([tcp(3000)]);
    expect(builtImage(text, undefined, { PORT: '8080' }).exposes).toEqual([tcp(8080)]);
    expect(builtImage('FROM node:18\nENV PORT 3000\nEXPOSE ${PORT}\n').exposes).toEqual([tcp(3000)]);
    // A global ARG reaches a stage that declares it again without a value.
    expect(builtImage('ARG PORT=5000\nFROM python:3.12\nARG PORT\nEXPOSE $PORT\n').exposes).toEqual([tcp(5000)]);
    expect(builtImage('ARG PORT=5000\nFROM python:3.12\nARG PORT\nEXPOSE $PORT\n', undefined, { PORT: '5001' }).exposes).toEqual([tcp(5001)]);
    // An ENV is not overridden by a build arg of the same name.
    expect(builtImage('FROM a\nENV PORT=80\nARG PORT=90\nEXPOSE $PORT\n', undefined, { PORT: '70' }).exposes).toEqual([tcp(80)]);
    // One value may hold several ports.
    expect(builtImage('FROM a\nENV PORTS="80 443"\nEXPOSE $PORTS\n').exposes).toEqual([tcp(80), tcp(443)]);
  });

  test('EXPOSE: what reads as no port is returned as written', () => {
    const unset = builtImage('FROM python:3.8-slim\nENV PORT\nEXPOSE ${PORT}\nEXPOSE 8000\n');
    expect(unset.exposes).toEqual([tcp(8000)]);
    expect(unset.unreadExposes).toEqual(['${PORT}']);
    expect(builtImage('FROM a\nEXPOSE 9000/sctp 70000 0 $X-$Y\n').unreadExposes).toEqual(['9000/sctp', '70000', '0', '$X-$Y (-)']);
  });

  test('EXPOSE of a multi-stage build: the built stage and the stages it is FROM; the image the first of them starts from', () => {
    const text = [
      'FROM golang:1.22-alpine AS builder',
      'EXPOSE 8000',
      'RUN go build -o /bin/app .',
      'FROM builder AS dev',
      'EXPOSE 2345',
      'FROM gcr.io/distroless/static AS prod',
      'COPY --from=builder /bin/app /app',
      'EXPOSE 8080',
    ].join('\n');
    expect(builtImage(text).exposes).toEqual([tcp(8080)]);
    expect(builtImage(text).baseImage).toBe('gcr.io/distroless/static');
    expect(builtImage(text, 'builder').exposes).toEqual([tcp(8000)]);
    expect(builtImage(text, 'dev').exposes).toEqual([tcp(8000), tcp(2345)]);
    expect(builtImage(text, 'dev').baseImage).toBe('golang:1.22-alpine');
    expect(builtImage('ARG V=16\nFROM postgres:${V}-alpine AS db\nCOPY init.sql /docker-entrypoint-initdb.d/\n').baseImage).toBe('postgres:16-alpine');
    expect(builtImage('FROM scratch\nCOPY app /\n').baseImage).toBeUndefined();
  });

  test('variable forms', () => {
    const values = new Map([['A', 'x'], ['EMPTY', '']]);
    expect(expandVariables('$A ${A} ${B:-d} ${EMPTY:-e} ${A:+alt} ${B:+alt} \\$A $B.', values)).toBe('x x d e alt  $A .');
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

  test('paths keep their spaces; a $ is literal; owner and mode as flags', () => {
    expect(copyInstruction('files/0', '/srv/my site/$HOME.conf')).toBe('COPY ["files/0","/srv/my site/\\\\$HOME.conf"]');
    expect(copyInstruction('files/0', '/entry.sh', { chown: '1000:1000', chmod: '0755' })).toBe('COPY --chown=1000:1000 --chmod=0755 ["files/0","/entry.sh"]');
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
