import * as v from 'valibot';
import { boolParam, intParam, MAX_MONEY } from './common';
import { MAX_RECEIPT_ITEMS } from './receipt';

/**
 * What Dintero Checkout sends rabatt (spec §5) and what rabatt answers. Dintero's objects carry
 * many more fields than discounts need (descriptions, addresses, payment details); the schemas are
 * loose so those pass through, and only the fields rabatt reads are checked.
 */
/** Minor units, capped like every amount in the API (MAX_MONEY), so sums stay exact. */
const money = v.pipe(
  v.number(),
  v.integer('Expected whole minor units'),
  v.minValue(0, 'Expected at least 0'),
  v.maxValue(MAX_MONEY, `Expected at most ${MAX_MONEY}`),
);
const text = (max = 255) =>
  v.pipe(
    v.string(),
    v.minLength(1, 'Expected a non-empty string'),
    v.maxLength(max, `Expected at most ${max} characters`),
  );

const dinteroDiscountLine = v.looseObject({
  amount: money,
  discount_id: v.optional(v.pipe(v.string(), v.maxLength(255))),
});

export const dinteroItemSchema = v.looseObject({
  id: v.optional(v.pipe(v.string(), v.maxLength(255))),
  /** Dintero's line_id is a string; numbers are accepted as well. */
  line_id: v.optional(v.union([v.pipe(v.string(), v.maxLength(255)), v.number()])),
  quantity: v.optional(v.pipe(v.number(), v.gtValue(0, 'Expected a quantity above 0'))),
  /** Line total including VAT, minor units. */
  amount: money,
  vat_amount: v.optional(money),
  vat: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(100))),
  groups: v.optional(
    v.pipe(
      v.array(v.looseObject({ id: text(), name: v.optional(v.pipe(v.string(), v.maxLength(1000))) })),
      v.maxLength(100),
    ),
  ),
  eligible_for_discount: v.optional(v.boolean()),
  discount_lines: v.optional(v.pipe(v.array(dinteroDiscountLine), v.maxLength(100))),
});
export type DinteroItem = v.InferOutput<typeof dinteroItemSchema>;

/** At most this many express shipping options are priced (docs/shipping.md). */
export const MAX_SHIPPING_OPTIONS = 200;

/**
 * Dintero's `ShippingOption`: `id` groups one product (what `requirement.shipping_option_ids`
 * names), `line_id` is one configuration of it; `amount` includes VAT, `vat_amount` is the VAT in it.
 */
export const dinteroShippingOptionSchema = v.looseObject({
  id: v.optional(text()),
  line_id: v.optional(v.union([v.pipe(v.string(), v.maxLength(255)), v.number()])),
  amount: money,
  vat_amount: v.optional(money),
  vat: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(100))),
});
export type DinteroShippingOption = v.InferOutput<typeof dinteroShippingOptionSchema>;

export const dinteroSessionSchema = v.looseObject({
  /** The checkout session id (`P12345678.<random>`). */
  id: text(),
  order: v.looseObject({
    amount: v.optional(money),
    currency: v.optional(v.pipe(v.string(), v.regex(/^[A-Z]{3}$/, 'Expected an ISO 4217 currency code'))),
    items: v.optional(
      v.pipe(v.array(dinteroItemSchema), v.maxLength(MAX_RECEIPT_ITEMS, `Expected at most ${MAX_RECEIPT_ITEMS} items`)),
      [],
    ),
    discount_codes: v.optional(v.pipe(v.array(text()), v.maxLength(50, 'Expected at most 50 codes')), []),
    merchant_reference: v.optional(v.pipe(v.string(), v.maxLength(1000))),
    /** The shipping option the shopper selected; its `amount` is part of what they pay. */
    shipping_option: v.optional(dinteroShippingOptionSchema),
  }),
  customer: v.optional(v.looseObject({ customer_id: v.optional(text()) })),
  express: v.optional(
    v.looseObject({
      shipping_options: v.optional(
        v.pipe(
          v.array(dinteroShippingOptionSchema),
          v.maxLength(MAX_SHIPPING_OPTIONS, `Expected at most ${MAX_SHIPPING_OPTIONS} shipping options`),
        ),
      ),
    }),
  ),
  store: v.optional(v.looseObject({ id: v.optional(text()) })),
});
export type DinteroSession = v.InferOutput<typeof dinteroSessionSchema>;

