import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoDbCalls {
  /** Requests sent, by command name (e.g. GetCommand, TransactWriteCommand). */
  readonly byCommand: Map<string, number>;
  /** Items written inside TransactWriteItems requests (each costs 2 write units per KB). */
  transactItems: number;
  total(): number;
  reset(): void;
}

/** Counts every request a document client sends (a middleware on its stack), for the cost estimate. */
export function countDynamoDbCalls(document: DynamoDBDocumentClient): DynamoDbCalls {
  const calls: DynamoDbCalls = {
    byCommand: new Map(),
    transactItems: 0,
    total: () => [...calls.byCommand.values()].reduce((sum, count) => sum + count, 0),
    reset: () => {
      calls.byCommand.clear();
      calls.transactItems = 0;
    },
  };
  document.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? 'unknown');
      calls.byCommand.set(name, (calls.byCommand.get(name) ?? 0) + 1);
      const items = (args.input as { TransactItems?: unknown[] }).TransactItems;
      if (items) calls.transactItems += items.length;
      return next(args);
    },
    { step: 'initialize', name: 'benchDynamoDbCallCounter' },
  );
  return calls;
}
