import { getSecret } from '@aws-lambda-powertools/parameters/secrets';

/** Where the upstream API key is kept, and how long a container may reuse what it read. */
export interface UpstreamApiKeySecret {
  /** The Secrets Manager secret; none: the upstream is called without a key. */
  name?: string;
  maxAgeSeconds: number;
}

/** The upstream API key of a container (one per container: it remembers a refusal). */
export interface UpstreamApiKey {
  /** The key to send: Powertools Parameters' cached copy up to the max age, a fresh read after a refusal. */
  read(secret: UpstreamApiKeySecret): Promise<string | undefined>;
  /** The upstream's answer to the call the key went with: 401/403 (a rotated key) forces the next read. */
  answered(status: number | undefined): void;
}

export function upstreamApiKey(): UpstreamApiKey {
  let refused = false;
  return {
    async read({ name, maxAgeSeconds }) {
      if (!name) return undefined;
      const key = await getSecret(name, { maxAge: maxAgeSeconds, forceFetch: refused });
      if (typeof key !== 'string' || key === '') throw new Error(`secret ${name} has no string value`);
      refused = false;
      return key;
    },
    answered(status) {
      if (status === 401 || status === 403) refused = true;
    },
  };
}
