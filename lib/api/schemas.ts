import Big from 'big.js';
import * as z from 'zod/mini';
import { userIdDomain } from '../core/accepted-domain';
import { PAYOUT_SORTS } from './ports';

/**
 * The read API's contract as zod schemas, in zod's mini build (the functions import only this
 * small core; the full build is ~90 KB of bundle). The handlers validate their parameters with
 * them, and lib/api/openapi-document.ts turns the very same schemas into the OpenAPI document
 * with zod's own JSON Schema generator. Descriptions and examples travel in zod's global
 * registry (`describe` below), so this module needs no OpenAPI library.
 *
 * Only the parameter schemas live here: zod builds schemas when their module loads, so the
 * response bodies (lib/api/response-schemas.ts), which only the docs function needs, stay out of
 * the data functions' cold init.
 */

export const MAX_PAGE_SIZE = 1000;

/** Documentation of a schema: description, example, id (a component of the OpenAPI document)… */
export const describe = <Schema extends z.ZodMiniType>(schema: Schema, meta: Record<string, unknown>): Schema =>
  (schema as z.ZodMiniType).register(z.globalRegistry, meta) as Schema;

// Each schema is built in a pure IIFE: a function's bundle keeps (and its cold init builds) only
// the schemas it uses (esbuild drops unused pure calls).
export const userIdSchema = /* @__PURE__ */ (() =>
  describe(
    z
      .string({ error: 'is required' })
      .check(
        z.minLength(1, 'must not be empty'),
        z.maxLength(userIdDomain.maxCharacters, `must be at most ${userIdDomain.maxCharacters} characters long`),
        z.regex(userIdDomain.pattern, userIdDomain.charactersRule),
      ),
    { description: `The user, as the Transaction API names it: ${userIdDomain.rule} (URL-encoded in the path: @ is %40, + is %2B).`, example: '074092' },
  ))();

export const userAggregateParamsSchema = /* @__PURE__ */ (() => z.object({ userId: userIdSchema }))();

const PAGE_SIZE_RULE = `must be a whole number from 1 to ${MAX_PAGE_SIZE}`;
const SORT_RULE = `must be one of ${PAYOUT_SORTS.join(', ')}`;
const MIN_PAYOUT_RULE = 'must be a non-negative decimal number such as 100 or 12.5';

export const payoutsQuerySchema = /* @__PURE__ */ (() =>
  z.object({
    limit: describe(
      z._default(
        z.pipe(
          z.string().check(z.regex(/^[0-9]+$/, PAGE_SIZE_RULE)),
          z.pipe(z.transform(Number), z.number().check(z.minimum(1, PAGE_SIZE_RULE), z.maximum(MAX_PAGE_SIZE, PAGE_SIZE_RULE))),
        ),
        MAX_PAGE_SIZE,
      ),
      // How a client sees it (the string handling above is the wire detail).
      { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: MAX_PAGE_SIZE, description: 'Users per page.' },
    ),
    sort: describe(z._default(z.enum(PAYOUT_SORTS, { error: SORT_RULE }), 'userId'), {
      description:
        'Order of the list: `userId` (default), `totalPayout` (smallest first) or `-totalPayout` (largest first). Ties in amount are ' +
        'ordered by userId (ascending for `totalPayout`, descending for `-totalPayout`: the exact reverse), so paging is stable.',
      example: '-totalPayout',
    }),
    minTotalPayout: describe(
      z.optional(
        z.pipe(
          z.string().check(z.maxLength(40, MIN_PAYOUT_RULE), z.regex(/^[0-9]+(\.[0-9]+)?$/, MIN_PAYOUT_RULE)),
          z.transform((text) => new Big(text).toFixed()),
        ),
      ),
      { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?$', description: 'Only users whose payout is at least this (inclusive, exact decimal).', example: '100' },
    ),
    cursor: describe(z.optional(z.string().check(z.maxLength(260, 'is not a cursor this API issued'))), {
      description: 'Opaque: copy it from the `Link: <…>; rel="next"` header of the previous page (it belongs to the same sort and minTotalPayout).',
    }),
  }))();
