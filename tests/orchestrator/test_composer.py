import re

from orchestrator.citations import split_sources
from orchestrator.domain import DraftRequest, Passage
from orchestrator.draft_checks import MAX_REPLY_CHARS, MIN_REPLY_CHARS, TOO_LONG
from tests.orchestrator.conftest import CARD_PASSAGE, REFUND_PASSAGE, make_triage

MESSAGE = "How do I request a refund for last month's invoice?"


def draft_for(engine, customer, message=MESSAGE, passages=(REFUND_PASSAGE, CARD_PASSAGE), **kw):
    request = DraftRequest(
        message=message, customer=customer, triage=make_triage(**kw), passages=list(passages)
    )
    return engine.composer.compose(request)


def test_reply_greets_by_first_name_and_numbers_cited_steps(offline_engine, customer):
    draft = draft_for(offline_engine, customer)
    assert draft.reply.startswith("Hi Priya,")
    steps = re.findall(r"^(\d+)\. (.+) \[(\d+)\]$", draft.reply, re.MULTILINE)
    assert 2 <= len(steps) <= 4
    assert [int(n) for n, _, _ in steps] == list(range(1, len(steps) + 1))
    assert [text for _, text, _ in steps] == [claim.text for claim in draft.claims]


def test_every_marker_has_a_source_line_and_every_source_is_cited(offline_engine, customer):
    draft = draft_for(offline_engine, customer)
    body, sources = split_sources(draft.reply)
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", body)}
    assert markers == set(range(1, len(draft.citations) + 1))
    lines = sources.splitlines()
    assert lines[0] == "Sources:"
    for number, citation in enumerate(draft.citations, start=1):
        assert lines[number] == f"[{number}] {citation.title} — {citation.uri}"
    assert draft.citations[0].article_id == "billing-refund-policy"


def test_each_claim_is_a_sentence_of_the_passage_it_cites(offline_engine, customer):
    draft = draft_for(offline_engine, customer)
    texts = {p.uri: p.text.replace("**", "") for p in (REFUND_PASSAGE, CARD_PASSAGE)}
    for claim in draft.claims:
        assert claim.text.rstrip(".") in texts[claim.uri]


def test_the_same_request_gives_the_same_reply(offline_engine, customer):
    assert draft_for(offline_engine, customer) == draft_for(offline_engine, customer)


def test_a_passage_edited_since_it_was_last_read_is_read_again(offline_engine, customer):
    """What the composer read of a passage is kept for the next request: an edited article
    (same title and heading, new text) must give its new steps, not the kept ones."""
    draft_for(offline_engine, customer)
    edited = REFUND_PASSAGE.model_copy(update={"text": REFUND_PASSAGE.text.replace(
        "Open the invoice you want refunded.", "Pick the invoice that was charged by mistake.")})
    reply = draft_for(offline_engine, customer, passages=(edited, CARD_PASSAGE)).reply
    assert "Pick the invoice that was charged by mistake." in reply
    assert "Open the invoice you want refunded." not in reply


def test_length_stays_within_bounds(offline_engine, customer):
    reply = draft_for(offline_engine, customer).reply
    assert MIN_REPLY_CHARS <= len(reply) <= MAX_REPLY_CHARS


def test_too_long_feedback_gives_a_shorter_reply(offline_engine, customer):
    first = draft_for(offline_engine, customer)
    request = DraftRequest(
        message=MESSAGE,
        customer=customer,
        triage=make_triage(),
        passages=[REFUND_PASSAGE, CARD_PASSAGE],
        feedback=[TOO_LONG],
    )
    second = offline_engine.composer.compose(request)
    assert len(second.claims) < len(first.claims)


def test_an_upset_customer_gets_an_apology(offline_engine, customer):
    reply = draft_for(offline_engine, customer, sentiment="negative").reply
    assert "I'm sorry" in reply


def test_the_apology_is_for_what_went_wrong_not_for_the_question(offline_engine, customer):
    reply = draft_for(offline_engine, customer, sentiment="negative", category="billing").reply
    assert "I'm sorry for the trouble with your billing, and thank you" in reply
    assert "question" not in reply.split("\n\n")[1]


