import { KeyLayout } from '@sess/core/internal';

/** Where the sess apps (store defaults: prefix `sess`, 16 expiry buckets) keep their keys. */
export const SESS_KEYS = new KeyLayout('sess', 16);
