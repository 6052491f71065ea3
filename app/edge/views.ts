import path from 'node:path';
import ejs from 'ejs';
import type { Config } from '../config';
import { stylesheetPath } from '../guest/stylesheets';
import { viewsDir } from '../paths';

/** What every view may use, on the edge and on Express (app.locals). */
export function viewLocals(config: Pick<Config, 'publicUrl'>): Record<string, unknown> {
  return {
    basePath: config.publicUrl.pathname, // links work behind a proxy that adds a prefix
    stylesheet: stylesheetPath(), // pages without a venue (errors) get the default colours
  };
}

export type RenderView = (view: string, locals: Record<string, unknown>) => Promise<string>;

/** Renders views/<view>.ejs with the application's locals; each view is compiled once (ejs's cache, which Express's view cache shares). */
export function viewRenderer(config: Pick<Config, 'publicUrl'>): RenderView {
  const shared = viewLocals(config);
  return (view, locals) => ejs.renderFile(path.join(viewsDir, `${view}.ejs`), { ...shared, ...locals }, { cache: true, views: [viewsDir] });
}
