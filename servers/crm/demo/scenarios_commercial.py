"""Scenarios for money and access: billing, plans, account."""

from servers.crm.demo.scenario import Scenario

BILLING = (
    Scenario(
        subjects=(
            "Charged twice this month",
            "Duplicate charge on my {card}",
            "Why was I billed two times?",
        ),
        bodies=(
            "I just checked our {card} statement and there are two charges of {amount} from "
            "Tasklane on {date}. We only have the one workspace ({workspace}), so one of them "
            "must be a mistake. Could you refund the duplicate?",
            "Our finance team spotted a double payment for the {plan} plan: {amount} was taken "
            "twice on {date}. Can you confirm which one is valid and refund the other?",
        ),
        replies=(
            "Thanks for flagging this, {first}. I can see two charges of {amount} on {date}: "
            "the second was a payment retry that should have been voided. I've refunded it "
            "now; it usually shows on your statement within 5-10 business days.",
            "Sorry about that! The duplicate charge came from a retry after a timeout at our "
            "payment provider. The refund of {amount} is on its way and I've added a note to "
            "your account so it can't happen on the next renewal.",
        ),
        notes=(
            "Confirmed duplicate in the payment dashboard, refund ref {ref}.",
            "Second charge was an automatic retry; flagged to payments team.",
        ),
        tags=("refund", "duplicate-charge"),
        priorities=(0, 5, 4, 1),
    ),
    Scenario(
        subjects=(
            "Cancelled but still charged",
            "Refund for the renewal after cancelling",
            "Charged after I downgraded to Free",
        ),
        bodies=(
            "We cancelled our {plan} subscription on {date}, but the renewal still went "
            "through today for {amount}. We don't use Tasklane any more. Please refund it.",
            "I downgraded {workspace} to the Free plan last month and was charged {amount} "
            "anyway. Did the downgrade not go through?",
        ),
        replies=(
            "Hi {first}, I checked and the cancellation was scheduled for the end of the "
            "billing period, so the renewal slipped through. I've refunded {amount} in full; "
            "your workspace stays on Free from now on.",
            "I'm sorry for the confusion. Our refund policy covers renewals that are reported "
            "within 14 days, so I've issued a full refund of {amount}.",
        ),
        notes=("Downgrade was queued for period end; refund approved under 14-day policy.",),
        tags=("refund", "cancellation"),
    ),
    Scenario(
        subjects=(
            "Need our VAT number on invoices",
            "Invoice shows the wrong company address",
            "Where can I download past invoices?",
        ),
        bodies=(
            "Our accounts team needs the VAT ID {vat} on every invoice, including the last "
            "three. Can you add it and reissue them?",
            "The invoices for {workspace} still show our old address. We moved offices in "
            "the spring. How do I update it so the next invoice is correct?",
            "I need the invoices for the last six months for our auditors. I'm an admin but "
            "I can't find a download button anywhere in the {app}.",
        ),
        replies=(
            "Done! Admins can add a tax ID under Settings > Billing > Tax details; I've added "
            "{vat} for you and reissued your recent invoices.",
            "You'll find every invoice under Settings > Billing > Invoices (web app only, the "
            "mobile apps don't show billing). Each one has a PDF download link.",
        ),
        tags=("invoice",),
        priorities=(4, 6, 1, 0),
    ),
    Scenario(
        subjects=(
            "Payment failed but the card is fine",
            "Card declined on renewal",
            "How do I update our payment method?",
        ),
        bodies=(
            "We got an email saying the {plan} renewal payment failed, but the card works "
            "everywhere else. I don't want the workspace to lock. What should I do?",
            "Our company card expired and the renewal was declined on {date}. I'd like to "
            "switch to the new card. Will anything be locked in the meantime?",
        ),
        replies=(
            "Nothing will be locked yet: failed payments are retried for 14 days. You can "
            "update the card under Settings > Billing > Payment method and we'll retry at once.",
            "Some banks block recurring charges from abroad; if the card is fine, a quick "
            "call to your bank usually clears it. After that, use 'Retry payment' in Billing.",
        ),
        notes=("Processor decline code: do_not_honor. Suggested the bank route.",),
        tags=("payment-failed",),
        priorities=(0, 4, 5, 1),
    ),
    Scenario(
        subjects=(
            "Unexpected seat charges",
            "Why did our bill go up?",
            "Prorated charge I don't understand",
        ),
        bodies=(
            "This month's invoice is higher than usual. We added {seats_added} people in the "
            "middle of the cycle. Is that a prorated charge? The breakdown isn't clear to me.",
            "We're being billed for {seats} seats but only a handful of us log in. Are "
            "deactivated members still counted?",
        ),
        replies=(
            "Yes, that's the prorated charge for the seats added mid-cycle: you pay only for "
            "the days left in the period. The invoice line 'Seat adjustment' shows the dates.",
            "Deactivated members don't count, but invited people who haven't accepted yet do. "
            "You can revoke pending invites in Settings > Members to lower the next invoice.",
        ),
        tags=("seats", "proration"),
        priorities=(2, 6, 1, 0),
    ),
)

