import type { Argv } from 'yargs';
import { synthesizeFromProduct } from '../input/read-product.js';

export interface SynthesizeArgs {
  product: string;
  identifier?: string;
  version?: string;
  title?: string;
}

export function synthesizeCommandBuilder(y: Argv): Argv<SynthesizeArgs> {
  // productbuild's own flag is --version; inside this command it is the product's, not distsim's.
  return y
    .version(false)
    .option('product', {
      type: 'string',
      demandOption: true,
      requiresArg: true,
      describe: 'productbuild requirements property list (productbuild --product FILE)',
    })
    .option('identifier', { type: 'string', requiresArg: true, describe: 'Product and package identifier (productbuild --identifier)' })
    .option('version', { type: 'string', requiresArg: true, describe: 'Product and package version (productbuild --version)' })
    .option('title', { type: 'string', requiresArg: true, describe: 'The <title>' }) as unknown as Argv<SynthesizeArgs>;
}

/** Prints the Distribution productbuild would write for the requirements plist. */
export function synthesizeCommand(args: SynthesizeArgs, write: (text: string) => void = (text) => process.stdout.write(text)): number {
  const text = synthesizeFromProduct(String(args.product), {
    ...(args.identifier !== undefined && { identifier: String(args.identifier) }),
    ...(args.version !== undefined && { version: String(args.version) }),
    ...(args.title !== undefined && { title: String(args.title) }),
  });
  write(text.endsWith('\n') ? text : `${text}\n`);
  return 0;
}