def test_without_relevant_passages_the_reply_hands_over_without_citing(offline_engine):
    draft = draft_for(offline_engine, None, message="What is the capital of France?")
    assert draft.citations == [] and draft.claims == []
    assert draft.reply.startswith("Hi there,") and "specialist" in draft.reply
    assert draft_for(offline_engine, None, passages=()).citations == []


def test_a_step_a_second_article_repeats_is_not_given_twice(offline_engine, customer):
    failed = Passage(
        article_id="billing-failed-payment", title="What happens when a payment fails",
        heading="Fix a failed payment", uri="kb://articles/billing-failed-payment", score=0.9,
        category="billing",
        text=(
            "1. Go to **Settings → Billing → Payment method** and add a working card.\n"
            "2. Go to **Settings → Billing → Invoices**, open the invoice marked **Past due**, "
            "and click **Pay now**.\n"
            "3. Full access is restored within a minute of a successful payment."
        ),
    )
    card = Passage(
        article_id="billing-update-payment-method",
        title="Update the credit card used for your subscription", heading="After a failed payment",
        uri="kb://articles/billing-update-payment-method", score=0.8, category="billing",
        text=(
            "After replacing the card, go to **Settings → Billing → Invoices**, open the invoice "
            "marked **Past due**, and click **Pay now**. Saving a new card does not automatically "
            "retry a failed invoice straight away."
        ),
    )
    message = ("I'm angry: our payment failed, now there's a past due banner and nobody told us. "
               "How do we fix this mess?")
    draft = draft_for(offline_engine, customer, message, (failed, card))
    pay_now = [claim.text for claim in draft.claims if "Pay now" in claim.text]
    assert len(pay_now) == 1, draft.reply
    assert [c.article_id for c in draft.citations] == [failed.article_id, card.article_id]
    assert "retry" in draft.reply  # the second article still adds what the first lacks


DATA_AFTER_CANCELLING = Passage(
    article_id="data-export-after-cancellation",
    title="What happens to your data after you cancel or delete a workspace", heading="",
    uri="kb://articles/data-export-after-cancellation", score=0.9, category="data-export",
    text="Cancelling a subscription and deleting a workspace are very different.",
)
WHOLE_ARTICLE = DATA_AFTER_CANCELLING.model_copy(update={"beside_match": True, "text": (
    "# What happens to your data after you cancel or delete a workspace\n\n"
    "Cancelling a subscription and deleting a workspace are very different.\n\n"
    "## After cancelling a paid plan\n\n"
    "Cancelling doesn't delete anything. When the paid period ends, the workspace moves to "
    "the **Free plan** and keeps all its projects for as long as the workspace exists — "
    "there's no deadline to export.\n\n"
    "## The deletion timeline\n\n"
    "After day 30 of a deletion, support can't recover the workspace.\n"
)})


def test_steps_come_from_the_whole_article_read_beside_the_matched_passage(
    offline_engine, customer
):
    message = "If we cancel, how long do we have to get our data out before it's deleted?"
    alone = draft_for(offline_engine, customer, message, (DATA_AFTER_CANCELLING,))
    read_through = draft_for(offline_engine, customer, message,
                             (DATA_AFTER_CANCELLING, WHOLE_ARTICLE))

    assert "no deadline to export" not in alone.reply
    assert "no deadline to export" in read_through.reply
    assert [c.article_id for c in read_through.citations] == [DATA_AFTER_CANCELLING.article_id]
    texts = [claim.text for claim in read_through.claims]
    assert len(texts) == len(set(texts))  # the matched sentence, read twice, is one step


