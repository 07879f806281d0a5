import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { applyFaultUsers, type MockFaults } from '../../lib/mock-upstream/faults';
import { keys } from '../../lib/store/table-schema';

/** An error as the AWS SDK raises a DynamoDB service error. */
function serviceError(name: string, message: string, fault: 'client' | 'server', status: number): Error {
  return Object.assign(new Error(message), { name, $fault: fault, $metadata: { httpStatusCode: status } });
}

/**
 * The mock's `stuck-record` and `refused-record` faults, on the table side: a write of a
 * TransactWriteItems holding the marker of that user's transaction fails, as a deployed table
 * would fail it. Only the local runtime installs this (on the fetch function's shared client),
 * so `npm start` can show both apply-failure paths; nothing in the deployed service has it.
 */
export function refuseFaultRecordWrites(document: DynamoDBDocumentClient, faults: MockFaults): void {
  const refusals = new Map<string, () => Error>();
  if (faults.modes.includes('stuck-record')) {
    refusals.set(keys.aggregate(applyFaultUsers['stuck-record']).pk, () =>
      serviceError('InternalServerError', 'Internal server error (the mock stuck-record fault)', 'server', 500),
    );
  }
  if (faults.modes.includes('refused-record')) {
    refusals.set(keys.aggregate(applyFaultUsers['refused-record']).pk, () =>
      serviceError('ValidationException', 'Item refused by the table (the mock refused-record fault)', 'client', 400),
    );
  }
  if (refusals.size === 0) return;
  document.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'TransactWriteItemsCommand') {
        const input = args.input as { TransactItems?: { Put?: { Item?: { pk?: { S?: string } | string } } }[] };
        for (const action of input.TransactItems ?? []) {
          const pk = action.Put?.Item?.pk;
          const refusal = refusals.get(typeof pk === 'string' ? pk : (pk?.S ?? ''));
          if (refusal) throw refusal();
        }
      }
      return next(args);
    },
    { step: 'build', name: 'mockFaultRecordRefusal' },
  );
}