/** The query of `url.callback_url` as Dintero calls it; other parameters (the merchant's own) are ignored. */
export const callbackQuerySchema = v.looseObject({
  transaction_id: v.optional(text()),
  session_id: v.optional(text()),
  sid: v.optional(text()),
  merchant_reference: v.optional(v.pipe(v.string(), v.maxLength(1000))),
  time: v.optional(v.pipe(v.string(), v.maxLength(64))),
  event: v.optional(v.pipe(v.string(), v.maxLength(64))),
  event_id: v.optional(v.pipe(v.string(), v.maxLength(255))),
  error: v.optional(v.pipe(v.string(), v.maxLength(255))),
});
export type CallbackQuery = v.InferOutput<typeof callbackQuerySchema>;

/** The POST body of a transaction callback (`method=POST`, optionally `includes=session`). */
export const callbackTransactionSchema = v.looseObject({
  id: v.optional(text()),
  session_id: v.optional(text()),
  status: v.optional(v.pipe(v.string(), v.maxLength(64))),
  amount: v.optional(money),
  events: v.optional(
    v.pipe(
      v.array(
        v.looseObject({
          event: v.optional(v.pipe(v.string(), v.maxLength(64))),
          amount: v.optional(money),
          success: v.optional(v.boolean()),
        }),
      ),
      v.maxLength(1000),
    ),
  ),
  session: v.optional(v.unknown()),
});
export type CallbackTransaction = v.InferOutput<typeof callbackTransactionSchema>;

export const signaturePutSchema = v.strictObject({
  secret: v.pipe(
    v.string(),
    v.minLength(16, 'Expected at least 16 characters'),
    v.maxLength(256, 'Expected at most 256 characters'),
  ),
});

export const signatureStatusSchema = v.pipe(
  v.strictObject({
    configured: v.boolean(),
    updated_at: v.optional(v.string()),
    updated_by: v.optional(v.string()),
  }),
  v.metadata({
    ref: 'CheckoutSignature',
    description: 'Whether callbacks must be signed; the secret itself is never returned',
  }),
);
export type SignatureStatus = v.InferOutput<typeof signatureStatusSchema>;

export const checkoutEventsQuerySchema = v.strictObject({
  limit: v.optional(intParam(1, 100), '10'),
  starting_after: v.optional(v.pipe(v.string(), v.maxLength(255))),
  transaction_id: v.optional(text()),
  session_id: v.optional(text()),
  total: v.optional(boolParam),
});
export type CheckoutEventsQuery = v.InferOutput<typeof checkoutEventsQuerySchema>;

export const CHECKOUT_OUTCOMES = [
  'claimed',
  'already_claimed',
  'nothing_to_claim',
  'refused',
  'released',
  'already_released',
  'nothing_to_release',
  'partial_refund_kept',
  'ignored',
  'payment_error',
] as const;
export type CheckoutOutcome = (typeof CHECKOUT_OUTCOMES)[number];

export const checkoutEventSchema = v.pipe(
  v.strictObject({
    id: v.string(),
    transaction_id: v.nullable(v.string()),
    session_id: v.nullable(v.string()),
    event: v.string(),
    event_id: v.nullable(v.string()),
    outcome: v.picklist(CHECKOUT_OUTCOMES),
    claim_id: v.nullable(v.string()),
    detail: v.nullable(v.string()),
    created_at: v.string(),
    created_by: v.string(),
  }),
  v.metadata({ ref: 'CheckoutEvent', description: 'One handled transaction callback, for support' }),
);
export type CheckoutEvent = v.InferOutput<typeof checkoutEventSchema>;

/** The answer to a transaction callback: what rabatt did. Dintero reads only the status. */
export const callbackAnswerSchema = v.pipe(
  v.strictObject({ outcome: v.picklist(CHECKOUT_OUTCOMES), claim_id: v.nullable(v.string()), event_id: v.string() }),
  v.metadata({ ref: 'CheckoutCallbackAnswer' }),
);
export type CallbackAnswer = v.InferOutput<typeof callbackAnswerSchema>;

export const discountCodesAnswerSchema = v.pipe(
  v.strictObject({
    order: v.strictObject({
      discount_codes: v.array(v.string()),
      amount: v.number(),
      /** Only when rabatt discounted the selected option (docs/shipping.md). */
      shipping_option: v.optional(v.looseObject({ amount: v.number() })),
      items: v.array(
        v.looseObject({ amount: v.number(), discount_lines: v.array(v.looseObject({ amount: v.number() })) }),
      ),
    }),
    shipping_options: v.array(v.unknown()),
  }),
  v.metadata({
    ref: 'CheckoutDiscountCodesAnswer',
    description: 'The order after discounts, as Dintero expects from an express discount-code callback',
  }),
);
export type DiscountCodesAnswer = v.InferOutput<typeof discountCodesAnswerSchema>;
