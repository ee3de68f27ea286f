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

/** STOP with nothing before it but PROTO/FRAME: no loader gets a value out of it, so it is not a model file. */
export class EmptyPickleError extends PickleError {}
