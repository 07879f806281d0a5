import { upstreamContract } from './upstream-contract';

/** Inclusive bounds, whole seconds, ISO strings: what one upstream call asks for. */
export interface Window {
  start: string;
  end: string;
}

/**
 * The upstream's word about a page. Only what the paging logic may use; every field can be
 * missing or wrong, so none is trusted alone (see `mayHaveMore`).
 */
export interface PageMeta {
  totalItems?: number;
  itemCount?: number;
  itemsPerPage?: number;
  totalPages?: number;
  currentPage?: number;
}

/** The page size the upstream uses: what it says, if plausible, else the contract's. */
export function pageSizeOf(meta: PageMeta): number {
  const said = meta.itemsPerPage;
  return said !== undefined && said >= 1 && said <= upstreamContract.pageSize ? said : upstreamContract.pageSize;
}

/**
 * Whether the window may hold more than the pages received so far. What was received decides
 * as much as meta does: a full page may have a successor whatever `totalPages` says, so one
 * more call is preferred to a lost page.
 */
export function mayHaveMore(received: number, page: number, meta: PageMeta): boolean {
  if (received === 0) return false;
  if (received >= pageSizeOf(meta)) return true;
  return (meta.totalPages ?? 0) > page;
}

/**
 * Whether the meta contradicts what was received: counts that disagree with the records, a page
 * number other than the one asked for, or fewer total pages than pages already seen.
 */
export function contradictoryMeta(received: number, page: number, meta: PageMeta): string | undefined {
  if (meta.itemCount !== undefined && meta.itemCount !== received) return `itemCount ${meta.itemCount} but ${received} items received`;
  if (meta.currentPage !== undefined && meta.currentPage !== page) return `currentPage ${meta.currentPage} but page ${page} was asked for`;
  if (meta.totalPages !== undefined && received > 0 && meta.totalPages < page) return `totalPages ${meta.totalPages} but page ${page} holds items`;
  if (meta.totalItems !== undefined && meta.totalItems < (page - 1) * pageSizeOf(meta) + received)
    return `totalItems ${meta.totalItems} is fewer than the items received`;
  return undefined;
}
