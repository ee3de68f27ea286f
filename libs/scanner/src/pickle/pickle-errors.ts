/** A structural error in the stream; everything observed before it still stands (notes §4 B6/B14). */
export class PickleError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export class OpcodeBudgetError extends PickleError {}
