/**
 * Who can be a user: the read API serves exactly these ids (URL-encoded in the path), and
 * ingestion quarantines a transaction of any other user instead of counting money no one could
 * see. E-mail-like ids and prefixed UUIDs are users too (`.`, `@`, `:`, `+`). No imports: the read
 * functions' bundles take this file alone.
 */
export const userIdPattern = /^[A-Za-z0-9_.@:+-]{1,128}$/;
export const userIdRule = '1-128 characters of letters, digits and _ - . @ : +';