SEATS_INTRO = Passage(
    article_id="plans-billable-seats", title="Who counts as a billable seat?", heading="",
    uri="kb://articles/plans-billable-seats", score=0.9, category="plans",
    text="Paid Tasklane plans are priced per seat. Your seat count is calculated automatically "
         "from the people in your workspace, so you never need to buy seats separately.",
)
SEATS_WHOLE = SEATS_INTRO.model_copy(update={"beside_match": True, "text": (
    "# Who counts as a billable seat?\n\n" + SEATS_INTRO.text + "\n\n## Who is billed\n\n"
    "**Guest allowances:** Pro includes up to 10 guests. Business includes up to 5 guests per "
    "paid seat (for example, 20 members can have 100 guests). The Free plan doesn't include "
    "guests.\n\n"
    "Guests can only see projects they're invited to. If you convert a guest to a member, they "
    "start using a seat.\n"
)})
PLANS_INCLUDED = Passage(
    article_id="plans-compare-plans", title="Compare Tasklane plans and pricing",
    heading="What's included", uri="kb://articles/plans-compare-plans", score=0.8,
    category="plans",
    text="**Pro** — for growing teams:\n"
         "- 10 GB of storage per paid seat, files up to 250 MB\n"
         "- Up to 10 guests, 2FA enforcement\n\n"
         "**Business** — for organisations that need control:\n"
         "- 25 GB of storage per paid seat\n"
         "- Up to 5 guests per paid seat\n",
)


def test_an_article_search_matched_by_its_introduction_is_judged_on_its_whole_text(
    offline_engine, customer
):
    """Search matched the seats article's introduction; who counts as a seat is further
    down, in the article read beside it. Judged on its introduction alone, the article lost
    to the plan comparison's list of guest allowances, which shares the question's words."""
    message = "Do guests from our client's company count as paid seats?"
    draft = draft_for(offline_engine, customer, message,
                      (SEATS_INTRO, PLANS_INCLUDED, SEATS_WHOLE), category="plans")
    assert draft.citations[0].article_id == SEATS_INTRO.article_id, draft.reply


ATTACHMENTS = Passage(
    article_id="data-export-attachments", title="Download all attachments from a project",
    heading="", uri="kb://articles/data-export-attachments", score=0.9, category="data-export",
    text="Bulk downloads are useful when archiving finished projects or freeing up storage. "
         "We email you a link to a ZIP file when it is ready.",
)
EXPORT_TROUBLE = Passage(
    article_id="data-export-troubleshooting", title="Troubleshooting exports", heading="",
    uri="kb://articles/data-export-troubleshooting", score=0.8, category="data-export",
    text="A workspace export with attachments can be too large to finish. Try the export "
         "without attachments first. If that works, download attachments project by project "
         "(see Download all attachments from a project).",
)


def test_a_sentence_pointing_to_another_article_does_not_make_its_own_article_the_answer(
    offline_engine, customer
):
    message = "How can I download all attachments from a project?"
    # Search ranked the pointing article first, and its pointer is the nearest sentence.
    draft = draft_for(offline_engine, customer, message, (EXPORT_TROUBLE, ATTACHMENTS))
    assert draft.citations[0].article_id == ATTACHMENTS.article_id, draft.reply


BLANK_SCREEN = Passage(
    article_id="bugs-desktop-app-blank-screen", title="Desktop app opens to a blank or white "
    "screen", heading="1. Check system requirements and update",
    uri="kb://articles/bugs-desktop-app-blank-screen", score=0.9, category="bugs",
    text="The desktop app supports **Windows 10 or later** and **macOS 12 or later**. Older "
         "versions of the app can fail to load after server updates, so download the latest "
         "version. The app normally updates itself; you can check with **Help → Check for "
         "updates**.",
)
BLANK_SCREEN_WHOLE = BLANK_SCREEN.model_copy(update={"beside_match": True, "text": (
    "# Desktop app opens to a blank or white screen\n\n"
    "If the desktop app opens to an empty white window, try these fixes in order.\n\n"
    "## 1. Check system requirements and update\n\n" + BLANK_SCREEN.text + "\n\n"
    "## 2. Turn off hardware acceleration\n\n"
    "Blank screens are most often caused by graphics drivers.\n\n"
    "- Go to **Help → Troubleshooting → Disable hardware acceleration** and let the app "
    "restart.\n\n"
    "## 3. Clear the app cache or reinstall\n\n"
    "A corrupted cache can also stop the app from loading.\n"
)})


