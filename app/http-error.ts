/** An error whose message is written for the person who sees it; the error handler renders it with its status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** A heading for the page, in plain words. */
    readonly title = status === 404 ? 'Not found' : 'Something is not right',
  ) {
    super(message);
  }
}
