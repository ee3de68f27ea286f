/** A structural error in the stream; everything observed before it still stands. */
export class PickleError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export class OpcodeBudgetError extends PickleError {}