def test_an_article_of_several_fixes_gives_more_than_its_first_section(offline_engine,
                                                                       customer):
    message = ("Since the last update the Windows desktop app only shows a white window. "
               "The web version works fine on the same laptop.")
    draft = draft_for(offline_engine, customer, message, (BLANK_SCREEN, BLANK_SCREEN_WHOLE),
                      category="bugs")
    first_section = [claim for claim in draft.claims
                     if claim.text.replace("**", "") in BLANK_SCREEN.text.replace("**", "")]
    assert len(first_section) <= 2, draft.reply
    assert len(draft.claims) > len(first_section), draft.reply


DELETE_ACCOUNT = Passage(
    article_id="account-delete-account", title="Delete your personal Tasklane account",
    heading="Delete your account", uri="kb://articles/account-delete-account", score=0.9,
    category="account",
    text=(
        "- **If you only want to leave one team**, you don't need to delete your account.\n\n"
        "## Delete your account\n\n"
        "1. Click your avatar, then go to **My profile → Account**.\n"
        "2. Scroll to **Delete account** and click **Delete my account**.\n"
        "3. Type your email address to confirm, and enter your password or 2FA code.\n"
        "4. Click **Permanently delete**."
    ),
)


def test_a_numbered_procedure_is_given_from_its_first_step(offline_engine, customer):
    """The steps most like the question are the 2nd and 4th; the reply gives all four, in
    order, rather than steps a customer cannot follow without the first."""
    draft = draft_for(offline_engine, customer, "How do I delete my account?", (DELETE_ACCOUNT,),
                      category="account")
    assert [claim.text for claim in draft.claims] == [
        "Click your avatar, then go to My profile → Account.",
        "Scroll to Delete account and click Delete my account.",
        "Type your email address to confirm, and enter your password or 2FA code.",
        "Click Permanently delete.",
    ], draft.reply


CHANGE_EMAIL = Passage(
    article_id="account-change-email", title="Change the email address on your account",
    heading="Change your email", uri="kb://articles/account-change-email", score=0.9,
    category="account",
    text=(
        "1. Click your avatar, then go to **My profile → Account**.\n"
        "2. Next to **Email**, click **Change**.\n"
        "3. Enter the new address and your current password (or a 2FA code, if you sign in "
        "with Google).\n"
        "4. We send a confirmation link to the **new** address. Click it within **24 hours** "
        "to finish the change.\n\n"
        "Until you confirm, you keep signing in with the old address. We also send a notice to "
        "the old address, so that you'll know if someone else tries to change it.\n\n"
        "On mobile, the same setting is under **Profile → Account → Email**."
    ),
)
CHANGE_EMAIL_ERRORS = CHANGE_EMAIL.model_copy(update={
    "heading": "Errors you might see", "beside_match": True,
    "text": "- **\"Your email is managed by your organisation.\"** Your workspace uses single "
            "sign-on, so the address comes from your identity provider. Ask your IT team to "
            "change it there.",
})


def test_how_do_i_gets_the_whole_procedure_over_a_better_scoring_aside(offline_engine,
                                                                      customer):
    """Asked how to change the sign-in email, the mobile aside and an error's fix score above
    most steps; the reply is the four steps, in order."""
    message = ("I'm leaving my job but want to keep my personal account. How do I change the "
               "sign-in email from maria.k@oldcorp-mail.com to my own address?")
    draft = draft_for(offline_engine, customer, message, (CHANGE_EMAIL, CHANGE_EMAIL_ERRORS),
                      category="account")
    assert [claim.text for claim in draft.claims] == [
        "Click your avatar, then go to My profile → Account.",
        "Next to Email, click Change.",
        "Enter the new address and your current password (or a 2FA code, if you sign in with "
        "Google).",
        "We send a confirmation link to the new address. Click it within 24 hours to finish "
        "the change.",
    ], draft.reply


