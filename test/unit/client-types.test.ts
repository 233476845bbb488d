import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';

/**
 * The typed client's types against the OpenAPI document: test/fixtures/client/typed-calls.ts compiles under the
 * repository's strict tsconfig, and each `@ts-expect-error` in it marks a real error — with the directives removed,
 * the compiler reports exactly one error on each line they stood over, and none elsewhere.
 */
const FIXTURE = resolve('test/fixtures/client/typed-calls.ts');
const DIRECTIVE = '// @ts-expect-error';

function compilerOptions(): ts.CompilerOptions {
  const config = ts.readConfigFile(resolve('tsconfig.json'), ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config.config, ts.sys, resolve('.')).options;
}

/** Diagnostics of the fixture (its text replaced by `text`), as `line: message`. */
function diagnosticsOf(text: string, oldProgram?: ts.Program): { program: ts.Program; errors: { line: number; message: string }[] } {
  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => (resolve(fileName) === FIXTURE ? text : readFile(fileName));
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) =>
    resolve(fileName) === FIXTURE ? ts.createSourceFile(fileName, text, languageVersion, true) : getSourceFile(fileName, languageVersion, onError, shouldCreate);
  const program = ts.createProgram({ rootNames: [FIXTURE], options, host, ...(oldProgram ? { oldProgram } : {}) });
  const errors = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const file = diagnostic.file;
    const line = file && diagnostic.start !== undefined ? file.getLineAndCharacterOfPosition(diagnostic.start).line + 1 : 0;
    return { line: resolve(file?.fileName ?? '') === FIXTURE ? line : -1, message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n') };
  });
  return { program, errors };
}

describe('the typed client (client/) against the OpenAPI document', () => {
  const text = readFileSync(FIXTURE, 'utf8');
  const expectedLines = text.split('\n').flatMap((line, index) => (line.trim().startsWith(DIRECTIVE) ? [index + 2] : []));
  let first: ts.Program;

  it('compiles the calls the document allows, and every @ts-expect-error is needed', () => {
    const { program, errors } = diagnosticsOf(text);
    first = program;
    expect(errors).toEqual([]);
    expect(expectedLines.length).toBeGreaterThanOrEqual(8);
  }, 60_000);

  it('refuses each wrong call: one error on each line a directive stood over, none elsewhere', () => {
    const { errors } = diagnosticsOf(text.replaceAll(DIRECTIVE, '// (an error expected here)'), first);
    expect(errors.map((error) => error.line).sort((a, b) => a - b)).toEqual(expectedLines);
  }, 60_000);
});
