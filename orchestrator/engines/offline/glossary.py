"""Support vocabulary of other languages in English, so the offline engine's English classifier
and signals can read a Spanish, German, French, Portuguese, Italian or Dutch request.

Not a translation: each word that starts with a known stem gives its English gloss, which
is enough to tell an invoice question from a sign-in problem. The reply is still left
to a human (the offline engine writes English only); this only gets the category right.
"""

from __future__ import annotations

import re
import unicodedata

# Word stem (accents folded, lower case) -> English. Stems are chosen long enough not to
# collide across the six languages.
_STEMS: dict[str, str] = {
    # billing
    "factur": "invoice", "fatur": "invoice", "fattur": "invoice", "rechnung": "invoice",
    "factuur": "invoice", "ricevut": "receipt", "recibo": "receipt", "quittung": "receipt",
    "pago": "payment", "pagament": "payment", "paiement": "payment", "zahlung": "payment",
    "betaling": "payment", "cobr": "charged", "cobranc": "charged", "prelev": "charged",
    "abbuchung": "charged", "addebit": "charged", "reembols": "refund", "rembours": "refund",
    "erstatt": "refund", "ruckerstatt": "refund", "rimbors": "refund", "terugbetal": "refund", "tarjeta": "credit card",
    "cartao": "credit card", "carte bancaire": "credit card", "kreditkarte": "credit card",
    "carta di credito": "credit card", "impuesto": "tax", "steuer": "tax", "umsatzsteuer": "VAT",
    "tva": "VAT", "iva": "VAT", "btw": "VAT", "moneda": "currency", "wahrung": "currency",
    "devise": "currency", "valuta": "currency", "moeda": "currency",
    # plans
    "suscrip": "subscription", "abonnement": "subscription", "abonament": "subscription",
    "assinatura": "subscription", "abbonament": "subscription", "cancel": "cancel",
    "kundig": "cancel", "annul": "cancel", "resili": "cancel", "opzegg": "cancel",
    "disdett": "cancel", "formule": "plan", "tarif": "plan", "piano": "plan", "plano": "plan",
    "prueba gratuita": "free trial", "testphase": "free trial", "essai": "free trial",
    "descuento": "discount", "rabatt": "discount", "remise": "discount", "sconto": "discount",
    "korting": "discount", "desconto": "discount", "preis": "price", "precio": "price",
    "prix": "price", "prezzo": "price", "preco": "price", "prijs": "price",
    "mejorar": "upgrade", "actualizar el plan": "upgrade", "upgrade": "upgrade",
    "passer de": "upgrade plan", "jahrlich": "annual billing", "annuel": "annual billing",
    "anual": "annual billing", "annual": "annual billing", "jaarlijks": "annual billing",
    # account
    "contrasen": "password", "passwort": "password", "mot de passe": "password",
    "senha": "password", "wachtwoord": "password", "cuenta": "account", "konto": "account",
    "compte": "account", "conta": "account", "account": "account", "iniciar sesion": "sign in",
    "anmeld": "sign in", "connexion": "sign in", "accesso": "sign in", "inloggen": "sign in",
    "acceder": "sign in", "acesso": "sign in", "accedi": "sign in", "bloque": "locked out",
    "gesperrt": "locked out", "bloccat": "locked out", "geblokkeerd": "locked out",
    "dos pasos": "two-factor authentication", "zwei-faktor": "two-factor authentication",
    "deux facteurs": "two-factor authentication", "dois fatores": "two-factor authentication",
    "due fattori": "two-factor authentication", "tweestaps": "two-factor authentication",
    "verificacion": "two-factor authentication code", "telefono": "phone", "handy": "phone",
    "telephone": "phone", "celular": "phone", "correo": "email", "e-mail": "email",
    "propietario": "workspace owner", "eigentumer": "workspace owner",
    "proprietaire": "workspace owner",
    # data export
    "export": "export", "exporta": "export", "exporteer": "export", "esport": "export",
    "excel": "export CSV Excel", "csv": "export CSV", "sicherung": "backup",
    "copia de seguridad": "backup", "sauvegarde": "backup", "backup": "backup",
    "arbeitsbereich": "workspace", "espacio de trabajo": "workspace",
    "espace de travail": "workspace", "area di lavoro": "workspace", "werkruimte": "workspace",
    "datos personales": "personal data", "personenbezogen": "personal data",
    "donnees personnelles": "personal data", "dados pessoais": "personal data",
    "dati personali": "personal data", "persoonsgegevens": "personal data",
    "dsgvo": "GDPR", "rgpd": "GDPR", "avg": "GDPR", "loschen": "delete account",
    "eliminar": "delete account", "supprimer": "delete account", "excluir": "delete account",
    "cancellare": "delete account", "verwijder": "delete account",
    # bugs
    "aplicacion de escritorio": "desktop app", "desktop-app": "desktop app",
    "application de bureau": "desktop app", "aplicativo": "app", "en blanco": "blank screen",
    "leer": "blank", "blanc": "blank screen", "bianc": "blank screen", "fehler": "error",
    "erreur": "error", "errore": "error", "erro": "error", "fout": "error",
    "notificacion": "notifications", "benachrichtigung": "notifications",
    "notification": "notifications", "notifica": "notifications", "notificaco": "notifications",
    "melding": "notifications", "sincroniz": "sync", "synchronis": "sync",
    "synchronisier": "sync", "tareas": "tasks", "tarefa": "tasks", "aufgabe": "tasks",
    "tache": "tasks", "attivita": "tasks", "taken": "tasks", "desaparec": "disappeared missing",
    "verschwunden": "disappeared missing", "disparu": "disappeared missing",
    "scompars": "disappeared missing", "verdwenen": "disappeared missing",
    "sumiram": "disappeared missing", "adjunt": "attachment upload", "anhang": "attachment upload",
    "piece jointe": "attachment upload", "anexo": "attachment upload",
    "allegat": "attachment upload", "bijlage": "attachment upload", "fecha": "due date",
    "falligkeit": "due date", "echeance": "due date", "scadenz": "due date",
    # integrations
    "integracion": "integration", "integration": "integration", "integracao": "integration",
    "integrazione": "integration", "integratie": "integration", "calendario": "calendar",
    "kalender": "calendar", "calendrier": "calendar", "agenda": "calendar",
    "canal": "Slack channel", "kanal": "Slack channel", "webhook": "webhook",
    "point de terminaison": "webhook endpoint", "endpunkt": "webhook endpoint",
    "evenements": "events", "ereignis": "events",
    # outages
    "lento": "slow performance", "langsam": "slow performance", "lent": "slow performance",
    "traag": "slow performance", "caido": "outage down", "ausfall": "outage down",
    "panne": "outage down", "fuori servizio": "outage down", "storing": "outage down",
    "mantenimiento": "scheduled maintenance", "wartung": "scheduled maintenance",
    "maintenance": "scheduled maintenance", "manutenzione": "scheduled maintenance",
    "manutencao": "scheduled maintenance", "onderhoud": "scheduled maintenance",
    "tardan": "slow performance", "cargar": "load",
    # security
    "inicio de sesion unico": "single sign-on SSO", "single sign-on": "single sign-on SSO",
    "authentification unique": "single sign-on SSO", "seguridad": "security",
    "sicherheit": "security", "securite": "security", "sicurezza": "security",
    "seguranca": "security", "beveiliging": "security", "registro de auditoria": "audit log",
    "protokoll": "audit log", "cifrado": "encryption", "verschlussel": "encryption",
    "chiffr": "encryption",
    # feature requests
    "funcion": "feature request", "funktion": "feature request", "fonctionnalite": "feature",
    "funzionalita": "feature", "funcionalidade": "feature", "hoja de ruta": "roadmap",
    "feuille de route": "roadmap", "sugerencia": "feature idea", "vorschlag": "feature idea",
    "suggestion": "feature idea", "suggerimento": "feature idea",
}
_WORD = re.compile(r"[a-z][a-z-]*")
_PHRASES = sorted((s for s in _STEMS if " " in s), key=len, reverse=True)
_WORD_STEMS = sorted((s for s in _STEMS if " " not in s), key=len, reverse=True)


def fold(text: str) -> str:
    """Lower case without accents: 'Rückerstattung' and 'ruckerstattung' match alike."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def glossed(text: str) -> str:
    """The English gloss of every support word in ``text``, in order; ``text`` itself when it
    has none. (The foreign words themselves only blur an English embedding.)"""
    folded = fold(text)
    glosses = [_STEMS[p] for p in _PHRASES if p in folded]
    for word in _WORD.findall(folded):
        stem = next((s for s in _WORD_STEMS if word.startswith(s)), None)
        if stem:
            glosses.append(_STEMS[stem])
    return " ".join(dict.fromkeys(glosses)) if glosses else text
