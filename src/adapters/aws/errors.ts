// An AWS call that failed, said in words a person can act on: which resource, which setting names
// it, which Region — rather than a bare "ResourceNotFoundException" from a minified bundle.

interface AwsError {
  name?: string;
  message?: string;
}

/** The error to throw: the original one for transient failures, a named one when the resource is missing. */
export async function awsCallFailed(error: unknown, what: string, client: { config: { region: () => Promise<string> } }): Promise<Error> {
  const e = error as AwsError;
  if (e?.name === 'ResourceNotFoundException' || e?.name === 'QueueDoesNotExist' || e?.name === 'NotFoundException' || e?.name === 'ParameterNotFound') {
    const region = await client.config.region().catch(() => '(unknown Region)');
    const named = new Error(
      `${what} does not exist in Region ${region}: create it, or set the Region (AWS_REGION) and the name it is deployed with (${e.name})`,
    );
    named.name = 'MissingResourceError';
    return named;
  }
  return error instanceof Error ? error : new Error(String(error));
}
