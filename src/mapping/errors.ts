/** A mapping expression that cannot be used; the message names the problem for `validate-config`. */
export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}
