import path from 'node:path';
import type { Argv } from 'yargs';
import { InputError, UsageError } from '../errors.js';
import { readPackageDistribution } from '../input/read-package.js';
import { buildManifest, checkManifest, DEFAULT_CHUNK_SIZE, manifestMetadata, type ManifestHash } from '../package/manifest.js';
import { readRegularFile } from '../util/read-file.js';
import { terminalText } from '../util/terminal-text.js';
import { withFlag } from './flag-errors.js';
import { integerFlag, lastValue } from './flag-values.js';
import { prepareOutput } from './output-file.js';

export interface ManifestArgs {
  pkg: string;
  url?: unknown;
  chunkSize?: unknown;
  hash: ManifestHash;
  check?: unknown;
  metadata: boolean;
  output?: unknown;
}

/** Largest chunk accepted: one chunk of a package of a petabyte. */
const MAX_CHUNK_SIZE = 2 ** 50;
/** A manifest holds one hash per chunk: a few kilobytes, megabytes for a huge package with tiny chunks. */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

/** `distsim manifest PKG --url URL [--chunk-size BYTES] [--hash md5|sha256]` and `distsim manifest --check MANIFEST PKG`. */
export function manifestCommandBuilder(y: Argv): Argv<ManifestArgs> {
  return y
    .positional('pkg', { type: 'string', demandOption: true, describe: 'Flat package (.pkg) the manifest describes' })
    .option('url', { type: 'string', requiresArg: true, describe: 'Where devices download the package (items[0].assets[0].url)' })
    .option('chunk-size', {
      type: 'string',
      requiresArg: true,
      describe: `Bytes hashed per chunk (default ${DEFAULT_CHUNK_SIZE}, 10 MiB; clamped to the package size)`,
    })
    .option('hash', {
      choices: ['md5', 'sha256'] as const,
      default: 'md5' as const,
      describe: 'Chunk hash: md5 (md5-size, md5s) or sha256 (sha256-size, sha256s)',
    })
    .option('metadata', { type: 'boolean', default: true, describe: 'Write items[0].metadata from the package (--no-metadata: assets only)' })
    .option('check', {
      type: 'string',
      requiresArg: true,
      describe: 'Verify this manifest against the package instead: exit 1 naming the first chunk that differs',
    })
    .option('output', {
      alias: 'o',
      type: 'string',
      requiresArg: true,
      describe: 'Write the manifest to this file instead of stdout (replaced atomically)',
    }) as unknown as Argv<ManifestArgs>;
}

/**
 * Writes the InstallApplication manifest of a package, or with `--check`
 * verifies one: 0 when every chunk hash, the chunk count and sizeInBytes
 * match, 1 (naming the first difference) when not. A package or manifest
 * that cannot be read throws an InputError (exit 2).
 */
export function manifestCommand(args: ManifestArgs, write: (text: string) => void = (text) => process.stdout.write(text)): number {
  const pkg = String(args.pkg);
  const check = lastValue(args.check);
  if (check !== undefined) return checkCommand(String(check), pkg, write);
  const url = lastValue(args.url);
  if (url === undefined)
    throw new UsageError('manifest: --url is required to write a manifest', {
      code: 'FLAG_MISSING',
      hint: 'distsim manifest PKG --url https://example.com/pkgs/widget.pkg',
    });
  const urlText = String(url);
  if (!URL.canParse(urlText)) throw new InputError(`--url ${terminalText(urlText, 80)}: not an absolute URL`, { code: 'FLAG_INVALID' });
  const chunkSize = integerFlag('--chunk-size', args.chunkSize, { min: 1, max: MAX_CHUNK_SIZE }, DEFAULT_CHUNK_SIZE);
  const outputFlag = lastValue(args.output);
  if (outputFlag !== undefined && String(outputFlag) === '') throw new InputError('-o: empty file name', { code: 'FLAG_INVALID' });
  const output = outputFlag === undefined ? undefined : withFlag('-o ', () => prepareOutput(String(outputFlag)));
  let metadata;
  if (args.metadata !== false) {
    // The package's own reader: component versions fill pkg-refs that omit them, titles come through its string tables.
    const dist = readPackageDistribution(pkg);
    metadata = manifestMetadata({
      ...(dist.title !== undefined && { title: dist.title }),
      ...(dist.product && { product: dist.product }),
      pkgRefs: dist.pkgRefs.map((ref) => ({ id: ref.id, ...(ref.version !== undefined && { version: ref.version }) })),
      fallbackTitle: path.basename(pkg).replace(/\.pkg$/i, ''),
    });
  }
  const manifest = buildManifest(pkg, { url: urlText, chunkSize, hash: args.hash, ...(metadata && { metadata }) });
  if (output) withFlag('-o ', () => output.write(manifest.text));
  else write(manifest.text);
  return 0;
}

function checkCommand(manifestFile: string, pkg: string, write: (text: string) => void): number {
  const bytes = readRegularFile(manifestFile, { maxBytes: MAX_MANIFEST_BYTES, what: 'a manifest' });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(`${manifestFile}: not UTF-8 text (manifests are XML property lists)`, { code: 'MANIFEST_INVALID' });
  }
  const result = withFlag(`${manifestFile}: `, () => checkManifest(text, pkg));
  if (result.ok) {
    write(
      `${terminalText(manifestFile)} matches ${terminalText(pkg)}: ${result.chunks} ${result.hash} chunk${result.chunks === 1 ? '' : 's'}, ${result.size} bytes\n`,
    );
    return 0;
  }
  write(`${terminalText(manifestFile)} does not match ${terminalText(pkg)}: ${terminalText(result.message)}\n`);
  return 1;
}
