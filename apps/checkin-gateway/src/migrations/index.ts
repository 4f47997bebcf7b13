import { Init1763900000000 } from './1763900000000-init';

/** In order of application; a new migration is appended, never edited once released. */
export const migrations = [Init1763900000000];