def test_the_answer_leads_and_a_procedure_beside_it_is_never_in_pieces(offline_engine,
                                                                      customer):
    """The answer is the aside about leaving one team. The delete steps that fill the reply
    beside it come from the first on: "Click Permanently delete." without "Type your email
    address to confirm…" could not be followed."""
    draft = draft_for(offline_engine, customer,
                      "I only want to leave one team, do I need to delete my account?",
                      (DELETE_ACCOUNT,), category="account")
    texts = [claim.text for claim in draft.claims]
    assert texts[0] == "If you only want to leave one team, you don't need to delete your account."
    procedure = ["Click your avatar, then go to My profile → Account.",
                 "Scroll to Delete account and click Delete my account.",
                 "Type your email address to confirm, and enter your password or 2FA code.",
                 "Click Permanently delete."]
    given = [t for t in texts if t in procedure]
    assert given == procedure[:len(given)], draft.reply


GARBLED = Passage(
    article_id="data-export-project-csv", title="Export a project to CSV or Excel",
    heading="Opening the file correctly", uri="kb://articles/data-export-project-csv", score=0.9,
    category="data-export",
    text=(
        "- **Special characters look garbled in Excel** (for example `Ã©` instead of `é`). CSV "
        "files are UTF-8. Instead of double-clicking the file, open Excel and use **Data → From "
        "Text/CSV**, then choose **65001: Unicode (UTF-8)**."
    ),
)
PROJECT_CSV_WHOLE = GARBLED.model_copy(update={"beside_match": True, "text": (
    "## Export a project\n\n"
    "1. Open the project in the web or desktop app.\n"
    "2. Click **⋯ → Export** in the top-right corner.\n"
    "3. Choose a format: CSV or Excel (.xlsx).\n\n"
    "## Opening the file correctly\n\n" + GARBLED.text
)})


def test_a_procedure_beside_the_matched_section_answers_another_question(offline_engine,
                                                                         customer):
    """The export steps are in the article read whole; the garbled file's fix is in the section
    search matched, and the reply gives the fix, not how to export."""
    draft = draft_for(offline_engine, customer,
                      "I exported a project to CSV but the accented names look garbled when I "
                      "open it in Excel.", (GARBLED, PROJECT_CSV_WHOLE), category="data-export")
    assert "65001" in draft.reply, draft.reply


THIN = Passage(
    article_id="account-reset-password", title="Reset a forgotten password", heading="",
    uri="kb://articles/account-reset-password", score=0.9, category="account",
    text="You can reset your password from the sign-in page at any time.",
)
FULLER = Passage(
    article_id="account-locked-out", title="Locked out after too many sign-in attempts",
    heading="Get back in", uri="kb://articles/account-locked-out", score=0.8, category="account",
    text=("- Reset your password with the Forgot password? link to remove the lock at once.\n"
          "- Or wait 30 minutes: the lock on your password clears by itself.\n"
          "- A password manager avoids typing an old password again."),
)


def test_a_runner_up_fills_the_steps_a_thin_first_article_cannot(offline_engine, customer):
    draft = draft_for(offline_engine, customer, "I'm locked out, how do I reset my password?",
                      (THIN, FULLER), category="account")
    cited = [claim.uri for claim in draft.claims]
    assert cited[0] == THIN.uri and cited.count(THIN.uri) == 1, draft.reply
    assert cited.count(FULLER.uri) >= 2, draft.reply


VAT_TROUBLESHOOTING = Passage(
    article_id="billing-vat-tax-id", title="Add a VAT number or tax ID to your invoices",
    heading="Troubleshooting", uri="kb://articles/billing-vat-tax-id", score=0.9,
    category="billing",
    text=("- **Tax was charged before you added your VAT number.** Changes only apply to future "
          "invoices. Email billing@tasklane.example and we'll reissue the last 12 months.\n"
          "- **\"We couldn't validate this VAT number.\"** The VIES service may be unavailable; "
          "you can save the number anyway."),
)
VAT_WHOLE = VAT_TROUBLESHOOTING.model_copy(update={"heading": "", "beside_match": True, "text": (
    "Tasklane prices don't include taxes.\n\n"
    "## Add or change your billing details\n\n"
    "1. Go to **Settings → Billing → Billing details**.\n"
    "2. Fill in **Company name**, **Billing address** and **Country**.\n"
    "3. Under **Tax ID**, choose the type and enter the number, including the country prefix.\n"
    "4. Click **Save** to store the new billing details.\n\n"
    "## Troubleshooting\n\n" + VAT_TROUBLESHOOTING.text
)})