PLANS = (
    Scenario(
        subjects=(
            "What's the difference between Pro and Business?",
            "Thinking of upgrading to Business",
            "Upgrade question",
        ),
        bodies=(
            "We're on {plan} with {seats} people. We mostly need guest access and the "
            "timeline view. Is that Business only, and what would it cost us per month?",
            "Our team is growing and someone mentioned the Business plan has advanced "
            "permissions. Can I upgrade mid-cycle without losing anything?",
        ),
        replies=(
            "Guest access and the timeline view are both in Business. Upgrading is instant, "
            "keeps all your data, and you're only charged the prorated difference.",
            "Yes, you can upgrade anytime from Settings > Billing > Change plan. Nothing is "
            "lost and the new features appear straight away.",
        ),
        tags=("upgrade",),
        priorities=(4, 5, 1, 0),
        channels=("web", "chat", "email"),
    ),
    Scenario(
        subjects=("Discount for nonprofits?", "Education pricing for our school"),
        bodies=(
            "We're a registered charity with {seats} volunteers. Do you offer a nonprofit "
            "discount on the {next_plan} plan?",
            "I teach at a secondary school and want to use Tasklane for student projects. "
            "Is there an education plan?",
        ),
        replies=(
            "We do: registered nonprofits and schools get 50% off Pro and Business. Reply with "
            "proof of status (a registration number is enough) and I'll apply it.",
        ),
        tags=("discount",),
        priorities=(6, 3, 0, 0),
    ),
    Scenario(
        subjects=("Can we extend our trial?", "Trial ended before we finished evaluating"),
        bodies=(
            "Our {next_plan} trial ends this week but half the team was on holiday. Could we "
            "get another 14 days to finish testing the {integration} integration?",
        ),
        replies=(
            "Of course, I've extended the trial for {workspace} by 14 days. Let me know if "
            "you'd like a walkthrough of the {integration} integration.",
        ),
        tags=("trial",),
        priorities=(3, 5, 1, 0),
    ),
    Scenario(
        subjects=("Hit the project limit on Free", "Free plan limits?"),
        bodies=(
            "I tried to create a new project and got a message that the Free plan is limited. "
            "What exactly are the limits, and what happens to my existing projects?",
        ),
        replies=(
            "The Free plan includes up to 3 active projects and 5 members. Existing projects "
            "stay as they are; archive one to free a slot, or upgrade to Pro for unlimited.",
        ),
        tags=("limits", "free-plan"),
        priorities=(4, 5, 0, 0),
    ),
    Scenario(
        subjects=("Quote for {seats} Enterprise seats", "Enterprise pricing and SSO"),
        bodies=(
            "We're evaluating Tasklane for about {seats} users across three departments. We "
            "need SSO, audit logs and invoicing in {currency}. Can you send an Enterprise quote?",
        ),
        replies=(
            "Thanks {first}! I've passed this to our sales team, who will send a quote for "
            "{seats} seats with SSO, audit logs and annual invoicing in {currency} within one "
            "business day.",
        ),
        notes=("Handed to sales; potential expansion.",),
        tags=("enterprise", "sales"),
        priorities=(1, 5, 3, 0),
    ),
)

ACCOUNT = (
    Scenario(
        subjects=("Password reset email never arrives", "Can't log in - no reset email"),
        bodies=(
            "I've requested a password reset three times in the last hour and nothing has "
            "arrived, not even in spam. I'm locked out of {workspace}.",
            "Locked out after too many attempts and the reset link doesn't come through. "
            "Our mail server might be filtering it?",
        ),
        replies=(
            "Reset emails come from no-reply@tasklane.example; some company filters hold them. "
            "I've sent a fresh link manually - it's valid for one hour. If it doesn't show up, "
            "ask IT to allow our sending domain.",
        ),
        tags=("login", "password"),
        priorities=(0, 4, 5, 1),
    ),
    Scenario(
        subjects=("Lost my phone, can't get past 2FA", "New phone, two-factor codes don't work"),
        bodies=(
            "I got a new phone and didn't move the authenticator app. Now I can't log in "
            "because of two-factor authentication. I don't have the backup codes either.",
        ),
        replies=(
            "To keep your account safe we need to verify it's you: please reply from your "
            "account email and confirm the last invoice amount. Then I'll reset 2FA so you can "
            "set it up again on the new phone.",
        ),
        notes=("Identity verified via invoice amount; 2FA reset.",),
        tags=("2fa", "login"),
        priorities=(0, 3, 6, 1),
    ),
    Scenario(
        subjects=("Change the email on my account", "How do I update my login email?"),
        bodies=(
            "Our company changed its domain, so I need to switch my login email to the new "
            "one. I'd like to keep all my tasks and projects.",
        ),
        replies=(
            "Go to Profile > Account > Email, enter the new address and confirm the link we "
            "send there. Your tasks, projects and history all stay as they are.",
        ),
        tags=("email-change",),
        priorities=(5, 5, 0, 0),
    ),
    Scenario(
        subjects=("Transfer workspace ownership", "Owner left the company"),
        bodies=(
            "The person who created {workspace} left last month and we can't change billing "
            "or add admins. How can ownership be moved to me?",
        ),
        replies=(
            "Since the owner can't transfer it, we can do it once another admin confirms. I've "
            "asked your other admin to reply here; after that I'll move ownership to you.",
        ),
        notes=("Waiting for second admin's confirmation before transfer.",),
        tags=("ownership",),
        priorities=(1, 5, 4, 0),
    ),
    Scenario(
        subjects=("Please delete my account", "Close my account and remove my data"),
        bodies=(
            "I no longer need Tasklane. Please delete my account and everything in it. Is "
            "there anything I need to do first?",
        ),
        replies=(
            "You can delete it yourself under Profile > Account > Delete account. If you own "
            "a workspace, transfer it or delete it first. Deletion is permanent after 30 days.",
        ),
        tags=("deletion",),
        priorities=(4, 5, 0, 0),
    ),
)
