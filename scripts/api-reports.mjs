// The public-API reports of one package: `etc/<name>.api.md` for its root entry point and
// `etc/<name>-<subpath>.api.md` for each subpath in its package.json `exports`, made by API
// Extractor from the built declarations (run `npm run build` first).
//
//   node ../../scripts/api-reports.mjs check    fails when an entry point's API differs from
//                                               its committed report, or a report is stale
//   node ../../scripts/api-reports.mjs update   writes the reports to commit
//
// Run in the package's folder (turbo's `api:check` / `api:update` tasks do). A report is the
// API a release promises: every change to it shows in review next to the code that made it.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig, ExtractorMessageCategory } from '@microsoft/api-extractor';
import { TSDocConfigFile } from '@microsoft/tsdoc-config';

const mode = process.argv[2];
if (mode !== 'check' && mode !== 'update') {
  console.error('usage: node api-reports.mjs check|update (in a package folder)');
  process.exit(2);
}

const packageFolder = process.cwd();
const packageJsonPath = join(packageFolder, 'package.json');
const manifest = JSON.parse(readFileSync(packageJsonPath, 'utf8'));
const reportFolder = join(packageFolder, 'etc');
const unscoped = manifest.name.replace(/^@[^/]+\//, '');

/** Each code entry point of `exports`: its report's base name and its built declarations. */
const entries = Object.entries(manifest.exports ?? {}).flatMap(([subpath, target]) => {
  const types = typeof target === 'string' ? target : target.types;
  if (types === undefined || !/\.d\.ts$/.test(types)) return [];
  const suffix = subpath === '.' ? '' : `-${subpath.slice(2).replaceAll('/', '-')}`;
  return [{ subpath, report: `${unscoped}${suffix}`, declarations: join(packageFolder, types) }];
});

// The comments use JSDoc's `@default`, which TSDoc calls `@defaultValue`: the repository's
// tsdoc.json accepts it, so the comments stay as they are.
const tsdocConfig = TSDocConfigFile.loadFile(
  fileURLToPath(new URL('../tsdoc.json', import.meta.url)),
);

if (mode === 'update') mkdirSync(reportFolder, { recursive: true });
const temp = mkdtempSync(join(tmpdir(), 'sess-api-'));
const problems = [];
try {
  for (const entry of entries) {
    if (!existsSync(entry.declarations)) {
      problems.push(`${entry.declarations} is missing: run \`npm run build\` first`);
      continue;
    }
    const config = ExtractorConfig.prepare({
      configObjectFullPath: undefined,
      packageJsonFullPath: packageJsonPath,
      tsdocConfigFile: tsdocConfig,
      configObject: {
        projectFolder: packageFolder,
        mainEntryPointFilePath: entry.declarations,
        compiler: {
          overrideTsconfig: {
            compilerOptions: {
              module: 'nodenext',
              moduleResolution: 'nodenext',
              target: 'es2022',
              lib: ['es2023'],
              types: ['node'],
              strict: true,
              skipLibCheck: true,
            },
            files: [entry.declarations],
          },
        },
        apiReport: {
          enabled: true,
          reportFileName: entry.report,
          reportFolder,
          reportTempFolder: temp,
        },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        messages: {
          compilerMessageReporting: { default: { logLevel: 'warning' } },
          extractorMessageReporting: {
            default: { logLevel: 'warning' },
            // The packages do not mark release stages (@public, @beta): every export is public.
            'ae-missing-release-tag': { logLevel: 'none' },
            // Documentation coverage is the API reference's concern, not the report's.
            'ae-undocumented': { logLevel: 'none' },
            // A type reachable only through another entry point of the same package is listed
            // in that entry point's report; the report notes it where it is referenced.
            'ae-forgotten-export': { logLevel: 'none', addToApiReportFile: true },
          },
          tsdocMessageReporting: { default: { logLevel: 'none' } },
        },
      },
    });
    const messages = [];
    const result = Extractor.invoke(config, {
      localBuild: mode === 'update',
      messageCallback: (message) => {
        message.handled = true;
        // Console messages tell how the report compared (created, copied): `apiReportChanged`
        // says it below.
        if (message.category === ExtractorMessageCategory.Console) return;
        if (message.logLevel === 'error' || message.logLevel === 'warning') {
          messages.push(message.formatMessageWithLocation(packageFolder));
        }
      },
    });
    const specifier =
      entry.subpath === '.' ? manifest.name : `${manifest.name}/${entry.subpath.slice(2)}`;
    const file = relative(packageFolder, join(reportFolder, `${entry.report}.api.md`));
    if (result.apiReportChanged) {
      if (mode === 'update') console.log(`api: ${specifier}: ${file} updated`);
      else {
        problems.push(
          `${specifier}: the API differs from ${file}. If the change is meant, run \`npm run api:update\` and commit the report with it.`,
        );
      }
    }
    for (const text of messages) problems.push(`${specifier}: ${text}`);
  }
  // A report whose entry point is gone would go on promising it.
  const expected = new Set(entries.map((entry) => `${entry.report}.api.md`));
  const present = existsSync(reportFolder)
    ? readdirSync(reportFolder).filter((name) => name.endsWith('.api.md'))
    : [];
  for (const name of present.filter((name) => !expected.has(name))) {
    if (mode === 'update') {
      unlinkSync(join(reportFolder, name));
      console.log(`api: etc/${name} removed: no entry point has it`);
    } else
      problems.push(`etc/${name} has no entry point in package.json: run \`npm run api:update\``);
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`api: ${problem}`);
  process.exit(1);
}
if (mode === 'check') console.log(`api: ${manifest.name}: ${entries.length} reports match`);
