"""Risk and urgency cues in a request: refund, credit, security, legal, outage, privacy
requests, account deletion, threats, a phone call asked for and the like.

Plain patterns, deterministic: the offline engine uses them for priority, and the provider
engines add them to what the model reports, so a risky request is never routed on a model's
word alone.
"""

from __future__ import annotations

import re

from orchestrator.domain import Signal


def _cue(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")", re.IGNORECASE)


SIGNAL_PATTERNS: dict[Signal, re.Pattern[str]] = {
    "refund": _cue(
        r"refund",
        r"money back",
        r"reimburse",
        r"charge ?back",
        r"disput\w* (?:the|a|this|that) (?:charge|payment)",
        r"charged (?:us |me )?twice",
        r"double[- ]charged",
        r"duplicate (?:charge|payment)",
        r"reverse (?:the|a|this|that) (?:charge|payment|transaction)",
        r"reverse one of them",
    ),
    # Account credit and SLA service credits; a credit *card* is not a credit.
    "credit": _cue(
        r"service credits?\b",
        r"account credit",
        r"sla credit",
        r"credit note",
        r"prorated credit",
        r"credit (?:for|on|to) (?:the|my|our|this)\b",
        r"credited (?:back|to)",
        r"credits?\b(?! ?card)(?= (?:back|owed|promised|applied))",
        r"compensat",
    ),
    "cancellation": _cue(
        r"cancel",
        r"close (?:my|our) (?:account|subscription)",
        r"terminate (?:the|our) contract",
        r"stop (?:the|my|our) subscription",
    ),
    "security": _cue(
        r"hack",
        r"compromis",
        r"breach(?! of contract)",
        r"unauthori[sz]ed",
        r"without (?:my|our|their) (?:permission|consent|knowledge)",
        r"suspicious (?:log|sign|activity)",
        r"someone (?:else )?(?:logged|signed|accessed|got) in",
        r"phishing",
        r"vulnerab",
        r"leak",
        r"stolen",
        r"malware",
        r"exploit",
        r"account takeover",
        r"xss\b",
        r"don'?t recogni[sz]e",
        r"logins? from (?:an? )?(?:unknown|strange|other)",
    ),
    "legal": _cue(
        r"lawyer",
        r"attorney",
        r"legal (?:action|team|department|counsel|dept)",
        r"lawsuit",
        r"\bsue\b",
        r"suing",
        r"court",
        r"subpoena",
        r"small claims",
        r"regulator",
        r"data protection authority",
        r"\bico\b",
        r"breach of contract",
        r"solicitor",
    ),
    "outage": _cue(
        r"outage",
        r"(?:is|are|went|goes|been|site|app|everything|tasklane|api) (?:\w+ )?down\b",
        r"down for (?:everyone|all|the whole)",
        r"5\d\d (?:errors?|responses?)",
        r"\b50[234]\b",
        r"service unavailable",
        r"bad gateway",
        r"not loading for (?:any|every)",
        r"can'?t (?:access|reach|load) (?:tasklane|the app|anything)",
        r"status page",
        r"unreachable",
        r"completely broken",
        r"nobody (?:on|in) (?:my|our) team can",
    ),
    "data_loss": _cue(
        r"data loss",
        r"lost (?:all )?(?:my |our )?(?:data|work|tasks|projects|changes)",
        r"(?:tasks|projects|data|work|everything) (?:has |have )?(?:disappeared|vanished|gone|"
        r"been deleted|got deleted|is gone|are gone)",
        r"deleted (?:by mistake|accidentally)",
        r"accidentally deleted",
        r"wiped",
    ),
    "urgent_cue": _cue(
        r"asap",
        r"urgent",
        r"immediately",
        r"right now",
        r"emergency",
        r"critical",
        r"production (?:is )?down",
        r"all (?:of )?(?:our |my )?users",
        r"whole (?:team|company)",
        r"entire (?:team|company|org)",
        r"(?:today|tonight|by eod|end of day)\b.{0,30}deadline",
        r"deadline",
        r"as soon as possible",
        r"blocking",
        r"can'?t work",
    ),
    # Data-protection rights: erasure, access, portability, a processing agreement.
    "privacy": _cue(
        r"gdpr",
        r"ccpa",
        r"right to (?:be forgotten|erasure|access)",
        r"erase (?:all )?(?:my|our) (?:personal )?data",
        r"erasure (?:request|of)",
        r"(?:delete|remove|purge) (?:all )?(?:of )?(?:my|our) (?:personal )?(?:data|information)",
        r"personal data",
        r"data subject",
        r"subject access request",
        r"dsar",
        r"dpa",
        r"data processing (?:agreement|addendum)",
    ),
    "account_deletion": _cue(
        r"(?:delete|remove|close|terminate) (?:my|our|the) (?:whole |entire )?account",
        r"account (?:deletion|closure)",
        r"(?:deactivate|wipe) (?:my|our) account",
    ),
    # Pressure beyond the request itself: chargebacks, public complaints, going elsewhere loudly.
    "threat": _cue(
        r"charge ?back",
        r"dispute (?:it|this|the charge) with (?:my|our) (?:bank|card)",
        r"report (?:you|this|tasklane) to",
        r"(?:bad|terrible|negative|1[- ]star|one[- ]star) reviews?",
        r"warn (?:everyone|others|other people|people)",
        r"tell (?:everyone|all my|every)",
        r"go(?:ing)? public",
        r"trustpilot",
        r"(?:post|write|tweet) (?:about )?(?:this|it) (?:on|everywhere)",
        r"social media",
        r"file a (?:formal )?complaint",
    ),
    # A phone call asked for: no written reply can make it, a person has to.
    "callback": _cue(
        r"call (?:me|us) (?:back|at|on)\b",
        r"(?:give|gimme) (?:me|us) a (?:call|ring)",
        r"(?:phone|ring) (?:me|us)\b",
        r"(?:some(?:one|body)|any(?:one|body)|you) (?:please )?(?:call|phone|ring) (?:me|us)\b",
        r"(?:request|schedule|arrange|book) a (?:phone call|call with)",
        r"speak to (?:some(?:one|body)|a person|a human) (?:on|by|over) the phone",
    ),
}

SIGNAL_ORDER: tuple[Signal, ...] = tuple(SIGNAL_PATTERNS)


def find_signals(text: str) -> list[Signal]:
    """The cues present in ``text``, in a fixed order."""
    return [name for name, pattern in SIGNAL_PATTERNS.items() if pattern.search(text)]


def merge_signals(*groups: list[Signal]) -> list[Signal]:
    present = {signal for group in groups for signal in group}
    return [signal for signal in SIGNAL_ORDER if signal in present]
