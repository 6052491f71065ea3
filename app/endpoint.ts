import type { IncomingMessage } from 'node:http';
import type { ParsedUrlQuery } from 'node:querystring';

/*
 * What a guest or router URL is, apart from how it is served: an endpoint reads an exchange and
 * returns an answer; the edge (app/edge) matches, applies the policy and writes the answer. Nothing
 * below the edge touches a response.
 */

/** One request on an endpoint, and what every handler reads, worked out once by the edge. */
export interface Exchange {
  req: IncomingMessage;
  /** The query string as sent, parsed as Express's default parser does (a repeated key gives an array). */
  query: ParsedUrlQuery;
  /** The endpoint's path parameter, decoded, when it has one (a router id). */
  params: Record<string, string>;
  /** The client's address through the trusted proxies (TRUST_PROXY), as Express's req.ip. */
  ip: string;
  /** A view rendered with the application's locals, for pages that keep what they render (the terms page). */
  render(view: string, locals: Record<string, unknown>): Promise<string>;
}

/**
 * What a handler answers: a status and headers (set in this order, after the security headers) with
 * at most one of a body, a view to render as an HTML page, or a redirect. None of them: headers only (304).
 */
export interface Answer {
  status?: number;
  headers?: Record<string, string | number>;
  /** The headers say its type. A Buffer is sent with its Content-Length; a string as Node sends one (its length worked out, none for HEAD). */
  body?: string | Buffer;
  view?: { name: string; locals: Record<string, unknown> };
  redirect?: string;
  /** An origin the page's form may end at: the accept form's handoff to the router, for the CSP form-action. */
  formAction?: string;
}

export interface Endpoint {
  /** GET endpoints answer HEAD too. */
  method: 'GET' | 'POST';
  /** In lower case, without a trailing slash; the last segment may be a parameter (`/<type>/:gatewayId`). */
  path: string;
  /** The query or form parameters the handler reads (the fuzz test sends them). */
  parameters: readonly string[];
  handle(exchange: Exchange): Promise<Answer> | Answer;
}
