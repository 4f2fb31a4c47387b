/**
 * The shape of a request schema (what `validateSchema` checks). Kept apart
 * from the checker so the configuration types can name it without importing
 * the validation code.
 */
export type Schema =
  | { readonly type: 'object'; readonly properties: Readonly<Record<string, Schema>>; readonly required?: readonly string[] }
  | { readonly type: 'map'; readonly values: Schema; readonly maxProperties: number }
  | { readonly type: 'array'; readonly items: Schema; readonly minItems?: number | undefined; readonly maxItems?: number }
  | {
      readonly type: 'string';
      readonly minLength?: number | undefined;
      readonly maxLength?: number | undefined;
      readonly enum?: readonly string[] | undefined;
      readonly pattern?: RegExp | undefined;
      /** Free text headed to the model: normalised, filtered, scanned. */
      readonly text?: boolean | undefined;
    }
  | { readonly type: 'number' | 'integer'; readonly minimum?: number | undefined; readonly maximum?: number | undefined }
  | { readonly type: 'boolean' }
  | { readonly type: 'null' }
  /** Any JSON value (a tool's parameter schema); depth is already bounded by the parser. */
  | { readonly type: 'json' }
  | { readonly anyOf: readonly Schema[] };
