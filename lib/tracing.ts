import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * The Powertools tracer (X-Ray subsegments for each AWS SDK call), for the fetch function only:
 * it brings the X-Ray SDK (~110 KB minified) and would double a read function's cold init. The
 * read functions keep X-Ray through Lambda's active tracing (one segment per invocation).
 * Disabled by Powertools itself outside Lambda and when POWERTOOLS_TRACE_ENABLED=false.
 */
export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'transaction-aggregation' });
