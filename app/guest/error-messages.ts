import type { LanguageCode } from '../languages';
import { chooseLanguage } from './messages';

/** An error page's words: the guest reads these, the log keeps the English detail. */
export interface ErrorWords {
  title: string;
  message: string;
}

type Translations = Record<Exclude<LanguageCode, 'en'>, string>;

/*
 * The guest's error pages in each language Portico speaks, keyed by their English words (as gettext keys
 * its catalogue by the source text), so that each refusal is written once, where it is decided. A message
 * made of a request's own words ("the request is missing …") is not here: the guest gets the general one.
 */
const catalogue: Record<string, Translations> = {
  'Something is not right': { de: 'Etwas stimmt nicht', fr: 'Quelque chose ne va pas', es: 'Algo no va bien', it: 'Qualcosa non va', nl: 'Er klopt iets niet' },
  'Something went wrong': { de: 'Etwas ist schiefgelaufen', fr: 'Une erreur est survenue', es: 'Algo ha fallado', it: 'Qualcosa è andato storto', nl: 'Er ging iets mis' },
  'Not found': { de: 'Nicht gefunden', fr: 'Introuvable', es: 'No encontrado', it: 'Non trovato', nl: 'Niet gevonden' },
  'Page expired': { de: 'Seite abgelaufen', fr: 'Page expirée', es: 'Página caducada', it: 'Pagina scaduta', nl: 'Pagina verlopen' },
  'Page out of date': { de: 'Seite veraltet', fr: 'Page périmée', es: 'Página desactualizada', it: 'Pagina non aggiornata', nl: 'Pagina verouderd' },
  'Unknown network': { de: 'Unbekanntes Netzwerk', fr: 'Réseau inconnu', es: 'Red desconocida', it: 'Rete sconosciuta', nl: 'Onbekend netwerk' },
  'Wi-Fi not ready': { de: 'WLAN noch nicht bereit', fr: 'Wi-Fi pas encore prêt', es: 'Wi-Fi aún no está listo', it: 'Wi-Fi non ancora pronto', nl: 'Wifi nog niet klaar' },
  'Reconnect to the Wi-Fi': { de: 'Neu mit dem WLAN verbinden', fr: 'Reconnectez-vous au Wi-Fi', es: 'Vuelva a conectarse al Wi-Fi', it: 'Riconnettiti al Wi-Fi', nl: 'Maak opnieuw verbinding met de wifi' },
  'Please wait': { de: 'Bitte warten', fr: 'Veuillez patienter', es: 'Espere, por favor', it: 'Attendi', nl: 'Even geduld' },
  'Not connected': { de: 'Nicht verbunden', fr: 'Non connecté', es: 'Sin conexión', it: 'Non connesso', nl: 'Niet verbonden' },
  'Almost there': { de: 'Fast geschafft', fr: 'Presque prêt', es: 'Casi listo', it: 'Quasi fatto', nl: 'Bijna klaar' },
  'Logged out': { de: 'Abgemeldet', fr: 'Déconnecté', es: 'Sesión cerrada', it: 'Disconnesso', nl: 'Afgemeld' },

  'This page has expired. Open any website to see the Wi-Fi terms again.': {
    de: 'Diese Seite ist abgelaufen. Öffnen Sie eine beliebige Website, um die WLAN-Bedingungen erneut zu sehen.',
    fr: 'Cette page a expiré. Ouvrez n’importe quel site web pour revoir les conditions du Wi-Fi.',
    es: 'Esta página ha caducado. Abra cualquier sitio web para ver de nuevo las condiciones del Wi-Fi.',
    it: 'Questa pagina è scaduta. Apri un sito web qualsiasi per rivedere le condizioni del Wi-Fi.',
    nl: 'Deze pagina is verlopen. Open een willekeurige website om de wifivoorwaarden opnieuw te zien.',
  },
  'This page is out of date. Please open any website to see the terms again.': {
    de: 'Diese Seite ist veraltet. Bitte öffnen Sie eine beliebige Website, um die Bedingungen erneut zu sehen.',
    fr: 'Cette page est périmée. Ouvrez n’importe quel site web pour revoir les conditions.',
    es: 'Esta página está desactualizada. Abra cualquier sitio web para ver de nuevo las condiciones.',
    it: 'Questa pagina non è aggiornata. Apri un sito web qualsiasi per rivedere le condizioni.',
    nl: 'Deze pagina is verouderd. Open een willekeurige website om de voorwaarden opnieuw te zien.',
  },
  'This Wi-Fi network is not set up on this portal. Please tell the staff.': {
    de: 'Dieses WLAN ist in diesem Portal nicht eingerichtet. Bitte sagen Sie es dem Personal.',
    fr: 'Ce réseau Wi-Fi n’est pas configuré sur ce portail. Merci de prévenir le personnel.',
    es: 'Esta red Wi-Fi no está configurada en este portal. Avise al personal, por favor.',
    it: 'Questa rete Wi-Fi non è configurata su questo portale. Avvisa il personale.',
    nl: 'Dit wifinetwerk is niet ingesteld op dit portaal. Meld het aan het personeel.',
  },
  'This Wi-Fi network is not set up on this portal.': {
    de: 'Dieses WLAN ist in diesem Portal nicht eingerichtet.',
    fr: 'Ce réseau Wi-Fi n’est pas configuré sur ce portail.',
    es: 'Esta red Wi-Fi no está configurada en este portal.',
    it: 'Questa rete Wi-Fi non è configurata su questo portale.',
    nl: 'Dit wifinetwerk is niet ingesteld op dit portaal.',
  },
  'The Wi-Fi login page is not set up right on the router. Please tell the staff.': {
    de: 'Die WLAN-Anmeldeseite ist auf dem Router nicht richtig eingerichtet. Bitte sagen Sie es dem Personal.',
    fr: 'La page de connexion Wi-Fi n’est pas bien configurée sur le routeur. Merci de prévenir le personnel.',
    es: 'La página de acceso al Wi-Fi no está bien configurada en el router. Avise al personal, por favor.',
    it: 'La pagina di accesso al Wi-Fi non è configurata bene sul router. Avvisa il personale.',
    nl: 'De wifi-inlogpagina is niet goed ingesteld op de router. Meld het aan het personeel.',
  },
  'The Wi-Fi login address did not come from this venue\'s router. Please reconnect to the Wi-Fi and try again.': {
    de: 'Die WLAN-Anmeldeadresse kam nicht vom Router dieses Ortes. Bitte verbinden Sie sich neu mit dem WLAN und versuchen Sie es noch einmal.',
    fr: 'L’adresse de connexion Wi-Fi ne vient pas du routeur de cet établissement. Reconnectez-vous au Wi-Fi et réessayez.',
    es: 'La dirección de acceso al Wi-Fi no procede del router de este local. Vuelva a conectarse al Wi-Fi e inténtelo de nuevo.',
    it: 'L’indirizzo di accesso al Wi-Fi non proviene dal router di questo locale. Riconnettiti al Wi-Fi e riprova.',
    nl: 'Het wifi-inlogadres kwam niet van de router van deze locatie. Maak opnieuw verbinding met de wifi en probeer het nog eens.',
  },
  'This page was made for another device. Please reconnect to the Wi-Fi and open any website.': {
    de: 'Diese Seite wurde für ein anderes Gerät erstellt. Bitte verbinden Sie sich neu mit dem WLAN und öffnen Sie eine beliebige Website.',
    fr: 'Cette page a été faite pour un autre appareil. Reconnectez-vous au Wi-Fi et ouvrez n’importe quel site web.',
    es: 'Esta página se hizo para otro dispositivo. Vuelva a conectarse al Wi-Fi y abra cualquier sitio web.',
    it: 'Questa pagina è stata creata per un altro dispositivo. Riconnettiti al Wi-Fi e apri un sito web qualsiasi.',
    nl: 'Deze pagina is voor een ander apparaat gemaakt. Maak opnieuw verbinding met de wifi en open een willekeurige website.',
  },
  'This venue has not published its Wi-Fi terms yet. Please ask the staff.': {
    de: 'Dieser Ort hat seine WLAN-Bedingungen noch nicht veröffentlicht. Bitte fragen Sie das Personal.',
    fr: 'Cet établissement n’a pas encore publié ses conditions Wi-Fi. Merci de demander au personnel.',
    es: 'Este local aún no ha publicado sus condiciones de Wi-Fi. Pregunte al personal, por favor.',
    it: 'Questo locale non ha ancora pubblicato le condizioni del Wi-Fi. Chiedi al personale.',
    nl: 'Deze locatie heeft haar wifivoorwaarden nog niet gepubliceerd. Vraag het aan het personeel.',
  },
  'No venue is set up yet.': {
    de: 'Es ist noch kein Ort eingerichtet.', fr: 'Aucun établissement n’est encore configuré.', es: 'Aún no hay ningún local configurado.',
    it: 'Nessun locale è ancora configurato.', nl: 'Er is nog geen locatie ingesteld.',
  },
  'There is no venue at this address.': {
    de: 'Unter dieser Adresse gibt es keinen Ort.', fr: 'Il n’y a pas d’établissement à cette adresse.', es: 'No hay ningún local en esta dirección.',
    it: 'Non c’è nessun locale a questo indirizzo.', nl: 'Op dit adres is geen locatie.',
  },
  'There is no page at this address.': {
    de: 'Unter dieser Adresse gibt es keine Seite.', fr: 'Il n’y a pas de page à cette adresse.', es: 'No hay ninguna página en esta dirección.',
    it: 'Non c’è nessuna pagina a questo indirizzo.', nl: 'Op dit adres is geen pagina.',
  },
  'The request is too large.': {
    de: 'Die Anfrage ist zu groß.', fr: 'La demande est trop volumineuse.', es: 'La solicitud es demasiado grande.',
    it: 'La richiesta è troppo grande.', nl: 'Het verzoek is te groot.',
  },
  'The request could not be read.': {
    de: 'Die Anfrage konnte nicht gelesen werden. Öffnen Sie eine beliebige Website, um es erneut zu versuchen.',
    fr: 'La demande n’a pas pu être lue. Ouvrez n’importe quel site web pour réessayer.',
    es: 'No se ha podido leer la solicitud. Abra cualquier sitio web para volver a intentarlo.',
    it: 'Non è stato possibile leggere la richiesta. Apri un sito web qualsiasi per riprovare.',
    nl: 'Het verzoek kon niet worden gelezen. Open een willekeurige website om het opnieuw te proberen.',
  },
  'Portico could not handle this request. Please try again in a moment.': {
    de: 'Diese Anfrage konnte nicht bearbeitet werden. Bitte versuchen Sie es gleich noch einmal.',
    fr: 'Cette demande n’a pas pu être traitée. Réessayez dans un instant.',
    es: 'No se ha podido atender esta solicitud. Inténtelo de nuevo en un momento.',
    it: 'Non è stato possibile gestire questa richiesta. Riprova tra un momento.',
    nl: 'Dit verzoek kon niet worden verwerkt. Probeer het zo nog eens.',
  },
  'Too many requests at once. Please wait a moment and try again.': {
    de: 'Zu viele Anfragen auf einmal. Bitte warten Sie einen Moment und versuchen Sie es dann noch einmal.',
    fr: 'Trop de demandes à la fois. Patientez un instant, puis réessayez.',
    es: 'Demasiadas solicitudes a la vez. Espere un momento y vuelva a intentarlo.',
    it: 'Troppe richieste in una volta. Attendi un momento e riprova.',
    nl: 'Te veel verzoeken tegelijk. Wacht even en probeer het dan opnieuw.',
  },
  'This Wi-Fi login has expired or was already used. Open any website to see the terms again.': {
    de: 'Diese WLAN-Anmeldung ist abgelaufen oder wurde schon benutzt. Öffnen Sie eine beliebige Website, um die Bedingungen erneut zu sehen.',
    fr: 'Cette connexion Wi-Fi a expiré ou a déjà servi. Ouvrez n’importe quel site web pour revoir les conditions.',
    es: 'Este acceso al Wi-Fi ha caducado o ya se ha usado. Abra cualquier sitio web para ver de nuevo las condiciones.',
    it: 'Questo accesso al Wi-Fi è scaduto o è già stato usato. Apri un sito web qualsiasi per rivedere le condizioni.',
    nl: 'Deze wifi-login is verlopen of al gebruikt. Open een willekeurige website om de voorwaarden opnieuw te zien.',
  },
  'The Wi-Fi router could not log you in. Open any website to see the terms again.': {
    de: 'Der WLAN-Router konnte Sie nicht anmelden. Öffnen Sie eine beliebige Website, um die Bedingungen erneut zu sehen.',
    fr: 'Le routeur Wi-Fi n’a pas pu vous connecter. Ouvrez n’importe quel site web pour revoir les conditions.',
    es: 'El router Wi-Fi no ha podido iniciar su sesión. Abra cualquier sitio web para ver de nuevo las condiciones.',
    it: 'Il router Wi-Fi non è riuscito a collegarti. Apri un sito web qualsiasi per rivedere le condizioni.',
    nl: 'De wifirouter kon je niet aanmelden. Open een willekeurige website om de voorwaarden opnieuw te zien.',
  },
  'You are logged out of the Wi-Fi. Open any website to log in again.': {
    de: 'Sie sind vom WLAN abgemeldet. Öffnen Sie eine beliebige Website, um sich erneut anzumelden.',
    fr: 'Vous êtes déconnecté du Wi-Fi. Ouvrez n’importe quel site web pour vous reconnecter.',
    es: 'Ha cerrado la sesión del Wi-Fi. Abra cualquier sitio web para volver a conectarse.',
    it: 'Sei disconnesso dal Wi-Fi. Apri un sito web qualsiasi per accedere di nuovo.',
    nl: 'Je bent afgemeld van de wifi. Open een willekeurige website om opnieuw aan te melden.',
  },
  'Your Wi-Fi access is being activated. Open any website in a moment.': {
    de: 'Ihr WLAN-Zugang wird gerade freigeschaltet. Öffnen Sie gleich eine beliebige Website.',
    fr: 'Votre accès Wi-Fi est en cours d’activation. Ouvrez n’importe quel site web dans un instant.',
    es: 'Su acceso al Wi-Fi se está activando. Abra cualquier sitio web dentro de un momento.',
    it: 'Il tuo accesso al Wi-Fi è in fase di attivazione. Apri un sito web qualsiasi tra un momento.',
    nl: 'Je wifitoegang wordt geactiveerd. Open zo een willekeurige website.',
  },
  'Your Wi-Fi access could not be confirmed. Open any website to see the terms again.': {
    de: 'Ihr WLAN-Zugang konnte nicht bestätigt werden. Öffnen Sie eine beliebige Website, um die Bedingungen erneut zu sehen.',
    fr: 'Votre accès Wi-Fi n’a pas pu être confirmé. Ouvrez n’importe quel site web pour revoir les conditions.',
    es: 'No se ha podido confirmar su acceso al Wi-Fi. Abra cualquier sitio web para ver de nuevo las condiciones.',
    it: 'Non è stato possibile confermare il tuo accesso al Wi-Fi. Apri un sito web qualsiasi per rivedere le condizioni.',
    nl: 'Je wifitoegang kon niet worden bevestigd. Open een willekeurige website om de voorwaarden opnieuw te zien.',
  },
  'The Wi-Fi router sent a message this portal does not know. Open any website to try again.': {
    de: 'Der WLAN-Router hat eine Nachricht geschickt, die dieses Portal nicht kennt. Öffnen Sie eine beliebige Website, um es erneut zu versuchen.',
    fr: 'Le routeur Wi-Fi a envoyé un message que ce portail ne connaît pas. Ouvrez n’importe quel site web pour réessayer.',
    es: 'El router Wi-Fi ha enviado un mensaje que este portal no conoce. Abra cualquier sitio web para volver a intentarlo.',
    it: 'Il router Wi-Fi ha inviato un messaggio che questo portale non conosce. Apri un sito web qualsiasi per riprovare.',
    nl: 'De wifirouter stuurde een bericht dat dit portaal niet kent. Open een willekeurige website om het opnieuw te proberen.',
  },
};

const generalMessage = 'The request could not be read.';

/**
 * An error page's words in the guest's language: the `lang` choice, else the phone's Accept-Language,
 * else English. English keeps the exact words, which may name what in the request was wrong.
 */
export function guestErrorWords(words: ErrorWords, chosen: unknown, acceptLanguage: string | undefined): ErrorWords & { lang: LanguageCode } {
  const lang = chooseLanguage(chosen, acceptLanguage, 'en');
  if (lang === 'en') return { ...words, lang };
  const translated = (english: string, otherwise: string) => (Object.hasOwn(catalogue, english) ? catalogue[english] : catalogue[otherwise])[lang];
  return { title: translated(words.title, 'Something is not right'), message: translated(words.message, generalMessage), lang };
}
