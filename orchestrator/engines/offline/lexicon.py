"""The sentiment lexicon: word and phrase valences (-4..4, VADER's scale), negations,
intensifiers, and the capitalised words that are names rather than shouting."""

# fmt: off
# Emotion words carry the score; problem words ('broken', 'lost') only a little.
LEXICON: dict[str, float] = {
    "angry": -2.5, "furious": -3.2, "livid": -3.2, "outraged": -3.0, "frustrated": -2.2,
    "frustrating": -2.2, "frustration": -2.0, "annoyed": -1.8, "annoying": -1.8, "irritated": -1.8,
    "upset": -2.0, "disappointed": -2.2, "disappointing": -2.2, "unhappy": -2.0, "sad": -1.2,
    "terrible": -2.8, "awful": -2.8, "horrible": -2.8, "horrendous": -3.0, "dreadful": -2.6,
    "worst": -3.0, "bad": -1.5, "poor": -1.5, "useless": -2.5, "pathetic": -3.0,
    "ridiculous": -2.4, "absurd": -2.2, "unacceptable": -2.8, "outrageous": -2.8,
    "incompetent": -3.0, "joke": -1.6, "nightmare": -2.6, "disaster": -2.6, "mess": -1.5,
    "hate": -2.8, "sick": -1.6, "tired": -1.2, "waste": -2.0, "wasted": -2.0, "scam": -3.0,
    "rip-off": -3.0, "ripoff": -3.0, "robbed": -2.8, "cheated": -2.8, "ignored": -2.0,
    "ignoring": -2.0, "unresponsive": -2.0, "shocking": -2.4, "disgrace": -3.0,
    "disgraceful": -3.0, "appalling": -3.0, "fuming": -3.0, "mad": -2.0, "worried": -1.3,
    "concerned": -1.0, "panic": -2.0, "panicking": -2.0, "stressed": -1.6, "desperate": -2.0,
    "unbelievable": -1.8, "seriously": -0.8, "again": -0.4, "broken": -0.6, "unusable": -2.0,
    "lost": -0.6, "never": -0.6, "wtf": -2.8, "damn": -2.0, "regret": -2.0, "misleading": -2.2,
    "overcharged": -2.0, "screwed": -2.5, "fail": -0.8, "failed": -0.5, "sucks": -2.5,
    "crap": -2.6, "garbage": -2.8, "trash": -1.0, "thanks": 0.4, "thank": 0.4, "thx": 0.3,
    "appreciate": 1.2, "appreciated": 1.2, "great": 2.0, "good": 1.2, "love": 2.6, "loving": 2.4,
    "awesome": 2.8, "amazing": 2.8, "excellent": 2.8, "fantastic": 2.8, "wonderful": 2.8,
    "perfect": 2.4, "happy": 2.0, "glad": 1.8, "pleased": 1.8, "delighted": 2.8, "helpful": 1.8,
    "brilliant": 2.6, "nice": 1.4, "enjoy": 1.8, "enjoying": 1.8, "impressed": 2.2, "smooth": 1.2,
    "easy": 1.0, "satisfied": 1.8, "kudos": 2.0, "cheers": 0.6, "fine": 0.4, "works": 0.3,
    "best": 1.8, "chargeback": -2.6, "chargebacks": -2.6,
}
PHRASES: dict[str, float] = {
    "fed up": -2.6, "sick of": -2.6, "waste of time": -2.6, "last straw": -3.0,
    "not acceptable": -2.8, "no one": -0.5, "nobody": -0.5, "still not": -1.4,
    "still waiting": -1.8, "still no": -1.4, "no response": -1.2, "no reply": -1.2,
    "no answer": -1.2, "third time": -1.8, "once again": -1.2, "for the love of": -2.0,
    "going elsewhere": -2.4, "switch to a competitor": -2.4, "keep up the good work": 2.4,
    # Threats (a chargeback, a lawyer, a public complaint) are said calmly as often as not,
    # and mean the customer is unhappy whatever other words they use.
    "disputing the charge": -2.6, "dispute the charge": -2.6, "to my lawyer": -2.6,
    "to our lawyer": -2.6, "to our lawyers": -2.6, "legal action": -2.6, "warn others": -2.6,
    "warn everyone": -2.6,
    "love tasklane": 2.6, "big fan": 2.2,
}
NEGATIONS: set[str] = {
    "aren't", "can't", "cannot", "cant", "didn't", "didnt", "doesn't", "doesnt", "don't", "dont",
    "hardly", "hasn't", "haven't", "isn't", "isnt", "neither", "never", "no", "nor", "not",
    "wasn't", "without", "won't", "wont",
}
INTENSIFIERS: dict[str, float] = {
    "very": 1.4, "really": 1.4, "extremely": 1.7, "so": 1.3, "totally": 1.5, "absolutely": 1.6,
    "completely": 1.5, "utterly": 1.7, "incredibly": 1.6, "super": 1.4, "truly": 1.4,
    "beyond": 1.5, "highly": 1.4, "most": 1.3, "such": 1.3, "quite": 1.1, "pretty": 1.1,
    "slightly": 0.6, "somewhat": 0.7, "bit": 0.7, "little": 0.7,
}
# Capitalised product and protocol words are not shouting.
ACRONYMS: set[str] = {
    "2FA", "API", "ASAP", "CEO", "CET", "CRM", "CSV", "CTO", "DPA", "EOD", "EST", "EU", "EUR",
    "FYI", "GBP", "GDPR", "GMT", "HR", "HTTP", "HTTPS", "ID", "INV", "IOS", "IP", "ISO", "IT",
    "JSON", "MFA", "OK", "PDF", "PO", "PST", "QA", "S3", "SAML", "SCIM", "SFTP", "SLA", "SOC",
    "SSO", "UI", "UK", "URL", "US", "USA", "USD", "UTC", "UX", "VAT", "VPN", "XML", "ZIP",
}
# fmt: on
