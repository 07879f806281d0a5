import type { StoreContext } from '../../lib/store/store-context';
import type { TransactionSource } from '../../lib/ingestion/ports';

export class InjectedCrash extends Error {
  constructor(where: string) {
    super(`injected crash ${where}`);
    this.name = 'InjectedCrash';
  }
}

const WRITES = new Set(['PutCommand', 'UpdateCommand', 'TransactWriteCommand', 'BatchWriteCommand', 'DeleteCommand']);

/**
 * Kills "the Lambda" at chosen points: just before the n-th DynamoDB write (it never lands),
 * just after it (it landed, the caller never learns), or right after the n-th upstream call
 * returned (the call is spent, its page is lost). Each point fires once. Optionally, batch
 * reads see nothing, as an eventually consistent read right after a write may.
 */
export class CrashPlan {
  private writes = 0;
  private calls = 0;
  constructor(
    private readonly writePoints: Map<number, 'before' | 'after'>,
    private readonly callPoints: Set<number>,
    /** Eventually consistent reads may not see recent writes yet: serve every BatchGet as if so. */
    private readonly staleBatchReads = false,
  ) {}

  store(store: StoreContext): StoreContext {
    const document = new Proxy(store.document, {
      get: (target, property, receiver) => {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return async (command: { constructor: { name: string } }) => {
          if (this.staleBatchReads && command.constructor.name === 'BatchGetCommand') return { Responses: {}, UnprocessedKeys: {} };
          if (!WRITES.has(command.constructor.name)) return target.send(command as never);
          const index = this.writes++;
          const point = this.writePoints.get(index);
          if (point === 'before') throw new InjectedCrash(`before write #${index} (${command.constructor.name})`);
          const result = await target.send(command as never);
          if (point === 'after') throw new InjectedCrash(`after write #${index} (${command.constructor.name})`);
          return result;
        };
      },
    });
    return { ...store, document };
  }

  source(source: TransactionSource): TransactionSource {
    return {
      fetchPage: async (window, page) => {
        const index = this.calls++;
        const result = await source.fetchPage(window, page);
        if (this.callPoints.has(index)) throw new InjectedCrash(`after upstream call #${index}`);
        return result;
      },
    };
  }
}
