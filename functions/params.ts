import { uuidParam } from '../shared/schemas/common';
import { paramOf } from './validate';

/** `:did`, a discount rule's id: one that cannot exist answers 404 before the store is asked. */
export const didParam = paramOf({ did: uuidParam('Discount rule') });
