import { z } from 'zod';
import { SOURCE_ID_PATTERN } from '../../model/ids.js';
import { mappingSchema } from '../../mapping/config.js';

/** The formats a directory file may be written in, by file name extension. */
const FILE_FORMATS = { '.json': 'json', '.yaml': 'yaml', '.yml': 'yaml' } as const;

export const fileSourceConfigSchema = z.strictObject({
  type: z.literal('file'),
  /** Source id: the ownership namespace of every externalId this source creates (model/ids.ts). */
  id: z.string().regex(SOURCE_ID_PATTERN, 'lower-case letters, digits and dashes, starting with a letter or digit'),
  /** Path of the directory file (format in format.ts); `.json` is read as JSON, `.yaml`/`.yml` as YAML. */
  path: z
    .string()
    .min(1)
    .refine((path) => fileFormat(path) !== undefined, { message: 'must end in .json, .yaml or .yml' }),
  /** Which source attribute or expression feeds each AWS attribute (docs/attribute-mapping.md); default: the built-in mapping. */
  mapping: mappingSchema,
});

export type FileSourceConfig = z.infer<typeof fileSourceConfigSchema>;

export function fileFormat(path: string): 'json' | 'yaml' | undefined {
  const extension = /\.[^./\\]+$/.exec(path)?.[0].toLowerCase();
  return extension !== undefined && Object.hasOwn(FILE_FORMATS, extension)
    ? FILE_FORMATS[extension as keyof typeof FILE_FORMATS]
    : undefined;
}
