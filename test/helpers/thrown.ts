/** Runs `action` and returns what it threw (failing the test if it did not throw). */
export async function thrown(action: () => unknown): Promise<Error> {
  try {
    await action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, but nothing was thrown');
}
