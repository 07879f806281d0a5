import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lib/store/dynamo-client';

/** Runs an operator command with the process's arguments and exits with its code (1 on a crash, with the error printed). */
export function runFromCommandLine(command: (argv: string[]) => Promise<number>): void {
  command(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/** A DynamoDB document client for one command (the usual AWS credentials and region; AWS_ENDPOINT_URL_DYNAMODB for DynamoDB Local), closed afterwards. */
export async function withDocumentClient<T>(use: (document: DynamoDBDocumentClient) => Promise<T>): Promise<T> {
  const document = createDocumentClient();
  try {
    return await use(document);
  } finally {
    document.destroy();
  }
}

/**
 * The command's parsed options, or undefined after printing what was wrong and the usage
 * (node:util parseArgs throws on an unknown or malformed option).
 */
export function optionsOrUsage<T>(parse: () => T, usage: string, print: (line: string) => void): T | undefined {
  try {
    return parse();
  } catch (error) {
    print(`${(error as Error).message}\n${usage}`);
    return undefined;
  }
}
