/**
 * Compiled policies in S3: the object the Lambdas follow (ECS_ADMISSION_POLICIES=s3://bucket/key,
 * a versioned bucket in the hub) and the upload of `ecs-admission policy push`. Versions are read
 * by id, so what was checked is what is read, however often the object changes in between.
 *
 * In a bucket without versioning the object has no version id: its ETag stands in for one
 * (`etag:"…"`), and the read asks for that ETag (IfMatch), so a change in between fails the read
 * instead of serving another content under the old name.
 *
 * IAM: s3:GetObject and s3:GetObjectVersion on the object for the Lambdas; s3:PutObject for push.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { objectUrl, type ObjectLocation, type VersionedBundle } from '../../policy/bundle-versions.js';

/** An S3 client for the settings given; path-style addressing when an endpoint is set (moto, a proxy). */
export function s3Client(config: S3ClientConfig = {}): S3Client {
  const endpoint = config.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  return new S3Client({ ...config, ...(endpoint ? { forcePathStyle: true } : {}) });
}

/** A problem with the object itself (missing, refused), as opposed to S3 being slow or down. */
export class PolicyObjectError extends Error {
  override name = 'PolicyObjectError';
}

interface AwsError {
  name?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

function explain(error: unknown, url: string, version?: string): unknown {
  const e = error as AwsError;
  if (e?.$fault !== 'client' || /Throttl|SlowDown|TooManyRequests/.test(e.name ?? '')) return error;
  const status = e.$metadata?.httpStatusCode;
  const what = `${url}${version ? ` (version ${version})` : ''}`;
  const why =
    status === 404 || e.name === 'NotFound' || e.name === 'NoSuchKey' || e.name === 'NoSuchBucket' || e.name === 'NoSuchVersion'
      ? 'no such object'
      : status === 403 || e.name === 'AccessDenied' || e.name === 'Forbidden'
        ? 'access denied (the role needs s3:GetObject and s3:GetObjectVersion on it)'
        : status === 412 || e.name === 'PreconditionFailed'
          ? 'changed while it was read'
          : `cannot be read (${e.name ?? status ?? 'error'}: ${e.message ?? ''})`;
  return new PolicyObjectError(`${what}: ${why}`);
}

const ETAG = 'etag:';

/** The bundle object, followed by version. */
export function s3Bundle(location: ObjectLocation, client: S3Client): VersionedBundle {
  const url = objectUrl(location);
  const { bucket: Bucket, key: Key } = location;
  return {
    name: url,
    async currentVersion() {
      let head;
      try {
        head = await client.send(new HeadObjectCommand({ Bucket, Key }));
      } catch (error) {
        throw explain(error, url);
      }
      if (head.VersionId) return head.VersionId;
      if (head.ETag) return `${ETAG}${head.ETag}`;
      throw new PolicyObjectError(`${url}: S3 gave neither a version id nor an ETag`);
    },
    async read(version) {
      const which = version.startsWith(ETAG) ? { IfMatch: version.slice(ETAG.length) } : { VersionId: version };
      try {
        const object = await client.send(new GetObjectCommand({ Bucket, Key, ...which }));
        if (!object.Body) throw new PolicyObjectError(`${url} (version ${version}): empty response`);
        return await object.Body.transformToString('utf8');
      } catch (error) {
        throw explain(error, url, version);
      }
    },
  };
}

/** Uploads a bundle; the new version's id (undefined in a bucket without versioning). */
export async function putBundle(location: ObjectLocation, body: string, client: S3Client): Promise<{ version: string | undefined }> {
  const out = await client.send(new PutObjectCommand({ Bucket: location.bucket, Key: location.key, Body: body, ContentType: 'application/json' }));
  return { version: out.VersionId };
}
