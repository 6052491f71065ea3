import { Router, type Response } from 'express';
import type { Context } from '../context';
import { allOptions, driverFor, drivers, parseNewGateway, settingsFromOptions } from '../gateways';
import type { DriverOption, GatewayDriver } from '../gateways/driver';
import { HttpError, StoreConflictError, UserError } from '../errors';
import { log } from '../log';
import { optionalField } from '../request-fields';
import type { Gateway, Site } from '../store/types';
import { venueGateway, venueOf, venuePath } from './venue-scope';

/** A form field for one driver option, as the views place it. */
interface OptionField {
  name: string;
  label: string;
  help: string;
  value: string;
  required: boolean;
  inputType: 'text' | 'password';
  /** The values to choose from, for an option that has a few (shown as a list). */
  choices: string[] | null;
}

/** The option fields of a driver's form, filled with what the owner typed or the router has; a secret is never filled. */
function optionFields(driver: GatewayDriver, values: Record<string, unknown>): OptionField[] {
  return driver.options.map((option) => ({
    name: option.setting, label: option.label, help: option.help, required: Boolean(option.required),
    value: option.secret || values[option.setting] === undefined ? '' : String(values[option.setting]),
    inputType: option.secret ? 'password' : 'text', choices: option.choices ?? null,
  }));
}

/** What a new router of this type gets where the owner gives nothing, by setting. */
function defaultsOf(driver: GatewayDriver): Record<string, string> {
  return Object.fromEntries(driver.options.flatMap((option) => (option.default === undefined ? [] : [[option.setting, option.default]])));
}

/** The driver options a form sent, by option name; a field is named by the setting it fills. */
function givenOptions(body: Record<string, unknown>, options: DriverOption[]): Record<string, string | undefined> {
  return Object.fromEntries(options.map((option) => [option.name, optionalField(body, option.setting, { max: 300 })]));
}

