import { BlockList, isIP } from 'node:net';
import type { Context } from '../context';
import type { Gateway } from '../store/types';

/** What a driver tells the RADIUS server about its kind of router. */
export interface RadiusRouterKind {
  type: string;
  /** Whether its Access-Requests always carry a Message-Authenticator (CoovaChilli): one without is then forged. */
  alwaysSignsRequests: boolean;
  /** Whether this router of the kind asks RADIUS (a pfSense zone in "None" mode does not). */
  asksRadius(gateway: Gateway): boolean;
}

/** The settings every RADIUS router has, as the drivers store them. */
export interface RadiusSettings {
  radiusSecret: string;
  /** The NAS-Identifier it sends; the gateway id unless the owner chose another (pfSense's zone field). */
  nasId?: string;
  /** The address or CIDR its packets come from; unset, any source with its NAS-Identifier and secret. */
  radiusFrom?: string;
}

export interface RadiusRouter {
  gateway: Gateway;
  kind: RadiusRouterKind;
  secret: Buffer;
  /** Where its packets may come from; null when it is not pinned. */
  from: BlockList | null;
}

/** The CIDR or single address a `--radius-from` gives, as a block list; null for anything else. */
export function addressBlock(text: string): BlockList | null {
  const [address, bits, ...rest] = text.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return null;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const prefix = bits === undefined ? (family === 4 ? 32 : 128) : Number(bits);
  if (bits !== undefined && (!/^\d{1,3}$/.test(bits) || prefix > (family === 4 ? 32 : 128))) return null;
  const block = new BlockList();
  block.addSubnet(address, prefix, type);
  return block;
}

/** Whether a packet's source is within a router's pin (IPv4 sources seen on a dual-stack socket as ::ffff:a.b.c.d). */
export function comesFrom(block: BlockList, source: string): boolean {
  const plain = source.startsWith('::ffff:') && isIP(source.slice(7)) === 4 ? source.slice(7) : source;
  return block.check(plain, isIP(plain) === 4 ? 'ipv4' : 'ipv6');
}

/** How long the list of NAS-Identifiers owners chose is trusted: a router given one shows up within it. */
const refreshMs = 5000;

function radiusRouterOf(gateway: Gateway, kinds: Map<string, RadiusRouterKind>): (RadiusRouter & { nasId: string }) | null {
  const kind = kinds.get(gateway.type);
  const settings = gateway.settings as Partial<RadiusSettings>;
  if (!kind || !kind.asksRadius(gateway) || !settings.radiusSecret) return null;
  return {
    gateway, kind, nasId: settings.nasId ?? gateway.id, secret: Buffer.from(settings.radiusSecret, 'utf8'),
    from: settings.radiusFrom ? addressBlock(settings.radiusFrom) : null,
  };
}

/**
 * The RADIUS routers by NAS-Identifier. Most send their gateway id, found as the store finds any router
 * (its cache follows every change); the few whose owner chose another NAS-Identifier are listed from the
 * store at most once per refreshMs, so a flood of packets naming routers that do not exist costs no more.
 */
export function radiusRouterDirectory(ctx: Context, kinds: Map<string, RadiusRouterKind>) {
  let chosen = new Map<string, string[]>();
  let readAt = -Infinity;

  async function withChosenNasId(nasId: string): Promise<string[]> {
    if (Date.now() - readAt > refreshMs) {
      readAt = Date.now();
      const next = new Map<string, string[]>();
      for (const gateway of await ctx.store.listGateways()) {
        const router = radiusRouterOf(gateway, kinds);
        if (router && router.nasId !== gateway.id) next.set(router.nasId, [...(next.get(router.nasId) ?? []), gateway.id]);
      }
      chosen = next;
    }
    return chosen.get(nasId) ?? [];
  }

  return {
    /** The routers that send this NAS-Identifier (more than one only if owners gave two the same). */
    async find(nasId: string): Promise<RadiusRouter[]> {
      const found: RadiusRouter[] = [];
      for (const id of new Set([nasId, ...await withChosenNasId(nasId)])) {
        const gateway = await ctx.store.getGateway(id);
        const router = gateway && radiusRouterOf(gateway, kinds);
        if (router && router.nasId === nasId) found.push(router);
      }
      return found;
    },
  };
}
