import { describeAcceptance } from '../../../app/acceptance-record';
import type { Gateway, NewAcceptance, RecordedAcceptance, Site, Store, TermsVersion } from '../../../app/store/types';
import { termsTexts } from '../../../app/content-digests';

/** A fresh, empty store of the implementation under test, and how to dispose of it. */
export type OpenStore = () => Promise<{ store: Store; close(): Promise<void> }>;

/** Runs `test` on a fresh store, closed afterwards whatever happens. */
export function withStore(open: OpenStore, test: (store: Store) => Promise<void>): () => Promise<void> {
  return async () => {
    const { store, close } = await open();
    try {
      await test(store);
    } finally {
      await close();
    }
  };
}

export const t0 = Date.UTC(2026, 4, 4, 10, 0, 0);

/** A venue in Berlin with one release of terms in two languages and a WiFiDog router 'hall'. */
export async function venue(store: Store): Promise<{ site: Site; terms: TermsVersion; gateway: Gateway }> {
  const site = await store.createSite({
    slug: 'cafe', name: 'Café', websiteUrl: 'https://cafe.example/', timezone: 'Europe/Berlin', sessionMinutes: 60, rememberDays: 7,
    defaultLanguage: 'en', accentColor: '#123456',
  }, t0);
  const [terms] = await store.publishTerms(site.id, termsTexts([{ language: 'en', body: 'Be nice.' }, { language: 'de', body: 'Sei nett.' }]), t0);
  const gateway = await store.addGateway({ id: 'hall', siteId: site.id, type: 'wifidog', name: 'Hall', settings: { checkIntervalSeconds: 60 } }, t0);
  return { site, terms, gateway };
}

export function accept(store: Store, site: Site, fields: Partial<NewAcceptance> & { termsVersionId: number }): Promise<RecordedAcceptance> {
  return store.recordAcceptance(describeAcceptance(site, {
    acceptedAt: t0, gatewayId: 'hall', deviceId: null, clientMac: null, clientIp: '10.0.0.2', userAgent: null, language: 'en', handoff: 'test',
    ...fields,
  }));
}
