import { Router, type Response } from 'express';
import type { Context } from '../context';
import { driverFor, drivers, parseNewGateway } from '../gateways';
import { HttpError, StoreConflictError, UserError } from '../errors';
import { log } from '../log';
import { optionalField } from '../request-fields';
import type { Gateway, Site } from '../store/types';
import { defaultSite } from './settings';

const driverList = () => [...drivers.values()].map((driver) => ({ type: driver.type, label: driver.label }));

/** Routers: list, add, rename, remove, and each one's setup instructions; generic over the drivers. */
export function routerRoutes(ctx: Context): Router {
  const router = Router();
  const routersPage = `${ctx.config.publicUrl.pathname}admin/routers`;

  async function renderList(res: Response, status: number, site: Site, values: Record<string, string>, error: string | null): Promise<void> {
    const gateways = await ctx.store.listGateways(site.id);
    res.status(status).set('Cache-Control', 'no-store').render('admin/routers', {
      title: 'Routers', active: 'routers', gateways, drivers: driverList(),
      labelOf: (type: string) => driverFor(type)?.label ?? type, values, error,
    });
  }

  async function siteGateway(id: string): Promise<{ gateway: Gateway; site: Site }> {
    const site = await defaultSite(ctx);
    const gateway = await ctx.store.getGateway(id);
    if (!gateway || gateway.siteId !== site.id) throw new HttpError(404, 'There is no router with this id.');
    return { gateway, site };
  }

  router.get('/routers', async (_req, res) => {
    await renderList(res, 200, await defaultSite(ctx), { type: driverList()[0]?.type ?? '' }, null);
  });

  router.post('/routers', async (req, res) => {
    const site = await defaultSite(ctx);
    const values = {
      type: optionalField(req.body, 'type', { max: 32 }) ?? '',
      id: (optionalField(req.body, 'id', { max: 64 }) ?? '').trim(),
      name: optionalField(req.body, 'name', { max: 100 }) ?? '',
      address: optionalField(req.body, 'address', { max: 300 }) ?? '',
      routerAddress: optionalField(req.body, 'routerAddress', { max: 45 }) ?? '',
    };
    let gateway: Gateway;
    try {
      // An option left empty is not given, as on the command line (a driver may refuse options it does not take).
      const options = { address: values.address.trim() || undefined, 'router-address': values.routerAddress.trim() || undefined };
      gateway = await ctx.store.addGateway(parseNewGateway({ type: values.type, id: values.id, name: values.name, options }, site.id), ctx.now());
    } catch (error) {
      if (error instanceof UserError) return renderList(res, 400, site, values, error.message);
      if (error instanceof StoreConflictError) return renderList(res, 409, site, values, `There is a router with the id "${values.id}" already.`);
      throw error;
    }
    log.info('router added', { user: res.locals.adminUser, gateway: gateway.id, type: gateway.type });
    res.redirect(303, `${routersPage}/${encodeURIComponent(gateway.id)}`);
  });

  router.get('/routers/:id', async (req, res) => {
    const { gateway, site } = await siteGateway(req.params.id);
    const driver = driverFor(gateway.type);
    res.set('Cache-Control', 'no-store').render('admin/router', {
      title: gateway.name, active: 'routers', gateway, label: driver?.label ?? gateway.type,
      setupText: driver?.setupText(gateway, site, ctx.config) ?? null, hasUploadPage: Boolean(driver?.uploadPage),
      renamed: req.query.renamed !== undefined,
    });
  });

  router.get('/routers/:id/upload-page', async (req, res) => {
    const { gateway, site } = await siteGateway(req.params.id);
    const page = driverFor(gateway.type)?.uploadPage?.(gateway, site, ctx.config);
    if (page === undefined) throw new HttpError(404, 'This router needs no uploaded page.');
    res.attachment(`portico-${gateway.id}.html`).type('html').set('Cache-Control', 'no-store').send(page);
  });

  router.post('/routers/:id/rename', async (req, res) => {
    const { gateway } = await siteGateway(req.params.id);
    const name = (optionalField(req.body, 'name', { max: 100 }) ?? '').trim();
    if (name === '') throw new HttpError(400, 'The router needs a name.');
    await ctx.store.renameGateway(gateway.id, name);
    log.info('router renamed', { user: res.locals.adminUser, gateway: gateway.id });
    res.redirect(303, `${routersPage}/${encodeURIComponent(gateway.id)}?renamed`);
  });

  router.post('/routers/:id/remove', async (req, res) => {
    const { gateway } = await siteGateway(req.params.id);
    if (optionalField(req.body, 'confirm', { max: 3 }) !== 'yes') throw new HttpError(400, 'Tick the box to confirm that the router is to be removed.');
    await ctx.store.removeGateway(gateway.id);
    log.info('router removed', { user: res.locals.adminUser, gateway: gateway.id });
    res.redirect(303, routersPage);
  });

  return router;
}
