import type { Context } from '../context';
import { HttpError } from '../errors';
import { log } from '../log';
import { requiredField } from '../request-fields';
import type { Gateway } from '../store/types';
import { gatewayIdPattern } from './driver';

/** The router of this type a captured guest's entry URL names (/<type path>/<id>); a 404 page for any other. */
export async function entryGateway(ctx: Context, params: Record<string, string>, type: string): Promise<Gateway> {
  const gatewayId = requiredField(params, 'gatewayId', { max: 64, pattern: gatewayIdPattern });
  const gateway = await ctx.store.getGateway(gatewayId);
  if (!gateway || gateway.type !== type) {
    log.warn(`${type} entry for an unknown gateway`, { gateway: gatewayId });
    throw new HttpError(404, 'This Wi-Fi network is not set up on this portal. Please tell the staff.', 'Unknown network');
  }
  return gateway;
}
