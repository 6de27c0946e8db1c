import { z } from 'zod';
import { getJson, TransferError } from './download';

/**
 * A package as a NuGet feed publishes it (NuGet's V3 API): where its .nupkg is, and the SHA-512
 * the feed records for it. The service index names the registration base; a package version's
 * registration leaf names its .nupkg and its catalog entry; the catalog entry carries
 * packageHash (base64) and packageHashAlgorithm. The hash is of the .nupkg file as served.
 */

export const NUGET_FEED = 'https://api.nuget.org/v3/index.json';

export interface PublishedPackage {
  readonly id: string;
  readonly version: string;
  readonly url: string;
  /** Base64 SHA-512, as the feed publishes it. */
  readonly sha512: string;
  readonly size?: number;
  /** Where the hash was read, to name in messages. */
  readonly hashFrom: string;
}

const indexSchema = z.object({ resources: z.array(z.object({ '@id': z.string(), '@type': z.string() })) });
const leafSchema = z.object({ catalogEntry: z.string(), packageContent: z.string() });
const catalogSchema = z.object({
  packageHash: z.string(),
  packageHashAlgorithm: z.string(),
  packageSize: z.number().optional(),
});

/** Registration hives by preference: SemVer 2 (gzipped), gzipped, plain. */
const REGISTRATION_TYPES = [
  'RegistrationsBaseUrl/3.6.0',
  'RegistrationsBaseUrl/3.4.0',
  'RegistrationsBaseUrl',
];

function parsed<T>(schema: z.ZodType<T>, value: unknown, url: string, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new TransferError(url, `${url} is not a NuGet ${what}`);
  return result.data;
}

/** The flat-container address of a .nupkg, for telling a person where to fetch it by hand. */
export const nugetOrgPackageUrl = (id: string, version: string): string =>
  `https://api.nuget.org/v3-flatcontainer/${id.toLowerCase()}/${version.toLowerCase()}/${id.toLowerCase()}.${version.toLowerCase()}.nupkg`;

export async function resolvePublished(feed: string, id: string, version: string): Promise<PublishedPackage> {
  const index = parsed(indexSchema, await getJson(feed), feed, 'service index');
  const base = REGISTRATION_TYPES.map((t) => index.resources.find((r) => r['@type'] === t)).find(Boolean)?.[
    '@id'
  ];
  if (!base) throw new TransferError(feed, `${feed} names no package registrations (RegistrationsBaseUrl)`);
  const leafUrl = `${base.replace(/\/?$/, '/')}${id.toLowerCase()}/${version.toLowerCase()}.json`;
  let leafJson: unknown;
  try {
    leafJson = await getJson(leafUrl);
  } catch (e) {
    if (e instanceof TransferError && e.status === 404)
      throw new TransferError(leafUrl, `${feed} has no ${id} ${version} (${leafUrl} answered HTTP 404)`, 404);
    throw e;
  }
  const leaf = parsed(leafSchema, leafJson, leafUrl, 'registration leaf');
  const catalog = parsed(catalogSchema, await getJson(leaf.catalogEntry), leaf.catalogEntry, 'catalog entry');
  if (catalog.packageHashAlgorithm.toUpperCase() !== 'SHA512')
    throw new TransferError(
      leaf.catalogEntry,
      `${leaf.catalogEntry} gives a ${catalog.packageHashAlgorithm} hash; only SHA512 is accepted`,
    );
  return {
    id,
    version,
    url: leaf.packageContent,
    sha512: catalog.packageHash,
    ...(catalog.packageSize !== undefined && { size: catalog.packageSize }),
    hashFrom: leaf.catalogEntry,
  };
}