/** Routers: list, add, edit, rename, remove, and each one's setup instructions; generic over the drivers. */
export function routerRoutes(ctx: Context): Router {
  const router = Router();
  const routersPage = (site: Site) => venuePath(ctx, site, 'routers');
  const routerPage = (gateway: Gateway, site: Site) => `${routersPage(site)}/${encodeURIComponent(gateway.id)}`;
  const firstDriver = [...drivers.values()][0];

  async function renderList(res: Response, status: number, site: Site, values: Record<string, string>, error: string | null): Promise<void> {
    const gateways = await ctx.store.listGateways(site.id);
    const driver = driverFor(values.type) ?? firstDriver;
    res.status(status).set('Cache-Control', 'no-store').render('admin/routers', {
      title: 'Routers', active: 'routers', values, error,
      gateways: gateways.map((gateway) => ({ ...gateway, label: driverFor(gateway.type)?.label ?? gateway.type })),
      types: [...drivers.values()].map(({ type, label }) => ({ type, label, selected: type === driver.type })),
      chosen: { type: driver.type, label: driver.label }, fields: optionFields(driver, { ...defaultsOf(driver), ...values }),
    });
  }

  async function renderRouter(res: Response, status: number, gateway: Gateway, site: Site, notice: string | null, error: string | null, values = gateway.settings): Promise<void> {
    const driver = driverFor(gateway.type);
    res.status(status).set('Cache-Control', 'no-store').render('admin/router', {
      title: gateway.name, active: 'routers', gateway, label: driver?.label ?? gateway.type,
      setup: driver ? await driver.setup(gateway, site, ctx.config) : null, uploadPage: `${routerPage(gateway, site)}/upload-page`,
      fields: driver ? optionFields(driver, values) : [], facts: driver?.health.facts(gateway.health ?? {}) ?? [],
      lastContact: gateway.lastContactAt === undefined ? null
        : new Intl.DateTimeFormat('en-GB', { timeZone: site.timezone, dateStyle: 'medium', timeStyle: 'medium' }).format(gateway.lastContactAt),
      notice, error,
    });
  }

  async function siteGateway(res: Response, id: string): Promise<{ gateway: Gateway; site: Site }> {
    const site = venueOf(res);
    return { gateway: await venueGateway(ctx, site, id), site };
  }

  router.get('/routers', async (req, res) => {
    await renderList(res, 200, venueOf(res), { type: optionalField(req.query, 'type', { max: 32 }) ?? '' }, null);
  });

  router.post('/routers', async (req, res) => {
    const site = venueOf(res);
    const options = allOptions();
    const given = givenOptions(req.body, options);
    const values: Record<string, string> = {
      type: optionalField(req.body, 'type', { max: 32 }) ?? '',
      id: (optionalField(req.body, 'id', { max: 64 }) ?? '').trim(),
      name: optionalField(req.body, 'name', { max: 100 }) ?? '',
      ...Object.fromEntries(options.map((option) => [option.setting, given[option.name] ?? ''])),
    };
    let gateway: Gateway;
    try {
      gateway = await ctx.store.addGateway(parseNewGateway({ type: values.type, id: values.id, name: values.name, options: given }, site.id, ctx.config), ctx.now());
    } catch (error) {
      if (error instanceof UserError) return renderList(res, 400, site, values, error.message);
      if (error instanceof StoreConflictError) return renderList(res, 409, site, values, `There is a router with the id "${values.id}" already.`);
      throw error;
    }
    log.info('router added', { user: res.locals.adminUser, venue: site.slug, gateway: gateway.id, type: gateway.type });
    res.redirect(303, routerPage(gateway, site));
  });

  router.get('/routers/:id', async (req, res) => {
    const { gateway, site } = await siteGateway(res, req.params.id);
    const notice = req.query.renamed !== undefined ? 'Name saved.' : req.query.saved !== undefined ? 'Settings saved.' : null;
    await renderRouter(res, 200, gateway, site, notice, null);
  });

  router.post('/routers/:id/settings', async (req, res) => {
    const { gateway, site } = await siteGateway(res, req.params.id);
    const driver = driverFor(gateway.type);
    if (!driver) throw new HttpError(404, 'Portico has no driver for this router type any more.');
    const given = givenOptions(req.body, allOptions());
    // A secret is never shown back in the form: left blank, it stays as it is.
    const kept = Object.fromEntries(driver.options.filter((option) => option.secret).map((option) => [option.setting, gateway.settings[option.setting]]));
    let settings: Record<string, unknown>;
    try {
      settings = settingsFromOptions(driver, given, kept, ctx.config);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      const typed = Object.fromEntries(driver.options.map((option) => [option.setting, given[option.name] ?? '']));
      return renderRouter(res, 400, gateway, site, null, error.message, typed);
    }
    await ctx.store.setGatewaySettings(gateway.id, settings);
    log.info('router settings changed', { user: res.locals.adminUser, gateway: gateway.id });
    res.redirect(303, `${routerPage(gateway, site)}?saved`);
  });

  router.get('/routers/:id/upload-page', async (req, res) => {
    const { gateway, site } = await siteGateway(res, req.params.id);
    const page = driverFor(gateway.type)?.uploadPage?.(gateway, site, ctx.config);
    if (page === undefined) throw new HttpError(404, 'This router needs no uploaded page.');
    res.attachment(`portico-${gateway.id}.html`).type('html').set('Cache-Control', 'no-store').send(page);
  });

  router.post('/routers/:id/rename', async (req, res) => {
    const { gateway, site } = await siteGateway(res, req.params.id);
    const name = (optionalField(req.body, 'name', { max: 100 }) ?? '').trim();
    if (name === '') throw new HttpError(400, 'The router needs a name.');
    await ctx.store.renameGateway(gateway.id, name);
    log.info('router renamed', { user: res.locals.adminUser, gateway: gateway.id });
    res.redirect(303, `${routerPage(gateway, site)}?renamed`);
  });

  router.post('/routers/:id/remove', async (req, res) => {
    const { gateway, site } = await siteGateway(res, req.params.id);
    if (optionalField(req.body, 'confirm', { max: 3 }) !== 'yes') throw new HttpError(400, 'Tick the box to confirm that the router is to be removed.');
    await ctx.store.removeGateway(gateway.id);
    log.info('router removed', { user: res.locals.adminUser, gateway: gateway.id });
    res.redirect(303, routersPage(site));
  });

  return router;
}