def test_how_do_i_what_the_title_says_gets_the_articles_procedure(offline_engine, customer):
    """Search matched the troubleshooting section, whose asides mention VAT numbers more than
    the steps do; asked how to do what the article's title says it does, the reply is the
    article's procedure, whole and in order."""
    draft = draft_for(offline_engine, customer, "How do I add a VAT number to our invoices?",
                      (VAT_TROUBLESHOOTING, VAT_WHOLE), category="billing")
    texts = [claim.text for claim in draft.claims]
    steps = [
        "Go to Settings → Billing → Billing details.",
        "Fill in Company name, Billing address and Country.",
        "Under Tax ID, choose the type and enter the number, including the country prefix.",
        "Click Save to store the new billing details.",
    ]
    assert [t for t in texts if t in steps] == steps, draft.reply
    # Asked something the title does not say, the matched section answers.
    draft = draft_for(offline_engine, customer,
                      "Tax was charged before I added our VAT number, how do I get it back?",
                      (VAT_TROUBLESHOOTING, VAT_WHOLE), category="billing")
    assert "Changes only apply to future invoices." in draft.reply, draft.reply


REPLACE_CARD = Passage(
    article_id="billing-update-payment-method",
    title="Update the credit card used for your subscription", heading="Change the card on file",
    uri="kb://articles/billing-update-payment-method", score=0.9, category="billing",
    text=("1. In the web app, go to **Settings → Billing → Payment method**.\n"
          "2. Click **Replace card**.\n"
          "3. Enter the card number, expiry date, CVC and the cardholder's postal code.\n"
          "4. Click **Save card**. Some banks will ask you to approve a small verification in "
          "your banking app (3D Secure)."),
)
CARD_ERRORS = REPLACE_CARD.model_copy(update={"heading": "Common errors", "text": (
    "- **\"Your card does not support this type of purchase.\"** The card blocks online or "
    "recurring payments. Ask your bank to allow recurring charges from Tasklane.\n"
    "- **\"The postal code is incorrect.\"** Enter the postal code that your bank has on file "
    "for the card, not your office address.")})


def test_a_later_step_comes_with_the_steps_before_it(offline_engine, customer):
    """'Enter the card number…' scores well on its own, but alone it does not say where: the
    steps before it come too, in order."""
    draft = draft_for(offline_engine, customer,
                      "My bank sent me a new card with a new number and expiry date, and the "
                      "payment failed with a postal code error.", (REPLACE_CARD, CARD_ERRORS),
                      category="billing")
    texts = [claim.text for claim in draft.claims]
    later = "Enter the card number, expiry date, CVC and the cardholder's postal code."
    assert later in texts, draft.reply
    before = ["In the web app, go to Settings → Billing → Payment method.", "Click Replace card."]
    assert texts[texts.index(later) - 2:texts.index(later)] == before, draft.reply


QUICK_FIXES = Passage(
    article_id="bugs-mobile-sync-issues", title="Changes made on the mobile app aren't syncing",
    heading="Quick fixes", uri="kb://articles/bugs-mobile-sync-issues", score=0.9,
    category="bugs",
    text=("1. **Pull down** on any list to force a refresh.\n"
          "2. Check that the app has network access: Settings → Tasklane → Mobile Data.\n"
          "3. Sign out and sign back in (Profile → Sign out).\n"
          "4. Restart your phone to clear stuck background tasks.\n"
          "5. Update the app. We support iOS 16 or later and Android 9 or later.\n"
          "6. Reinstall the app if nothing else helped."),
)


def test_a_fix_of_its_own_in_a_numbered_list_needs_no_steps_before_it(offline_engine,
                                                                     customer):
    """A troubleshooting list's items are fixes to try, each on its own: 'Update the app'
    does not bring the four before it."""
    draft = draft_for(offline_engine, customer,
                      "Which iOS version does the app need? Do I have to update it?",
                      (QUICK_FIXES,), category="bugs")
    texts = [claim.text for claim in draft.claims]
    assert "Update the app. We support iOS 16 or later and Android 9 or later." in texts
    assert "Restart your phone to clear stuck background tasks." not in texts, draft.reply
