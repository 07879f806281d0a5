/**
 * Node 20 lacks Promise.withResolvers (Node 22 has it); aws-local-stepfunctions 3 calls it.
 * The project needs Node.js 22.13+ (package.json `engines`); this keeps the suite running on a
 * machine that only has Node 20. Import this module before running a state machine locally.
 */
interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

const promiseConstructor = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> };

promiseConstructor.withResolvers ??= <T>(): Resolvers<T> => {
  let resolve!: Resolvers<T>['resolve'];
  let reject!: Resolvers<T>['reject'];
  const promise = new Promise<T>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });
  return { promise, resolve, reject };
};

export {};
