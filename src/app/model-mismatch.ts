/**
 * phases/final.ts predictFinal refuses a series with other columns or another frequency than the
 * model was fitted on: the stored model and the tenant's data disagree, which no argument of a
 * call can fix (errors.ts knownAppError makes it a conflict). Told by its words, which survive a
 * worker thread and a queue job (an error class does not). Its own module, free of the store, so
 * the worker (plan-task.ts) can load it.
 */
export function isModelMismatch(message: string): boolean {
  return /differ from the model's|but the model was fitted on/.test(message);
}
