import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** The upstream API key from Secrets Manager, read once per container (rotation: see README). */
export async function readUpstreamApiKey(secretName: string | undefined): Promise<string | undefined> {
  if (!secretName) return undefined;
  const client = new SecretsManagerClient({});
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretName }));
    if (!SecretString) throw new Error(`secret ${secretName} has no string value`);
    return SecretString;
  } finally {
    client.destroy();
  }
}
