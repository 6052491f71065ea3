import { isLanguageCode, type LanguageCode } from '../languages';
import { memoized } from '../memo';

/** Every interface string of the guest pages, in each language Portico speaks. */
export interface Messages {
  welcome: string;
  termsTitle: string;
  termsOtherLanguage: string;
  agreement: string;
  accept: string;
  languageSwitch: string;
  previewNotice: string;
  /** The admin's preview of terms not yet published: there is nothing to accept yet. */
  draftNotice: string;
  previewOnline: string;
  onlineTitle: string;
  onlineLead: string;
  visitWebsite: string;
  portalTitle: string;
  portalLead: string;
}

export const messages: Record<LanguageCode, Messages> = {
  en: {
    welcome: 'Welcome! To use the free Wi-Fi, please read and accept the terms.',
    termsTitle: 'Terms of use',
    termsOtherLanguage: 'The terms are not available in your language; this is the venue\'s version.',
    agreement: 'By tapping the button you agree to the terms above.',
    accept: 'Accept and connect',
    languageSwitch: 'Language',
    previewNotice: 'Preview: this is what guests see. Accepting here records nothing.',
    draftNotice: 'Draft: this is what guests will see once these terms are published. The button works after publishing.',
    previewOnline: 'Preview: a guest would now be online.',
    onlineTitle: 'You\'re online',
    onlineLead: 'Enjoy the Wi-Fi at',
    visitWebsite: 'Visit',
    portalTitle: 'Wi-Fi login',
    portalLead: 'To get online, open any website: the Wi-Fi terms will appear.',
  },
  de: {
    welcome: 'Willkommen! Bitte lesen und akzeptieren Sie die Bedingungen, um das kostenlose WLAN zu nutzen.',
    termsTitle: 'Nutzungsbedingungen',
    termsOtherLanguage: 'Die Bedingungen gibt es nicht in Ihrer Sprache; dies ist die Fassung des Betreibers.',
    agreement: 'Mit dem Tippen auf die Schaltfläche stimmen Sie den obigen Bedingungen zu.',
    accept: 'Akzeptieren und verbinden',
    languageSwitch: 'Sprache',
    previewNotice: 'Vorschau: So sehen Gäste die Seite. Hier wird nichts gespeichert.',
    draftNotice: 'Entwurf: So sehen Gäste die Seite, sobald diese Bedingungen veröffentlicht sind. Die Schaltfläche funktioniert erst danach.',
    previewOnline: 'Vorschau: Ein Gast wäre jetzt online.',
    onlineTitle: 'Sie sind online',
    onlineLead: 'Viel Spaß im WLAN von',
    visitWebsite: 'Besuchen Sie',
    portalTitle: 'WLAN-Anmeldung',
    portalLead: 'Öffnen Sie eine beliebige Website, um online zu gehen: die WLAN-Bedingungen erscheinen dann.',
  },
  fr: {
    welcome: 'Bienvenue ! Pour utiliser le Wi-Fi gratuit, veuillez lire et accepter les conditions.',
    termsTitle: 'Conditions d\'utilisation',
    termsOtherLanguage: 'Les conditions ne sont pas disponibles dans votre langue ; voici la version de l\'établissement.',
    agreement: 'En touchant le bouton, vous acceptez les conditions ci-dessus.',
    accept: 'Accepter et se connecter',
    languageSwitch: 'Langue',
    previewNotice: 'Aperçu : voici ce que voient les clients. Rien n\'est enregistré ici.',
    draftNotice: 'Brouillon : voici ce que verront les clients une fois ces conditions publiées. Le bouton fonctionne après la publication.',
    previewOnline: 'Aperçu : un client serait maintenant en ligne.',
    onlineTitle: 'Vous êtes en ligne',
    onlineLead: 'Profitez du Wi-Fi de',
    visitWebsite: 'Visiter',
    portalTitle: 'Connexion Wi-Fi',
    portalLead: 'Pour vous connecter, ouvrez n\'importe quel site web : les conditions du Wi-Fi s\'afficheront.',
  },
  es: {
    welcome: '¡Bienvenido! Para usar el Wi-Fi gratuito, lea y acepte las condiciones.',
    termsTitle: 'Condiciones de uso',
    termsOtherLanguage: 'Las condiciones no están disponibles en su idioma; esta es la versión del local.',
    agreement: 'Al pulsar el botón acepta las condiciones anteriores.',
    accept: 'Aceptar y conectar',
    languageSwitch: 'Idioma',
    previewNotice: 'Vista previa: esto es lo que ven los clientes. Aquí no se registra nada.',
    draftNotice: 'Borrador: esto es lo que verán los clientes cuando se publiquen estas condiciones. El botón funciona después de publicarlas.',
    previewOnline: 'Vista previa: un cliente ya estaría conectado.',
    onlineTitle: 'Ya está conectado',
    onlineLead: 'Disfrute del Wi-Fi de',
    visitWebsite: 'Visitar',
    portalTitle: 'Acceso Wi-Fi',
    portalLead: 'Para conectarse, abra cualquier sitio web: aparecerán las condiciones del Wi-Fi.',
  },
  it: {
    welcome: 'Benvenuto! Per usare il Wi-Fi gratuito, leggi e accetta le condizioni.',
    termsTitle: 'Condizioni d\'uso',
    termsOtherLanguage: 'Le condizioni non sono disponibili nella tua lingua; questa è la versione del locale.',
    agreement: 'Toccando il pulsante accetti le condizioni qui sopra.',
    accept: 'Accetta e connetti',
    languageSwitch: 'Lingua',
    previewNotice: 'Anteprima: questo è ciò che vedono gli ospiti. Qui non viene registrato nulla.',
    draftNotice: 'Bozza: questo è ciò che vedranno gli ospiti quando queste condizioni saranno pubblicate. Il pulsante funziona dopo la pubblicazione.',
    previewOnline: 'Anteprima: un ospite ora sarebbe online.',
    onlineTitle: 'Sei online',
    onlineLead: 'Buona navigazione con il Wi-Fi di',
    visitWebsite: 'Visita',
    portalTitle: 'Accesso Wi-Fi',
    portalLead: 'Per connetterti apri un sito web qualsiasi: appariranno le condizioni del Wi-Fi.',
  },
  nl: {
    welcome: 'Welkom! Lees en accepteer de voorwaarden om de gratis wifi te gebruiken.',
    termsTitle: 'Gebruiksvoorwaarden',
    termsOtherLanguage: 'De voorwaarden zijn niet beschikbaar in uw taal; dit is de versie van de locatie.',
    agreement: 'Door op de knop te tikken gaat u akkoord met de voorwaarden hierboven.',
    accept: 'Accepteren en verbinden',
    languageSwitch: 'Taal',
    previewNotice: 'Voorbeeld: dit zien gasten. Hier wordt niets vastgelegd.',
    draftNotice: 'Concept: dit zien gasten zodra deze voorwaarden zijn gepubliceerd. De knop werkt na het publiceren.',
    previewOnline: 'Voorbeeld: een gast zou nu online zijn.',
    onlineTitle: 'U bent online',
    onlineLead: 'Veel plezier met de wifi van',
    visitWebsite: 'Bezoek',
    portalTitle: 'Wifi-aanmelding',
    portalLead: 'Open een willekeurige website om online te gaan: de wifi-voorwaarden verschijnen dan.',
  },
};

/**
 * The language to show: an explicit choice from the language switch (`lang` query), else the best
 * of the phone's Accept-Language that Portico speaks, else the venue's default.
 */
export function chooseLanguage(chosen: unknown, acceptLanguage: string | undefined, fallback: string): LanguageCode {
  if (typeof chosen === 'string' && isLanguageCode(chosen)) return chosen;
  return (acceptLanguage && bestSpokenLanguage(acceptLanguage)) || (isLanguageCode(fallback) ? fallback : 'en');
}

/** The phone's most preferred language that Portico speaks, or '' for none. */
const bestSpokenLanguage = memoized((acceptLanguage: string): LanguageCode | '' => {
  let best: LanguageCode | '' = '';
  let bestQuality = 0;
  for (const part of acceptLanguage.slice(0, 512).split(',')) {
    const [range, ...params] = part.trim().split(';');
    const primary = range.trim().toLowerCase().split('-')[0];
    const q = params.map((p) => /^\s*q=([01](?:\.\d{1,3})?)\s*$/.exec(p)).find(Boolean);
    const quality = q ? Number(q[1]) : 1;
    if (isLanguageCode(primary) && quality > bestQuality) {
      best = primary;
      bestQuality = quality;
    }
  }
  return best;
});
