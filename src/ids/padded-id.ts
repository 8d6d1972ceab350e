/**
 * 64-bit ids in SQL are 20-digit zero-padded decimal strings: text order is then numeric order on every
 * engine, and no id passes through a JS number.
 */
export const padId = (id: string): string => id.padStart(20, '0');
export const unpadId = (id: string): string => id.replace(/^0+(?=\d)/, '');
